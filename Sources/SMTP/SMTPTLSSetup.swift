import NIOCore
import NIOSSL

/// The TLS side of a client, built once from its ``SMTPTLSPolicy``: TLS 1.2 or newer (RFC 8996, RFC 7525 §3.1.1),
/// the SNI name and the certificate check.
struct SMTPTLSSetup: Sendable {
    private let context: NIOSSLContext
    private let verification: SMTPCertificateVerification
    private let serverName: String?

    init(policy: SMTPTLSPolicy) throws(SMTPError) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        switch policy.verification {
        case .pkix(let trustRoots, _):
            configuration.certificateVerification = .fullVerification
            configuration.trustRoots = trustRoots
        case .none, .custom:
            // Verification on so that BoringSSL asks the callback, which sees the chain; the callback decides.
            configuration.certificateVerification = .noHostnameVerification
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .invalidConfiguration("TLS: \(error)")
        }
        verification = policy.verification
        serverName = policy.sniName
    }

    /// A client handler for one connection; certificate callbacks report to `owner`.
    func makeHandler(for owner: SMTPConnectionHandler) throws -> NIOSSLClientHandler {
        let check: @Sendable ([[UInt8]]) -> SMTPCertificateVerdict
        switch verification {
        case .pkix:
            return try NIOSSLClientHandler(context: context, serverHostname: serverName)
        case .none:
            check = { _ in .accept }
        case .custom(let closure):
            check = closure
        }
        return try NIOSSLClientHandler(context: context, serverHostname: serverName) { [weak owner] certificates, promise in
            let chain = certificates.compactMap { try? $0.toDERBytes() }
            let verdict: SMTPCertificateVerdict = chain.count == certificates.count ? check(chain) : .reject(reason: "unreadable certificate")
            switch verdict {
            case .accept:
                owner?.certificateChecked(chain, rejection: nil)
                promise.succeed(.certificateVerified)
            case .reject(let reason):
                owner?.certificateChecked(chain, rejection: reason)
                promise.succeed(.failed)
            }
        }
    }
}
