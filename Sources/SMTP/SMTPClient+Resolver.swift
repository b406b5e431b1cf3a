public import DNS
import NIOCore

extension SMTPClient {
    /// Resolves `host` through Stockade's own ``Resolver`` (A, then AAAA, CNAMEs followed; never the system
    /// resolver) and sends to the first address that accepts a connection (RFC 5321 §5.1: try each address).
    /// - Throws: ``SMTPError/resolution(_:_:)`` when the host has no address, else as
    ///   ``send(_:from:to:server:)``.
    public func send(_ message: [UInt8], from sender: String, to recipients: [String], host: String, port: Int = 25,
                     resolver: DNS.Resolver<ContinuousClock>) async throws(SMTPError) -> SMTPSessionReport {
        let delivery = try SMTPConversation.Delivery(checkedSender: sender, recipients: recipients, message: message)
        return try await run(.deliver(delivery), servers: try await Self.addresses(of: host, port: port, resolver: resolver))
    }

    /// ``probe(_:)`` for a host name resolved as in ``send(_:from:to:host:port:resolver:)``.
    public func probe(host: String, port: Int = 25, resolver: DNS.Resolver<ContinuousClock>) async throws(SMTPError) -> SMTPSessionReport {
        try await run(.probe, servers: try await Self.addresses(of: host, port: port, resolver: resolver))
    }

    /// The A addresses of `host`, then its AAAA addresses.
    static func addresses(of host: String, port: Int, resolver: DNS.Resolver<ContinuousClock>) async throws(SMTPError) -> [SocketAddress] {
        var addresses: [SocketAddress] = []
        var problems: [String] = []
        for type in [RecordType.a, .aaaa] {
            let answer: Answer
            do {
                answer = try await resolver.resolve(host, type)
            } catch {
                problems.append(error.reason)
                continue
            }
            guard answer.responseCode == .noError else {
                problems.append("\(type) \(answer.responseCode) (\(answer.dnssec))")
                continue
            }
            addresses += answer.rrset.compactMap { $0.socketAddress(port: port) }
        }
        guard !addresses.isEmpty else {
            throw .resolution(host, problems.isEmpty ? "no A or AAAA records" : problems.joined(separator: "; "))
        }
        return addresses
    }
}
