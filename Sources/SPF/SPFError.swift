/// Every error the `SPF` library throws: a stable ``code`` and a human-readable reason.
///
/// Errors mean "this input cannot be used": a record that breaks the grammar of RFC 7208 §12 (which
/// ``SPFChecker`` turns into a `permerror` verdict), or a client address or identity that no check can run on.
/// Equality is on the code only.
public struct SPFError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is.
    public enum Code: Hashable, Sendable {
        /// The record breaks the grammar (RFC 7208 §4.6, §12).
        case syntax
        /// The record is longer, or has more terms, than ``SPFRecord``'s limits.
        case limitExceeded
        /// A macro-string breaks the grammar of RFC 7208 §7.1.
        case invalidMacro
        /// The SMTP client address given to a check is not an IPv4 or IPv6 address.
        case invalidAddress
    }

    /// What kind of error this is.
    public let code: Code
    /// What went wrong, for people.
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (lhs: SPFError, rhs: SPFError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A record that breaks the grammar of RFC 7208 §12.
    public static func syntax(_ detail: String) -> SPFError { .init(.syntax, detail) }
    /// A record over one of ``SPFRecord``'s limits.
    public static func limitExceeded(_ detail: String) -> SPFError { .init(.limitExceeded, detail) }
    /// A macro-string that breaks RFC 7208 §7.1.
    public static func invalidMacro(_ text: String, _ detail: String) -> SPFError {
        .init(.invalidMacro, "invalid macro-string \"\(text)\": \(detail)")
    }
    /// A client address that is neither IPv4 nor IPv6.
    public static func invalidAddress(_ text: String) -> SPFError {
        .init(.invalidAddress, "\"\(text)\" is not an IPv4 or IPv6 address")
    }
}
