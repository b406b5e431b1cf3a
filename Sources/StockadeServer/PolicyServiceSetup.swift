import DNS
import Foundation
import HTTPFetch
import Logging
import MTASTS
import NIOCore
import PostfixPolicy
import ServiceLifecycle
import Store

/// Builds the socketmap server and the policy refresher from the configuration, over one resolver and the persistent
/// cache; `maxConnections` is the configured cap within the process's open-file limit (``DescriptorBudget``).
enum PolicyServiceSetup {
    static func services(_ settings: SocketmapSettings, maxConnections: Int, store: any PolicyCacheStore, resolver: String?, logger: Logger) throws -> [any Service] {
        let (host, port) = try ServerConfiguration.hostAndPort(settings.listen, setting: "socketmap.listen")
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
        var limits = SocketmapLimits()
        if let seconds = settings.idleTimeout {
            guard seconds > 0, seconds.isFinite else { throw ConfigurationError(reason: "socketmap.idleTimeout must be a positive number of seconds") }
            limits.idleTimeout = .milliseconds(Int64(seconds * 1000))
        }
        if let maximum = settings.maxConnections, maximum < 1 {
            throw ConfigurationError(reason: "socketmap.maxConnections must be at least 1")
        }
        limits.maxConnections = maxConnections
        let server = SocketmapServer(responder: PolicyResponder(policies: policies, dns: dns, options: options), host: host, port: port,
                                     limits: limits, logger: logger)
        return [EndsQuietlyOnShutdown(base: server), PolicyRefresher(resolver: policies, logger: logger)]
    }
}

/// A service whose `CancellationError` at a graceful shutdown (SIGTERM, Ctrl-C) is the normal end, not a failure: the
/// socketmap server stops that way, which made `stockade serve` print `Error: CancellationError()` and exit 1.
struct EndsQuietlyOnShutdown: Service {
    let base: any Service

    func run() async throws {
        do {
            try await base.run()
        } catch is CancellationError where Task.isShuttingDownGracefully {
        }
    }
}
