/// The limits the `DKIM` library enforces, next to the parsers that apply them.
///
/// A message or a record beyond one of them is refused (``DKIMError``) or given a verdict that says so; no input makes
/// the library do unbounded work.
public enum DKIMLimits {
    /// The largest message verified or signed in memory: 64 MiB (Postfix's default `message_size_limit` is 10 MB).
    public static let maximumMessageSize = 64 * 1024 * 1024
    /// The most header fields read from one message: 1 000.
    public static let maximumHeaderCount = 1_000
    /// The longest header field, folded lines included: 64 KiB (RFC 5322 §2.1.1 allows 998 octets a line, and many
    /// continuation lines).
    public static let maximumHeaderFieldSize = 64 * 1024
    /// The most DKIM-Signature fields verified per message: 10, from the top. The others get ``DKIMResult/neutral``
    /// with the reason "too many signatures" (RFC 6376 §6.1 lets a verifier limit the signatures it checks).
    public static let maximumSignaturesVerified = 10
    /// The most tags in one tag list (a signature or a key record): 64; the registries define 17.
    public static let maximumTagCount = 64
    /// The most names in a signature's `h=` tag: 256.
    public static let maximumSignedHeaderNames = 256
    /// The most TXT records tried for one selector (RFC 6376 §6.1.2 lets a verifier cycle through them): 4.
    public static let maximumKeyRecords = 4
    /// The longest key record read, its strings joined: 8 KiB (an RSA-8192 key is about 1.4 KiB of base64).
    public static let maximumKeyRecordSize = 8 * 1024
    /// The most key records a verifier keeps parsed, by their text, so a warm verification does not decode and set up
    /// the same public key again: 256 (at most 2 MiB of record text).
    public static let parsedKeyCapacity = 256
    /// The smallest RSA key accepted for verification or signing: 1024 bits (RFC 8301 §3.2).
    public static let minimumRSAKeyBits = 1024
    /// The largest RSA key accepted: 8192 bits (bounds the cost of one verification).
    public static let maximumRSAKeyBits = 8192
    /// How far in the future a signature's `t=` may be before it is refused: 5 minutes of clock skew.
    public static let allowedClockSkew: Int64 = 300
}
