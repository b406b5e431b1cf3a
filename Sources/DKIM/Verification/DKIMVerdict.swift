/// The result of verifying one signature, as RFC 8601 §2.7.1 names them.
public enum DKIMResult: String, Sendable, Hashable, CaseIterable, Codable {
    /// The signature verified.
    case pass
    /// The signature or the body hash did not verify (RFC 6376 §6.1.3).
    case fail
    /// The signature was not evaluated (beyond ``DKIMLimits/maximumSignaturesVerified``).
    case neutral
    /// The key could not be fetched for now (SERVFAIL, timeout): try again later (RFC 6376 §6.1.2).
    case temperror
    /// The signature or its key is unusable (syntax, policy, RFC 8301 bans): retrying will not help (§6.1.1, §6.1.2).
    case permerror
}

/// The verdict on one `DKIM-Signature` field: its result, why, and who signed.
public struct DKIMVerdict: Sendable, Hashable {
    /// pass, fail, neutral, temperror or permerror.
    public let result: DKIMResult
    /// Why, for people; nil for a pass.
    public let reason: String?
    /// `d=`, the SDID, lower case; nil when the field could not be read that far.
    public let domain: String?
    /// `s=`; nil when the field could not be read that far.
    public let selector: String?
    /// The AUID: `i=`, or `@d` when absent (RFC 6376 §3.5); nil when unknown.
    public let identity: String?
    /// `a=` as written; nil when unknown.
    public let algorithm: String?
    /// The key record has `t=y`: the domain is testing; RFC 6376 §3.6.1 says not to treat such mail differently
    /// from unsigned mail, so policy layers (DMARC) should not count this signature.
    public let isTesting: Bool

    public init(result: DKIMResult, reason: String?, domain: String?, selector: String?, identity: String?,
                algorithm: String?, isTesting: Bool = false) {
        self.result = result
        self.reason = reason
        self.domain = domain
        self.selector = selector
        self.identity = identity
        self.algorithm = algorithm
        self.isTesting = isTesting
    }
}
