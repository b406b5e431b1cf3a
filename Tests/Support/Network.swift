import Foundation

/// `body` with the IPv4 socket address of host:port.
private func withSocketAddress<T>(host: String, port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr(host)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// A TCP connection that could not be made.
package struct TCPConnectFailed: Error, CustomStringConvertible {
    package let host: String
    package let port: Int
    package let errno: Int32

    package var description: String { "connect to \(host):\(port): errno \(errno)" }
}

/// A blocking TCP socket connected to host:port; with `timeout`, every later send and receive gives up after it.
/// The caller closes it.
package func connectTCP(host: String = "127.0.0.1", port: Int, timeout: Duration? = nil) throws -> Int32 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TCPConnectFailed(host: host, port: port, errno: errno) }
    if let timeout {
        let (seconds, attoseconds) = timeout.components
        var time = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }
    guard withSocketAddress(host: host, port: port, { connect(descriptor, $0, $1) }) == 0 else {
        let failure = TCPConnectFailed(host: host, port: port, errno: errno)
        close(descriptor)
        throw failure
    }
    return descriptor
}

/// Whether a TCP connection to host:port succeeds.
package func canConnect(host: String, port: Int) -> Bool {
    guard let descriptor = try? connectTCP(host: host, port: port) else { return false }
    close(descriptor)
    return true
}

/// A TCP port on 127.0.0.1 that nothing is bound to now, below Linux's ephemeral range (32768–60999), so an outgoing
/// connection of another test cannot hold it when a server binds it a moment later. Random, so parallel test processes
/// rarely pick the same one.
package func freeLoopbackPort() -> Int {
    while true {
        let port = Int.random(in: 10_000..<32_000)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let bound = withSocketAddress(host: "127.0.0.1", port: port) { bind(descriptor, $0, $1) } == 0
        close(descriptor)
        if bound { return port }
    }
}
