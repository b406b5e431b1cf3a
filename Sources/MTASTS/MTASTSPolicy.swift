/// An MTA-STS policy, the body of `https://mta-sts.<domain>/.well-known/mta-sts.txt` (RFC 8461 §3.2).
///
/// ```
/// version: STSv1
/// mode: enforce
/// mx: mail.example.com
/// mx: *.example.net
/// max_age: 604800
/// ```
///
/// Two policies are equal when they say the same thing (mode, max_age, mx patterns in order); ``originalText`` is not
/// compared.
public struct MTASTSPolicy: Sendable, Hashable {
    /// The largest policy body accepted, in bytes (RFC 8461 §3.3: "a suggested maximum policy size 64 kilobytes").
    public static let maximumSize = 64 * 1024
    /// The largest `max_age`, in seconds (RFC 8461 §3.2: "maximum value of 31557600", one year).
    public static let maximumMaxAge = 31_557_600
    /// The longest `max_age` value in digits (RFC 8461 §3.2 `sts-policy-max-age-value = 1*10(DIGIT)`).
    public static let maximumMaxAgeDigits = 10
    /// The only policy version (RFC 8461 §3.2 `sts-policy-version-value`).
    public static let version = "STSv1"

    /// What a sender does when the policy fails to validate (RFC 8461 §3.2, §5).
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Deliver only to MX hosts that match the policy and present a valid certificate.
        case enforce
        /// Deliver anyway, but report failures (RFC 8460).
        case testing
        /// No active policy; used to withdraw one.
        case none
    }

    /// The mode (RFC 8461 §3.2 `mode`).
    public let mode: Mode
    /// How long a sender may cache the policy, in seconds, 0 to ``maximumMaxAge`` (RFC 8461 §3.2 `max_age`).
    public let maxAge: Int
    /// The allowed MX patterns in policy order, lower-cased (RFC 8461 §3.2 `mx`); empty only when the mode is `none`.
    public let mx: [MXPattern]
    /// The text the policy was read from, unchanged; for a policy built in code, its canonical ``text``.
    public let originalText: String

    /// A policy built in code, for publishing.
    /// - Throws: ``MTASTSError/invalidMaxAge(_:)`` outside 0…``maximumMaxAge``; ``MTASTSError/missingField(_:)``
    ///   for no `mx` unless `mode` is `none` (RFC 8461 §3.2 grammar: mx is "required at least once, except when mode
    ///   is "none"").
    public init(mode: Mode, maxAge: Int, mx: [MXPattern]) throws(MTASTSError) {
        guard (0...Self.maximumMaxAge).contains(maxAge) else { throw .invalidMaxAge(String(maxAge)) }
        guard !mx.isEmpty || mode == .none else { throw .missingField("mx") }
        self.mode = mode
        self.maxAge = maxAge
        self.mx = mx
        self.originalText = Self.canonicalText(mode: mode, maxAge: maxAge, mx: mx)
    }

    /// The canonical form: `version`, `mode`, each `mx`, `max_age`, one per line, each line ending in CRLF (the
    /// RFC 8461 §3.2 example's order and line ending). Parsing it gives an equal policy; ``derivedID`` hashes it.
    public var text: String { Self.canonicalText(mode: mode, maxAge: maxAge, mx: mx) }

    private static func canonicalText(mode: Mode, maxAge: Int, mx: [MXPattern]) -> String {
        var lines = ["version: \(version)", "mode: \(mode.rawValue)"]
        lines += mx.map { "mx: \($0.text)" }
        lines.append("max_age: \(maxAge)")
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// Whether an MX host matches one of the policy's `mx` patterns (RFC 8461 §4.1); see ``MXPattern/matches(_:)``.
    public func matches(mxHost: String) -> Bool {
        mx.contains { $0.matches(mxHost) }
    }

    public static func == (lhs: MTASTSPolicy, rhs: MTASTSPolicy) -> Bool {
        lhs.mode == rhs.mode && lhs.maxAge == rhs.maxAge && lhs.mx == rhs.mx
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(mode)
        hasher.combine(maxAge)
        hasher.combine(mx)
    }
}
