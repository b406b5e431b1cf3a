public import DNS
import DANE

/// One mail exchanger of a domain.
public struct MXHost: Sendable, Hashable {
    public let name: String
    public let preference: UInt16
}

/// The mail exchangers of a domain with what DNSSEC proved of them (RFC 5321 §5.1, RFC 7672 §2.2.1).
public struct MXSet: Sendable, Hashable {
    public let domain: String
    /// The DNSSEC status of the MX RRset (or of the domain's address records when there is no MX).
    public let dnssec: DNSSECStatus
    /// Hosts in preference order; the domain itself when it has no MX records (RFC 5321 §5.1 implicit MX).
    public let hosts: [MXHost]
    /// The domain has no MX RRset and is its own mail exchanger.
    public let isImplicit: Bool
    /// The domain publishes a null MX (RFC 7505): it accepts no mail.
    public let isNullMX: Bool

    /// The MX set of `domain` through Stockade's resolver.
    /// - Throws: ``DNSError`` when the resolver could not answer.
    public static func lookup(_ domain: String, resolver: DNS.Resolver<ContinuousClock>) async throws(DNSError) -> MXSet {
        let domain = DANELookup.normalized(domain)
        let answer = try await resolver.resolve(domain, .mx)
        let records = answer.rrset.compactMap { record -> MX? in
            if case .mx(let mx) = record.data { return mx }
            return nil
        }
        if records.count == 1, records[0].exchange.description == "." {
            return MXSet(domain: domain, dnssec: answer.dnssec, hosts: [], isImplicit: false, isNullMX: true)
        }
        if records.isEmpty, answer.responseCode == .noError {
            return MXSet(domain: domain, dnssec: answer.dnssec, hosts: [MXHost(name: domain, preference: 0)],
                         isImplicit: true, isNullMX: false)
        }
        let hosts = records.enumerated()
            .sorted { ($0.element.preference, $0.offset) < ($1.element.preference, $1.offset) }
            .map { MXHost(name: DANELookup.normalized($0.element.exchange.description), preference: $0.element.preference) }
        return MXSet(domain: domain, dnssec: answer.dnssec, hosts: hosts, isImplicit: false, isNullMX: false)
    }
}
