import NIOCore
import NIOSSL

/// The server's TLS configuration: TLS 1.2 or newer, a certificate per host chosen by SNI, the first as default.
enum TLSSetup {
    static func configuration(_ settings: ServerConfiguration.TLSSettings) throws -> TLSConfiguration {
        guard let first = settings.certificates.first else { throw ConfigurationError(reason: "tls.certificates is empty") }
        var byHost: [String: (chain: [NIOSSLCertificateSource], key: NIOSSLPrivateKeySource)] = [:]
        var defaultIdentity: (chain: [NIOSSLCertificateSource], key: NIOSSLPrivateKeySource)?
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
            let identity = (chain: chain.map(NIOSSLCertificateSource.certificate), key: NIOSSLPrivateKeySource.privateKey(key))
            if setting == first { defaultIdentity = identity }
            for host in setting.hosts { byHost[host.lowercased()] = identity }
        }
        guard let defaultIdentity else { throw ConfigurationError(reason: "no default certificate") }
        let table = byHost
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: defaultIdentity.chain, privateKey: defaultIdentity.key)
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = { values, promise in
            guard let name = values.serverHostname?.lowercased(), let identity = table[name] else {
                promise.succeed(.noChanges)
                return
            }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = identity.chain
            override.privateKey = identity.key
            promise.succeed(override)
        }
        return configuration
    }
}
