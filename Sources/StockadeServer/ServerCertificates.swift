import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The certificates the server presents: one per host chosen by SNI, the first configured one as the default, read
/// from disk at start and again on every SIGHUP (``CertificateReloadOnHangup``).
///
/// Every handshake asks for the identity current at that moment (NIOSSL's `sslContextCallback`), so a reload takes
/// effect with the next connection while established connections keep the session they negotiated. A reload that
/// fails (a missing file, a key that does not load) changes nothing: the previous certificates stay in use.
final class ServerCertificates: Sendable {
    private struct Identity: Sendable {
        let chain: [NIOSSLCertificateSource]
        let key: NIOSSLPrivateKeySource
    }

    private struct Identities: Sendable {
        let byHost: [String: Identity]
        let fallback: Identity
    }

    let settings: ServerConfiguration.TLSSettings
    private let current: Mutex<Identities>

    /// - Throws: ``ConfigurationError`` when no certificate is configured or one cannot be loaded.
    init(_ settings: ServerConfiguration.TLSSettings) throws {
        self.settings = settings
        current = Mutex(try Self.load(settings))
    }

    /// Reads every certificate and key again.
    /// - Throws: ``ConfigurationError`` naming the files that failed; the certificates in use are then unchanged.
    func reload() throws {
        let fresh = try Self.load(settings)
        current.withLock { $0 = fresh }
    }

    /// TLS 1.2 or newer; each handshake gets the identity for its server name (or the default) as loaded last.
    func tlsConfiguration() -> TLSConfiguration {
        let initial = current.withLock { $0.fallback }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: initial.chain, privateKey: initial.key)
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = { [self] values, promise in
            let identity = current.withLock { identities in
                values.serverHostname.flatMap { identities.byHost[$0.lowercased()] } ?? identities.fallback
            }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = identity.chain
            override.privateKey = identity.key
            promise.succeed(override)
        }
        return configuration
    }

    private static func load(_ settings: ServerConfiguration.TLSSettings) throws -> Identities {
        guard let first = settings.certificates.first else { throw ConfigurationError(reason: "tls.certificates is empty") }
        var byHost: [String: Identity] = [:]
        var fallback: Identity?
        for setting in settings.certificates {
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(setting.certificate)
                key = try NIOSSLPrivateKey(file: setting.key, format: .pem)
            } catch {
                throw ConfigurationError(reason: "cannot load \(setting.certificate) / \(setting.key): \(error)")
            }
            guard !chain.isEmpty else { throw ConfigurationError(reason: "\(setting.certificate) holds no certificate") }
            let identity = Identity(chain: chain.map(NIOSSLCertificateSource.certificate), key: .privateKey(key))
            if setting == first { fallback = identity }
            for host in setting.hosts { byHost[host.lowercased()] = identity }
        }
        guard let fallback else { throw ConfigurationError(reason: "no default certificate") }
        return Identities(byHost: byHost, fallback: fallback)
    }
}

/// Reloads the server's certificates from disk on SIGHUP (e.g. after a renewal), without a restart: logs `notice`
/// with the number of certificates on success, `error` with the reason when the new files do not load.
struct CertificateReloadOnHangup: Service {
    let certificates: ServerCertificates
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try certificates.reload()
                logger.notice("TLS certificates reloaded", metadata: ["certificates": "\(certificates.settings.certificates.count)"])
            } catch {
                logger.error("TLS certificates not reloaded; the previous ones stay in use", metadata: ["reason": "\(error)"])
            }
        }
    }
}
