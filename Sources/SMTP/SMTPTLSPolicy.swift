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
        if case .pkix(_, _, let name) = verification { return name }
        return serverName
    }
}
