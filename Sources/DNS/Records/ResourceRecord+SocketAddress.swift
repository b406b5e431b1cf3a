public import NIOCore

extension ResourceRecord {
    /// The address an A or AAAA record names, with `port`; nil for other types. Clients that connect to a resolved
    /// host (HTTPS, SMTP) build their addresses with this, so that no name goes through the system's resolver.
    public func socketAddress(port: Int) -> SocketAddress? {
        let bytes: [UInt8]
        switch data {
        case .a(let address): bytes = address.bytes
        case .aaaa(let address): bytes = address.bytes
        default: return nil
        }
        return try? SocketAddress(packedIPAddress: ByteBuffer(bytes: bytes), port: port)
    }
}
