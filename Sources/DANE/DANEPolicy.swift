public import DNS

/// A TLSA record an SMTP client must ignore, and why.
public struct UnusableTLSA: Sendable, Hashable {
    public let record: TLSA
    public let reason: TLSAUnusableReason

    public init(record: TLSA, reason: TLSAUnusableReason) {
        self.record = record
        self.reason = reason
    }

    /// The record as text, `1 1 1 <hex>`.
    public var recordText: String { RecordDataText.tlsa(record) }
}

/// The DNSSEC-secure TLSA RRset of one SMTP server (RFC 7672 §2.2): where it was found and which records count.
public struct DANERecords: Sendable, Hashable {
    /// The MX host name as the MX record gave it.
    public let hostName: String
    /// The name the TLSA records were found under (`_25._tcp.<base>`): the CNAME-expanded host name, or the
    /// original when the expanded one has none (RFC 7672 §2.2.3). It is also the SNI name (§8.1).
    public let baseDomain: String
    public let port: Int
    public let usable: [UsableTLSA]
    public let unusable: [UnusableTLSA]

    public init(hostName: String, baseDomain: String, port: Int, records: [TLSA]) {
        self.hostName = hostName
        self.baseDomain = baseDomain
        self.port = port
        var usable: [UsableTLSA] = []
        var unusable: [UnusableTLSA] = []
        for record in records {
            switch record.smtpUsability {
            case .success(let record): usable.append(record)
            case .failure(let reason): unusable.append(UnusableTLSA(record: record, reason: reason))
            }
        }
        self.usable = usable
        self.unusable = unusable
    }

    /// Records exist but none is usable: TLS is still mandatory, without authentication (RFC 7672 §2.2).
    public var isUnusable: Bool { usable.isEmpty }

    /// The owner name of the records, `_25._tcp.<base domain>` (RFC 6698 §3).
    public var ownerName: String { "_\(port)._tcp.\(baseDomain)" }
}

/// What DNS says about DANE for one SMTP server.
public enum DANEPolicy: Sendable, Hashable {
    /// A DNSSEC-secure, non-empty TLSA RRset: DANE applies (RFC 7672 §2.2).
    case applies(DANERecords)
    /// DANE does not apply to this server, and why (no records, or nothing DNSSEC-secure to stand on).
    case notApplicable(String)
    /// DNSSEC validation failed for a record DANE depends on: the sender must defer, never downgrade
    /// (RFC 7672 §2.1.1).
    case bogus(String)
}
