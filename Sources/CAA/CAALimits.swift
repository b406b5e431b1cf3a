/// The bounds the CAA parsers enforce on input from DNS.
public enum CAALimits {
    /// The longest `issue`/`issuewild` value parsed; longer values are malformed (an empty issuer, RFC 8659 §4.2).
    public static let maximumIssueValueLength = 1024
    /// The most parameters in one `issue` value (RFC 8659 §4.2, RFC 8657 defines two).
    public static let maximumParameters = 16
    /// The most CAA records in one relevant RRset; more is treated as a failed lookup (not permitted).
    public static let maximumProperties = 64
    /// The longest tag RFC 8659 §4.1 allows (1 to 15 letters and digits).
    public static let maximumTagLength = 15
}
