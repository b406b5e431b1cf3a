/// Every error the `CAA` library throws: a stable ``code`` and a human-readable ``reason``.
///
/// A malformed `issue` value is not an error to the issuance decision (it counts as an empty issuer, RFC 8659
/// §4.2); these errors say why a value was malformed and why a lookup could not be used.
public struct CAAError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is; new codes may be added.
    public enum Code: String, Sendable, Hashable {
        case valueTooLong, malformedIssuerDomain, malformedParameter, tooManyParameters, tooManyProperties, lookupFailed
    }

    /// The kind of error.
    public let code: Code
    /// What went wrong, for people; tests assert it exactly.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (lhs: CAAError, rhs: CAAError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    static func valueTooLong(_ count: Int) -> CAAError {
        CAAError(.valueTooLong, "issue value of \(count) octets exceeds \(CAALimits.maximumIssueValueLength)")
    }
    static func malformedIssuerDomain(at offset: Int) -> CAAError {
        CAAError(.malformedIssuerDomain, "issuer domain name malformed at octet \(offset)")
    }
    static func malformedParameter(at offset: Int) -> CAAError {
        CAAError(.malformedParameter, "parameter malformed at octet \(offset)")
    }
    static let tooManyParameters = CAAError(.tooManyParameters, "more than \(CAALimits.maximumParameters) parameters")
    static func tooManyProperties(_ count: Int) -> CAAError {
        CAAError(.tooManyProperties, "CAA RRset of \(count) records exceeds \(CAALimits.maximumProperties)")
    }
    static func lookupFailed(_ why: String) -> CAAError { CAAError(.lookupFailed, why) }
}
