/// The result of an SPF check (RFC 7208 §2.6).
public enum SPFResult: String, Sendable, Hashable, CaseIterable {
    /// No syntactically valid domain, or no SPF record (§2.6.1).
    case none
    /// The domain owner states nothing about the client (§2.6.2).
    case neutral
    /// The client is authorized (§2.6.3).
    case pass
    /// The client is not authorized (§2.6.4).
    case fail
    /// The client is probably not authorized (§2.6.5).
    case softfail
    /// A transient DNS error, such as SERVFAIL or a timeout (§2.6.6).
    case temperror
    /// The published records cannot be interpreted (§2.6.7).
    case permerror
}

/// What a check found: the result, the explanation the domain published, the mechanism that decided.
public struct SPFVerdict: Sendable, Hashable {
    /// The result.
    public var result: SPFResult
    /// The expanded `exp=` explanation (RFC 7208 §6.2), only for a `fail` whose record has one that could be used.
    public var explanation: String?
    /// The top-level term that matched, as written in the record (`-all`, `include:_spf.example.com`); `nil` when no
    /// mechanism matched (no record, the default `neutral`, errors).
    public var mechanism: String?
    /// Why, for people: which record and mechanism decided, or what went wrong.
    public var reason: String

    public init(result: SPFResult, explanation: String? = nil, mechanism: String? = nil, reason: String) {
        self.result = result
        self.explanation = explanation
        self.mechanism = mechanism
        self.reason = reason
    }
}
