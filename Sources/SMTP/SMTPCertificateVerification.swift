public import NIOSSL

/// How the server's certificate is checked after STARTTLS.
public enum SMTPCertificateVerification: Sendable {
    /// RFC 5280 path validation against `trustRoots` and the certificate's name against `serverName` (RFC 6125), by
    /// NIOSSL/BoringSSL. The session reports only the leaf certificate: NIOSSL exposes no other part of a chain it
    /// validated itself. `additionalTrustRoots` are trusted besides `trustRoots` (a private CA next to the system's).
    case pkix(trustRoots: NIOSSLTrustRoots, additionalTrustRoots: [NIOSSLAdditionalTrustRoots] = [], serverName: String)
    /// No check: encryption without authentication (RFC 7435 opportunistic security, RFC 7672 §1.3).
    case none
    /// The closure decides from the chain the server sent (DER, leaf first), e.g. against DANE TLSA records
    /// (RFC 7672 §3). The handshake waits for its answer; it runs in a task, off the connection's event loop.
    case custom(@Sendable (_ chain: [[UInt8]]) async -> SMTPCertificateVerdict)
}
