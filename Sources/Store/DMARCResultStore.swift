public import Foundation

/// The milter's DMARC results, kept for the daily aggregate reports (RFC 9990) and removed once reported.
public protocol DMARCResultStore: Sendable {
    /// Keeps one checked message's result.
    func recordDMARCResult(_ result: DMARCResultRecord) async throws(StoreError)
    /// The DMARC Policy Domains with results received in `[start, end)`, sorted.
    func dmarcPolicyDomains(from start: Date, to end: Date) async throws(StoreError) -> [String]
    /// The results for `policyDomain` received in `[start, end)`, one row per distinct (source IP, identifiers,
    /// authentication results, evaluation) with its message count, in the order each was first seen.
    func dmarcReportRows(policyDomain: String, from start: Date, to end: Date) async throws(StoreError) -> [DMARCResultCount]
    /// The policy seen last for `policyDomain` in `[start, end)` (RFC 9990 §3.1: one report notes the final
    /// configuration observed), or nil without results.
    func dmarcLatestPolicy(policyDomain: String, from start: Date, to end: Date) async throws(StoreError) -> DMARCPolicySnapshot?
    /// Takes the report of `policyDomain` for the period starting at `begin`: `true` for the first caller only, so
    /// servers sharing the database send each report once.
    func claimDMARCReport(policyDomain: String, begin: Date, at time: Date) async throws(StoreError) -> Bool
    /// Deletes the results of `policyDomain` (every domain when nil) received before `time`, and report claims older
    /// than it; returns how many results went.
    @discardableResult
    func deleteDMARCResults(policyDomain: String?, before time: Date) async throws(StoreError) -> Int
}

/// One DKIM signature's result as recorded: `d=`, `s=` (empty when unknown) and the RFC 8601 result.
public struct DMARCSignatureRecord: Sendable, Hashable, Codable {
    public var domain: String
    public var selector: String
    public var result: String

    public init(domain: String, selector: String, result: String) {
        self.domain = domain
        self.selector = selector
        self.result = result
    }
}

/// What one row of an aggregate report groups on (RFC 9990 §3.1.1.7–§3.1.1.13); values as they appear in the XML.
public struct DMARCResultKey: Sendable, Hashable {
    /// The connecting IP address.
    public var sourceIP: String
    /// The RFC5322.From domain.
    public var headerFrom: String
    /// The domain SPF checked for MAIL FROM; empty for a null reverse-path.
    public var envelopeFrom: String
    /// The first RCPT TO domain, when known.
    public var envelopeTo: String?
    /// SPF: the domain checked, `mfrom` or `helo`, and the result; nil when SPF did not run.
    public var spfDomain: String?
    public var spfScope: String?
    public var spfResult: String?
    /// Every signature checked, top first.
    public var signatures: [DMARCSignatureRecord]
    public var dkimAligned: Bool
    public var spfAligned: Bool
    /// `none`, `pass`, `quarantine` or `reject` (RFC 9990 `ActionDispositionType`).
    public var disposition: String
    /// An RFC 9990 §3.1.4 override type and its comment, when the disposition differs from the policy.
    public var overrideReason: String?
    public var overrideComment: String?

    public init(sourceIP: String, headerFrom: String, envelopeFrom: String, envelopeTo: String?, spfDomain: String?, spfScope: String?,
                spfResult: String?, signatures: [DMARCSignatureRecord], dkimAligned: Bool, spfAligned: Bool, disposition: String,
                overrideReason: String? = nil, overrideComment: String? = nil) {
        self.sourceIP = sourceIP
        self.headerFrom = headerFrom
        self.envelopeFrom = envelopeFrom
        self.envelopeTo = envelopeTo
        self.spfDomain = spfDomain
        self.spfScope = spfScope
        self.spfResult = spfResult
        self.signatures = signatures
        self.dkimAligned = dkimAligned
        self.spfAligned = spfAligned
        self.disposition = disposition
        self.overrideReason = overrideReason
        self.overrideComment = overrideComment
    }
}

/// The DMARC Policy Record a result was evaluated under.
public struct DMARCPolicySnapshot: Sendable, Hashable {
    /// Where the record was found (the DMARC Policy Domain).
    public var policyDomain: String
    /// Its Organizational Domain (RFC 9989 §4.10.2), for RFC 9990 §4's external destination check.
    public var organizationalDomain: String
    /// The record as published.
    public var record: String
    /// `treewalk` (RFC 9989) or `psl` (RFC 7489).
    public var discoveryMethod: String

    public init(policyDomain: String, organizationalDomain: String, record: String, discoveryMethod: String) {
        self.policyDomain = policyDomain
        self.organizationalDomain = organizationalDomain
        self.record = record
        self.discoveryMethod = discoveryMethod
    }
}

/// One checked message: when, under which policy, and the row it adds to.
public struct DMARCResultRecord: Sendable, Hashable {
    public var receivedAt: Date
    public var policy: DMARCPolicySnapshot
    public var key: DMARCResultKey

    public init(receivedAt: Date, policy: DMARCPolicySnapshot, key: DMARCResultKey) {
        self.receivedAt = receivedAt
        self.policy = policy
        self.key = key
    }
}

/// A row of an aggregate report: a key and how many messages had it.
public struct DMARCResultCount: Sendable, Hashable {
    public var key: DMARCResultKey
    public var count: Int

    public init(key: DMARCResultKey, count: Int) {
        self.key = key
        self.count = count
    }
}
