/// Why a DMARC aggregate report (RFC 9990) could not be read.
public struct AggregateReportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// Larger, deeper, or with more elements, attributes or longer names than the reader's limits
        /// (``BoundedXML``'s constants).
        case limitExceeded
        /// Not well-formed XML 1.0, or a construct the reader refuses (a DTD, an entity other than the five predefined
        /// ones and character references).
        case malformedXML
        /// Well-formed XML that is not an aggregate report: wrong root or namespace, a required element missing or
        /// repeated, a value outside its type (RFC 9990 Appendix A).
        case invalidReport
    }

    public let code: Code
    /// What went wrong, for people. It never quotes more than a short element name from the input.
    public let reason: String

    public var description: String { reason }

    static func limit(_ reason: String) -> Self { .init(code: .limitExceeded, reason: reason) }
    static func malformed(_ reason: String) -> Self { .init(code: .malformedXML, reason: reason) }
    static func invalid(_ reason: String) -> Self { .init(code: .invalidReport, reason: reason) }
}
