import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends each datagram to the unix datagram socket at `path` from an unbound socket, as libtlsrpt does (`sendto` with
/// `MSG_DONTWAIT`), waiting a little while the receiver's queue is full (Linux queues 10 datagrams by default).
package func sendUnixDatagrams(_ datagrams: [[UInt8]], to path: String) async throws {
    let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    guard descriptor >= 0 else { throw POSIXError(.EIO) }
    defer { close(descriptor) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
    }
    let target = address
    for datagram in datagrams {
        var attempts = 0
        while true {
            let sent = withUnsafePointer(to: target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, datagram, datagram.count, Int32(MSG_DONTWAIT), $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if sent == datagram.count { break }
            let failure = errno
            attempts += 1
            guard failure == EAGAIN, attempts < 500 else { throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
