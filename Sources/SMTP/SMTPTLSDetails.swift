/// The TLS connection of a session after STARTTLS.
public struct SMTPTLSDetails: Sendable, Hashable {
    /// `TLSv1.2` or `TLSv1.3` (nothing older is negotiated).
    public var version: String
    /// The IANA name of the negotiated cipher suite, such as `TLS_AES_128_GCM_SHA256`, read from the ServerHello
    /// (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3); `nil` if it could not be read.
    public var cipherSuite: String?
    /// The server's certificates in DER, leaf first, as sent (only the leaf under PKIX verification).
    public var peerCertificates: [[UInt8]]

    public init(version: String, cipherSuite: String?, peerCertificates: [[UInt8]]) {
        self.version = version
        self.cipherSuite = cipherSuite
        self.peerCertificates = peerCertificates
    }
}
