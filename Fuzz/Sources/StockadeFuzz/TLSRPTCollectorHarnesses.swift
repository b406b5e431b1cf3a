import TLSRPT

/// `CollectorDatagram.parse(_:)`: one libtlsrpt datagram as an MTA sends it to the TLSRPT collector.
enum TLSRPTCollectorHarness {
    static func run(_ bytes: [UInt8]) {
        let datagram: CollectorDatagram
        do {
            datagram = try CollectorDatagram.parse(bytes)
        } catch {
            require(!error.reason.isEmpty, "a TLSRPTError without a reason")
            return
        }
        require(bytes.count <= CollectorDatagram.maximumSize, "accepted \(bytes.count) octets")
        require(!datagram.domain.isEmpty, "empty domain")
        require((1...CollectorDatagram.maximumPolicies).contains(datagram.policies.count), "\(datagram.policies.count) policies")
        for session in datagram.policies {
            require(session.failures.count <= CollectorDatagram.maximumEntries, "\(session.failures.count) failures")
            require(session.failures.allSatisfy { $0.failedSessionCount == 1 && $0.resultType.isRegistered }, "a failure detail out of range")
            require(!session.policy.domain.isEmpty, "empty policy domain")
        }
    }
}
