import Directory
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import KeyServer
import NIOCore
import ServiceLifecycle
public import Logging
import PostfixPolicy
import Store

/// Builds the HTTP application of `stockade serve` from a configuration.
public enum StockadeApplication {
    /// The server's version, reported by the health endpoint.
    public static let version = "0.1.0"
    /// The `Server` header of every HTTP response.
    static let serverName = "Stockade"

    /// The application: routes for health, WKD and (with a token) the admin API, over HTTPS when `tls` is configured.
    /// Creates the data directory and database when missing and adds the configured domains to the directory.
    public static func build(configuration: ServerConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let opened = try await ServerStore.open(configuration, logger: logger)
        let store = opened.shared
        let directory = Directory(store: store)
        let answers = KeyAnswerCache()
        directory.observeChanges { answers.apply($0) }
        var keyServerLimits: KeyServerLimits?
        let served = Set(try await directory.domains().map(\.name))
        // Compared in the directory's canonical form, so `xn--bcher-kva.test` in the configuration is `bücher.test`.
        for domain in configuration.domains where !served.contains(Directory.canonicalDomain(domain.name) ?? domain.name.lowercased()) {
            guard let kind = DomainKind(rawValue: domain.kind) else {
                throw ConfigurationError(reason: "domain \(domain.name): kind must be provider or hosted, got \(domain.kind)")
            }
            try await directory.addDomain(domain.name, kind: kind)
        }
        let (host, port) = try configuration.listenAddress()
        let router = Router(context: StockadeRequestContext.self)
        router.add(middleware: StorageUnavailableMiddleware())
        var services: [any Service] = []
        if let feed = opened.changes { services.append(DirectoryChangeFollower(directory: directory, feed: feed)) }
        if let metrics = configuration.metrics {
            services.append(try MetricsEndpoint.service(metrics, logger: logger))
            router.add(middleware: MetricsMiddleware())
        }
        var sink: MailSink?
        if let mail = configuration.mail {
            switch (mail.relay, mail.sink) {
            case (nil, nil): throw ConfigurationError(reason: "mail needs \"relay\": \"host:port\" or, for development only, \"sink\": \"DIR\"")
            case (.some, .some): throw ConfigurationError(reason: "mail.relay and mail.sink exclude each other: set one")
            default: break
            }
        }
        let templates = try await PageTemplates.load(navigation: .init(keyServer: configuration.keyServer != nil,
                                                                       devMail: configuration.keyServer != nil && configuration.mail?.sink != nil))
        let tlsrpt = try configuration.tlsrpt.map { settings in
            try TLSRPTSetup.job(settings, configuration: configuration, store: opened.shared, logger: logger, now: Date.init)
        }
        if let settings = configuration.keyServer {
            let keyServer = KeyServer(store: store, secret: try KeyServerSecret.load(settings, dataDirectory: configuration.dataDirectory),
                                      configuration: KeyServerConfiguration(baseURL: settings.baseURL, mailFrom: settings.mailFrom))
            let limits = try KeyServerLimits(settings)
            keyServer.observeChanges { answers.apply($0) }
            keyServerLimits = limits
            VKSRoutes(keyServer: keyServer, limits: limits, answers: answers).add(to: router)
            HKPRoutes(keyServer: keyServer, limits: limits, answers: answers).add(to: router)
            KeyServerPages(keyServer: keyServer, limits: limits, templates: templates).add(to: router)
            guard let mail = configuration.mail else {
                throw ConfigurationError(reason: "keyServer needs a mail relay: add \"mail\": {\"relay\": \"host:port\"}"
                                            + " (or, for development only, \"mail\": {\"sink\": \"DIR\"})")
            }
            let transport: any MailTransport
            if let folder = mail.sink {
                let mailSink = try MailSink(folder: folder, from: settings.mailFrom)
                DevMailRoutes(sink: mailSink, templates: templates).add(to: router)
                sink = mailSink
                transport = mailSink
            } else {
                var relay = try SMTPRelay(settings: mail, from: settings.mailFrom, resolver: configuration.resolver, logger: logger)
                relay.tlsSessions = tlsrpt?.outboxSessions
                transport = relay
            }
            services.append(MailOutbox(store: store, transport: CountedTransport(base: transport), logger: logger))
        }
        let limits = try (configuration.connections ?? ConnectionSettings()).resolved()
        let budget = DescriptorBudget.current()
        let socketmapCap = configuration.socketmap.map { settings in
            let configured = settings.maxConnections ?? SocketmapLimits.defaultMaxConnections
            return budget?.socketmapCap(configured: configured) ?? configured
        }
        let httpCap = budget?.httpCap(configured: limits.maxConnections, socketmapCap: socketmapCap) ?? limits.maxConnections
        logger.info("connection caps", metadata: [
            "openFileLimit": "\(budget.map { "\($0.limit)" } ?? "unknown")", "http": "\(httpCap)",
            "socketmap": "\(socketmapCap.map { "\($0)" } ?? "off")",
        ])
        if let settings = configuration.socketmap, let socketmapCap {
            services += try PolicyServiceSetup.services(settings, maxConnections: socketmapCap, store: store, resolver: configuration.resolver,
                                                        logger: logger)
        }
        let dmarcReports = try configuration.dmarcReports.map { settings in
            try DMARCReportSetup.build(settings, configuration: configuration, results: store, store: store,
                                       outboxRunning: configuration.keyServer != nil, logger: logger)
        }
        services += dmarcReports?.services ?? []
        services += try tlsrpt?.services(outboxRunning: configuration.keyServer != nil || configuration.dmarcReports != nil) ?? []
        if let settings = configuration.milter {
            services.append(try MilterServiceSetup.service(settings, resolver: configuration.resolver, logger: logger,
                                                           recorder: dmarcReports?.recorder))
        }
        if let settings = configuration.reportInbox {
            services += try ReportInboxSetup.build(settings, store: opened.shared, resolver: configuration.resolver, adminToken: configuration.adminToken,
                                                   templates: templates, router: router, logger: logger)
        }
        if !configuration.mtaSTS.isEmpty { try MTASTSRoutes(configuration.mtaSTS).add(to: router) }
        HealthRoutes(configuration: configuration).add(to: router)
        let demoKeys = configuration.demo == true ? try await DemoData.seed(directory, logger: logger) : []
        HomePage(configuration: configuration, directory: directory, sinkOn: sink != nil, demoAddresses: demoKeys, templates: templates)
            .add(to: router)
        let banner = configuration.demo == true ? DemoData.banner(configuration: configuration, keys: demoKeys, sinkOn: sink != nil) : nil
        WKDRoutes(directory: directory, answers: answers, logger: logger).add(to: router)
        AuditRoutes(directory: directory, resolver: configuration.resolver, templates: templates).add(to: router)
        if let token = configuration.adminToken {
            guard token.utf8.count >= 16 else { throw ConfigurationError(reason: "adminToken must be at least 16 characters") }
            AdminRoutes(directory: directory, token: token).add(to: router)
        }
        let headTimeout = TimeAmount(limits.requestHead)
        let hotRoutes = HotRoutes(answers: answers, keyServerLimits: keyServerLimits, serverName: serverName)
        // The idle timeout is RequestDeadlineHandler's: Hummingbird's would not see the requests HotRouteHandler answers.
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [HTTP10ConnectionClose.Installer(),
                                        RequestDeadlineHandler.Installer(timeout: headTimeout, idleTimeout: TimeAmount(limits.idle)),
                                        HotRouteHandler.Installer(routes: hotRoutes)],
            idleTimeout: nil)
        let certificates = try configuration.tls.map(ServerCertificates.init)
        if let certificates { services.append(CertificateReloadOnHangup(certificates: certificates, logger: logger)) }
        let server: HTTPServerBuilder = if let certificates {
            try .tls(.http1(configuration: http1), tlsConfiguration: certificates.tlsConfiguration())
        } else {
            .http1(configuration: http1)
        }
        // SO_REUSEADDR (Hummingbird's reuseAddress, set explicitly): a restart binds at once even with connections of
        // the previous process in TIME_WAIT on the port.
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: serverName, reuseAddress: true,
                                 availableConnectionsDelegate: MaximumAvailableConnections(httpCap, logger: logger)),
            services: services,
            onServerRunning: { _ in
                if let banner { FileHandle.standardOutput.write(Data(banner.utf8)) }
            },
            logger: logger)
    }
}
