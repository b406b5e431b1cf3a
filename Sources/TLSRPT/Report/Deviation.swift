/// A departure from RFC 8460 that large senders make and that Stockade accepts, noting where it was seen.
///
/// Anything else outside RFC 8460 §4 is refused with a ``TLSRPTError``.
public struct Deviation: Sendable, Hashable, CustomStringConvertible {
    /// Which departure.
    public enum Kind: String, Sendable, Hashable {
        /// A `date-time` without `Z` or an offset; read as UTC.
        case dateWithoutTimeZone = "date without a time zone, read as UTC"
        /// A failure detail without `sending-mta-ip`.
        case missingSendingMTAIP = "no sending-mta-ip"
        /// A failure detail without `receiving-mx-hostname`.
        case missingReceivingMXHostname = "no receiving-mx-hostname"
        /// An optional failure-detail member given as `""`; read as absent.
        case emptyOptionalMember = "empty string, read as absent"
        /// An `sts` or `tlsa` policy without `policy-string`.
        case missingPolicyString = "no policy-string"
        /// `mx-host` as one string, as in RFC 8460 Appendix B, rather than the array of §4.4.
        case mxHostAsString = "mx-host is a string, not an array"
    }

    /// Which departure it is.
    public let kind: Kind
    /// Where in the report, e.g. `policies[0].failure-details[2]`.
    public let path: String

    /// A deviation of `kind` at `path`.
    public init(_ kind: Kind, at path: String) {
        self.kind = kind
        self.path = path
    }

    public var description: String { "\(path): \(kind.rawValue)" }
}

/// A report as read, with the deviations that were tolerated to read it.
public struct ParsedReport: Sendable, Hashable {
    /// How the report arrived.
    public enum Form: String, Sendable, Hashable {
        /// `application/tlsrpt+json`.
        case json
        /// `application/tlsrpt+gzip`.
        case gzip
        /// A `multipart/report; report-type=tlsrpt` mail with a JSON part.
        case mailJSON = "mail+json"
        /// A `multipart/report; report-type=tlsrpt` mail with a gzip part.
        case mailGzip = "mail+gzip"
    }

    /// The report, deviations resolved as ``Deviation/Kind`` describes.
    public let report: Report
    /// What was tolerated to read it, in document order; empty for a report that follows RFC 8460 to the letter.
    public let deviations: [Deviation]
    /// The form it came in.
    public let form: Form
}
