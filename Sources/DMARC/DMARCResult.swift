/// The outcome of DMARC for one message (RFC 9989 §5.3).
public struct DMARCResult: Sendable, Hashable {
    /// RFC 9989 §9.2 result names (`permerror` is not produced: malformed records are discarded, §4.8).
    public enum Verdict: String, Sendable, Hashable, CaseIterable {
        /// A record applies and an Authenticated Identifier is aligned (§5.3.5).
        case pass
        /// A record applies and no Authenticated Identifier is aligned.
        case fail
        /// No record applies (§4.10.1): DMARC does not apply to the message.
        case none
        /// A DNS query needed did not complete: neither pass nor fail (§5.3.6).
        case temperror
    }

    /// Which tag gave the policy (RFC 9989 §4.10.1).
    public enum PolicyTag: String, Sendable, Hashable, CaseIterable {
        case p, sp, np
    }

    public var verdict: Verdict
    /// What the Domain Owner asks for this message: `none` on pass; the applied policy (one step lower under `t=y`)
    /// on fail; `nil` for `none` and `temperror`.
    public var disposition: DMARCRecord.Policy?
    /// Where the applied record was found (RFC 9989 §3.2.5).
    public var policyDomain: String?
    /// The Author Domain's Organizational Domain (RFC 9989 §4.10.2; RFC 7489 §3.2 in that mode).
    public var organizationalDomain: String?
    public var spfAligned: Bool
    public var dkimAligned: Bool
    /// The tag the policy came from; `nil` when no record applies.
    public var appliedPolicy: PolicyTag?
    /// The record applied.
    public var record: DMARCRecord?
    /// Every DNS question asked, in order, each once (answers are reused within one evaluation).
    public var queries: [DMARCQuery]
    /// Why, for people.
    public var reason: String
}

/// One DNS question of an evaluation.
public enum DMARCQuery: Sendable, Hashable, CustomStringConvertible {
    /// TXT at `_dmarc.<domain>`; the name includes `_dmarc.`.
    case policy(String)
    /// Whether the Author Domain exists (for `np`), asked as A.
    case existence(String)

    public var description: String {
        switch self {
        case .policy(let name): "\(name) TXT"
        case .existence(let name): "\(name) A"
        }
    }
}
