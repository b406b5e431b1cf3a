import Directory
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import KeyServer
import ServiceLifecycle
public import Logging
import Store

/// Builds the HTTP application of `stockade serve` from a configuration.
public enum StockadeApplication {
    /// The server's version, reported by the health endpoint.
    public static let version = "0.1.0"

    /// The application: routes for health, WKD and (with a token) the admin API, over HTTPS when `tls` is configured.
    /// Creates the data directory and database when missing and adds the configured domains to the directory.
    public static func build(configuration: ServerConfiguration, logger: Logger) async throws -> some ApplicationProtocol {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let store = try SQLiteStore(path: configuration.databasePath)
        let directory = Directory(store: store)
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
        var services: [any Service] = []
        if let settings = configuration.keyServer {
            let keyServer = KeyServer(store: store, secret: try KeyServerSecret.load(settings, dataDirectory: configuration.dataDirectory),
                                      configuration: KeyServerConfiguration(baseURL: settings.baseURL, mailFrom: settings.mailFrom))
            let limits = try KeyServerLimits(settings)
            VKSRoutes(keyServer: keyServer, limits: limits).add(to: router)
            HKPRoutes(keyServer: keyServer, limits: limits).add(to: router)
            KeyServerPages(keyServer: keyServer, limits: limits).add(to: router)
            guard let mail = configuration.mail else {
                throw ConfigurationError(reason: "keyServer needs a mail relay: add \"mail\": {\"relay\": \"host:port\"}")
            }
            services.append(MailOutbox(store: store, transport: try SMTPRelay(settings: mail, from: settings.mailFrom,
                                                                                     resolver: configuration.resolver, logger: logger),
                                       logger: logger))
        }
        if let settings = configuration.socketmap {
            services += try PolicyServiceSetup.services(settings, store: store, resolver: configuration.resolver, logger: logger)
        }
        if !configuration.mtaSTS.isEmpty { try MTASTSRoutes(configuration.mtaSTS).add(to: router) }
        HealthRoutes(configuration: configuration).add(to: router)
        WKDRoutes(directory: directory, logger: logger).add(to: router)
        if let token = configuration.adminToken {
            guard token.utf8.count >= 16 else { throw ConfigurationError(reason: "adminToken must be at least 16 characters") }
            AdminRoutes(directory: directory, token: token).add(to: router)
        }
        let server: HTTPServerBuilder = if let tls = configuration.tls {
            try .tls(.http1(configuration: .init(additionalChannelHandlers: [HTTP10ConnectionClose.Installer()])), tlsConfiguration: TLSSetup.configuration(tls))
        } else {
            .http1(configuration: .init(additionalChannelHandlers: [HTTP10ConnectionClose.Installer()]))
        }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "Stockade"),
            services: services,
            logger: logger)
    }
}
