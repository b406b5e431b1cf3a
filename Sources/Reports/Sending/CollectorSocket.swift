import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bound, non-blocking unix datagram socket: the collector's end of libtlsrpt's protocol.
struct CollectorSocket: Sendable {
    let descriptor: Int32
    let path: String

    /// Binds `path`, replacing a socket file left there; the socket is writable by everyone, like tlsrpt-collectd's
    /// default, so the MTA's user can report (limit access with the folder's permissions).
    init(path: String) throws {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK { unlink(path) }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let bound = withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let failure = errno
            Glibc.close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO)
        }
        chmod(path, 0o666)
        self.descriptor = descriptor
        self.path = path
    }

    /// The next datagram, cut at `limit` octets, or nil when none is waiting.
    func receive(limit: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, limit, 0) }
        guard count >= 0 else { return nil }
        return Array(buffer.prefix(count))
    }

    /// Closes the socket and removes its file.
    func close() {
        Glibc.close(descriptor)
        unlink(path)
    }
}
