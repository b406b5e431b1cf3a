/// The certificate authorities a fetch trusts (RFC 5280 §6 path validation is NIOSSL's, with BoringSSL).
public struct TrustRoots: Sendable, Hashable {
    enum Base: Sendable, Hashable {
        case system
        case none
    }

    let base: Base
    /// PEM files with extra roots (the lab CA, a private CA).
    let pemFiles: [String]

    /// The operating system's roots (on Linux `/etc/ssl/certs/ca-certificates.crt` or its equivalent).
    public static let system = TrustRoots(base: .system, pemFiles: [])

    /// The system's roots and the CA certificates in these PEM files (`--ca-file`).
    public static func systemPlus(pemFiles: [String]) -> TrustRoots { TrustRoots(base: .system, pemFiles: pemFiles) }

    /// Only the CA certificates in these PEM files (tests against the lab CA).
    public static func only(pemFiles: [String]) -> TrustRoots { TrustRoots(base: .none, pemFiles: pemFiles) }
}
