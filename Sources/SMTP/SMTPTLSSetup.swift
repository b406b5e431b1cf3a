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
        case .pkix(let trustRoots, let additionalTrustRoots, _):
            configuration.certificateVerification = .fullVerification
            configuration.trustRoots = trustRoots
            configuration.additionalTrustRoots = additionalTrustRoots
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
    func makeHandler(for owner: SMTPConnectionHandler, on eventLoop: any EventLoop) throws -> NIOSSLClientHandler {
        let check: @Sendable ([[UInt8]]) async -> SMTPCertificateVerdict
        switch verification {
        case .pkix:
            return try NIOSSLClientHandler(context: context, serverHostname: serverName)
        case .none:
            check = { _ in .accept }
        case .custom(let closure):
            check = closure
        }
        let boundOwner = NIOLoopBound(WeakOwner(owner), eventLoop: eventLoop)
        return try NIOSSLClientHandler(context: context, serverHostname: serverName) { certificates, promise in
            let chain = certificates.compactMap { try? $0.toDERBytes() }
            guard chain.count == certificates.count else {
                boundOwner.value.handler?.certificateChecked(chain, rejection: "unreadable certificate")
                promise.succeed(.failed)
                return
            }
            Task {
                let verdict = await check(chain)
                eventLoop.execute {
                    switch verdict {
                    case .accept:
                        boundOwner.value.handler?.certificateChecked(chain, rejection: nil)
                        promise.succeed(.certificateVerified)
                    case .reject(let reason):
                        boundOwner.value.handler?.certificateChecked(chain, rejection: reason)
                        promise.succeed(.failed)
                    }
                }
            }
        }
    }
}

/// The connection handler, not kept alive by its own TLS handler's callback.
private final class WeakOwner {
    weak var handler: SMTPConnectionHandler?
    init(_ handler: SMTPConnectionHandler) { self.handler = handler }
}
