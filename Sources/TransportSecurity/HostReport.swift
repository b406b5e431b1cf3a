public import DANE
public import DNS
public import SMTP

/// Everything the prober learned about one MX host, and what a DANE + MTA-STS sender does with it.
public struct HostReport: Sendable {
    public let host: MXHost
    /// The host's A and AAAA addresses as text, with the DNSSEC status of the A (or AAAA) answer.
    public let addresses: [String]
    public let addressDNSSEC: DNSSECStatus?
    public let danePolicy: DANEPolicy
    /// `nil` when no SMTP session took place (see ``connectionError``).
    public let session: SMTPSessionReport?
    public let startTLSOffered: Bool
    public let certificates: [CertificateSummary]
    public let connectionError: String?
    public let dane: DANEVerdict
    public let mtaSTS: MTASTSVerdict
    public let decision: SenderDecision
    public let reason: String
}

/// The prober's answer for a domain.
public struct DomainReport: Sendable {
    public let mx: MXSet
    /// The MTA-STS policy that applies, as the resolver found it (`nil` policy: none applies).
    public let mtaSTSMode: String?
    public let mtaSTSReason: String?
    public let hosts: [HostReport]
    /// The decision for the first host in preference order that a sender would deliver to, else `defer`.
    public let decision: SenderDecision
    public let reason: String
}
