import DNS
import Foundation
import HTTPFetch
import Logging
import MTASTS
import PostfixPolicy
import ServiceLifecycle
import Store

/// Builds the socketmap server and the policy refresher from the configuration, over one resolver and the persistent
/// cache.
enum PolicyServiceSetup {
    static func services(_ settings: SocketmapSettings, store: any PolicyCacheStore, resolver: String?, logger: Logger) throws -> [any Service] {
        guard let colon = settings.listen.lastIndex(of: ":"), let port = Int(settings.listen[settings.listen.index(after: colon)...]),
              (0...65_535).contains(port)
        else { throw ConfigurationError(reason: "socketmap.listen must be host:port, got \(settings.listen)") }
        let host = String(settings.listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let dns = DNS.Resolver<ContinuousClock>(
            configuration: try resolver.map { try ResolverConfiguration(servers: [$0]) } ?? ResolverConfiguration.fromResolvConf())
        var configuration = MTASTSResolver.Configuration()
        if let port = settings.policyPort { configuration.port = port }
        let policies = MTASTSResolver(
            resolver: dns, fetcher: try HTTPFetcher(resolver: dns, trustRoots: .systemPlus(pemFiles: settings.caFile.map { [$0] } ?? [])),
            storage: StorePolicyCache(store: store), configuration: configuration)
        var options = PolicyResponderOptions()
        options.strictTesting = settings.strictTesting ?? false
        options.requireSNI = settings.requireSNI ?? true
        options.tlsrpt = settings.tlsrpt ?? false
        options.danePrecedence = settings.danePrecedence ?? true
        let server = SocketmapServer(responder: PolicyResponder(policies: policies, dns: dns, options: options), host: host, port: port,
                                     logger: logger)
        return [server, PolicyRefresher(resolver: policies, logger: logger)]
    }
}
