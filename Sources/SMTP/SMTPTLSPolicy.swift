public import NIOSSL

/// Whether and how a session uses STARTTLS (RFC 3207).
public struct SMTPTLSPolicy: Sendable {
    /// What happens when the server does not offer STARTTLS or refuses it.
    public enum Requirement: Sendable, Hashable {
        /// Fail with ``SMTPError/startTLSUnavailable(_:)``; a failed handshake fails the session.
        case required
        /// Use TLS when offered, continue in plaintext when it is not (RFC 3207 §4.1 notwithstanding: RFC 7435
        /// opportunistic security). A failed handshake still fails the session: the connection is gone.
        case opportunistic
        /// Never send STARTTLS.
        case never
    }

    public var requirement: Requirement
    public var verification: SMTPCertificateVerification
    /// The name sent as SNI (RFC 6066 §3) for ``SMTPCertificateVerification/none`` and
    /// ``SMTPCertificateVerification/custom(_:)``; `.pkix` always sends its own server name.
    public var serverName: String?

    public init(requirement: Requirement, verification: SMTPCertificateVerification, serverName: String? = nil) {
        self.requirement = requirement
        self.verification = verification
        self.serverName = serverName
    }

    /// STARTTLS must succeed, with this verification.
    public static func required(_ verification: SMTPCertificateVerification, serverName: String? = nil) -> SMTPTLSPolicy {
        SMTPTLSPolicy(requirement: .required, verification: verification, serverName: serverName)
    }

    /// STARTTLS when offered, with this verification.
    public static func opportunistic(_ verification: SMTPCertificateVerification, serverName: String? = nil) -> SMTPTLSPolicy {
        SMTPTLSPolicy(requirement: .opportunistic, verification: verification, serverName: serverName)
    }

    /// Plaintext only.
    public static let never = SMTPTLSPolicy(requirement: .never, verification: .none)

    /// The SNI name for this policy.
    var sniName: String? {
        if case .pkix(_, let name) = verification { return name }
        return serverName
    }
}

/// How the server's certificate is checked after STARTTLS.
public enum SMTPCertificateVerification: Sendable {
    /// RFC 5280 path validation against `trustRoots` and the certificate's name against `serverName` (RFC 6125), by
    /// NIOSSL/BoringSSL. The session reports only the leaf certificate: NIOSSL exposes no other part of a chain it
    /// validated itself.
    case pkix(trustRoots: NIOSSLTrustRoots, serverName: String)
    /// No check: encryption without authentication (RFC 7435 opportunistic security, RFC 7672 §1.3).
    case none
    /// The closure decides from the chain the server sent (DER, leaf first), e.g. against DANE TLSA records
    /// (RFC 7672 §3). It runs on the connection's event loop and must not block.
    case custom(@Sendable (_ chain: [[UInt8]]) -> SMTPCertificateVerdict)
}

/// The answer of a ``SMTPCertificateVerification/custom(_:)`` check.
public enum SMTPCertificateVerdict: Sendable, Hashable {
    case accept
    case reject(reason: String)
}
