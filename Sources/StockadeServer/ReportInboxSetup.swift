import DKIM
import DNS
import Foundation
import Hummingbird
import Logging
import Metrics
import Reports
import ServiceLifecycle
import Store

/// Builds the report inbox of `stockade serve` from the `reportInbox` settings: the LMTP listener, the HTTPS upload
/// endpoint and, with an admin token, the dashboards and their JSON API; every outcome counted in
/// `stockade_reports_received_total{kind,result}`.
enum ReportInboxSetup {
    /// The upload path when `reportInbox.path` is not set.
    static let defaultPath = "/reports/tlsrpt"

    /// Adds the routes to `router` and returns the LMTP service, if configured.
    static func build(_ settings: ReportInboxSettings, store: any ReportStore, resolver: String?, adminToken: String?,
                      templates: PageTemplates, router: Router<StockadeRequestContext>, logger: Logger) throws -> [any Service] {
        guard !settings.domains.isEmpty else { throw ConfigurationError(reason: "reportInbox.domains must name at least one domain") }
        let dns = DNS.Resolver<ContinuousClock>(
            configuration: try resolver.map { try ResolverConfiguration(servers: [$0]) } ?? ResolverConfiguration.fromResolvConf())
        let inbox = ReportInbox(store: store, domains: settings.domains, verifier: DKIMVerifier(resolver: dns), logger: logger,
                                onOutcome: { outcome in
            Counter(label: "stockade_reports_received_total",
                    dimensions: [("kind", outcome.kind.rawValue), ("result", outcome.resultLabel)]).increment()
        })
        let path = settings.path ?? defaultPath
        guard path.hasPrefix("/") else { throw ConfigurationError(reason: "reportInbox.path must start with /, got \"\(path)\"") }
        ReportUploadRoutes(inbox: inbox, path: path, limiter: RateLimiter(limit: settings.uploadsPerHour ?? 60, window: 3600),
                           trustedProxies: try TrustedProxies(settings.trustedProxies ?? [], setting: "reportInbox.trustedProxies"))
            .add(to: router)
        if let adminToken {
            ReportDashboardRoutes(store: store, token: adminToken, templates: templates).add(to: router)
        }
        guard let listen = settings.lmtp else { return [] }
        let (host, port) = try ServerConfiguration.hostAndPort(listen, setting: "reportInbox.lmtp")
        guard let addresses = settings.addresses, !addresses.isEmpty else {
            throw ConfigurationError(reason: "reportInbox.lmtp needs reportInbox.addresses, the rua=mailto: addresses it takes mail for")
        }
        let limits = LMTPLimits(maximumMessageSize: settings.maxMessageSize ?? LMTPLimits.defaultMaximumMessageSize)
        return [LMTPServer(inbox: inbox, host: host, port: port, hostname: ProcessInfo.processInfo.hostName, recipients: addresses,
                           limits: limits, logger: logger)]
    }
}
