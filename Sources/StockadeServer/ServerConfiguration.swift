import Foundation

/// What `stockade serve` runs: listener, TLS, storage, resolver and administration. Read from a JSON file in which
/// every key is optional and unknown keys are refused at every level (``load(path:)``), so a typo is an error rather
/// than a silently ignored setting.
public struct ServerConfiguration: Codable, Sendable, Equatable {
    /// The HTTP(S) listener, `HOST:PORT`.
    public var listen: String
    /// The folder for the embedded database and other state; created when missing.
    public var dataDirectory: String
    /// The recursive resolver, `HOST:PORT`; nil means /etc/resolv.conf.
    public var resolver: String?
    /// Domains to serve, created in the directory at start if missing (`kind` provider unless given).
    public var domains: [DomainSetting]
    /// HTTPS served directly, with a certificate chosen per host by SNI. Absent: plain HTTP behind a proxy.
    public var tls: TLSSettings?
    /// The bearer token of the admin API; absent disables the admin API.
    public var adminToken: String?
    /// A PostgreSQL database shared by several instances, `postgres://USER@HOST:PORT/DB[?sslmode=verify-full&schema=S]`;
    /// absent: the embedded SQLite file in ``dataDirectory``.
    public var database: String?
    /// The file holding the database password (else the `STOCKADE_DATABASE_PASSWORD` environment variable).
    public var databasePasswordFile: String?

    public struct DomainSetting: Codable, Sendable, Equatable {
        public var name: String
        /// `provider` or `hosted`.
        public var kind: String

        public init(name: String, kind: String = "provider") {
            self.name = name
            self.kind = kind
        }

        public init(from decoder: any Decoder) throws {
            if let name = try? decoder.singleValueContainer().decode(String.self) {
                self.init(name: name)
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(name: try container.decode(String.self, forKey: .name),
                      kind: try container.decodeIfPresent(String.self, forKey: .kind) ?? "provider")
        }
    }

    public struct TLSSettings: Codable, Sendable, Equatable {
        public var certificates: [CertificateSetting]
        public init(certificates: [CertificateSetting]) { self.certificates = certificates }
    }

    /// One certificate and its key (PEM files), served to clients that ask for one of `hosts` by SNI; the first is
    /// the default.
    public struct CertificateSetting: Codable, Sendable, Equatable {
        public var hosts: [String]
        public var certificate: String
        public var key: String
        public init(hosts: [String], certificate: String, key: String) {
            self.hosts = hosts
            self.certificate = certificate
            self.key = key
        }
    }

    /// The validating key server (VKS API, HKP, pages); off when absent.
    public var keyServer: KeyServerSettings?
    /// The relay that mails leave through (verification and manage links).
    public var mail: MailSettings?
    /// The Postfix MTA-STS policy service; off when absent.
    public var socketmap: SocketmapSettings?
    /// The SPF, DKIM and DMARC milter in front of Postfix; off when absent.
    public var milter: MilterSettings?
    /// MTA-STS policies this server publishes as the policy host of their domains.
    public var mtaSTS: [PublishedPolicySetting]
    /// Timeouts and the connection cap of the HTTP listener; defaults when absent.
    public var connections: ConnectionSettings?
    /// For development only: at first start, create demo accounts with generated keys on `demo.test` (``DemoData``) and
    /// print where to start on standard output. Default false.
    public var demo: Bool?
    /// Prometheus metrics on a listener of their own (``MetricsSettings``); off when absent.
    public var metrics: MetricsSettings?
    /// DMARC aggregate reports (RFC 9990) about the mail the milter checked, sent once a day; off when absent.
    public var dmarcReports: DMARCReportSettings?
    /// The report inbox: TLSRPT (RFC 8460) and DMARC aggregate reports received over HTTPS and LMTP; off when absent.
    public var reportInbox: ReportInboxSettings?
    /// TLS reporting as a sending MTA (RFC 8460): the libtlsrpt collector and the daily reports; off when absent.
    public var tlsrpt: TLSRPTSettings?

    public init(listen: String = "127.0.0.1:8080", dataDirectory: String = "var", resolver: String? = nil,
                domains: [DomainSetting] = [], tls: TLSSettings? = nil, adminToken: String? = nil,
                keyServer: KeyServerSettings? = nil, mail: MailSettings? = nil, socketmap: SocketmapSettings? = nil,
                mtaSTS: [PublishedPolicySetting] = [], connections: ConnectionSettings? = nil, demo: Bool? = nil,
                metrics: MetricsSettings? = nil, milter: MilterSettings? = nil, dmarcReports: DMARCReportSettings? = nil,
                reportInbox: ReportInboxSettings? = nil, database: String? = nil, databasePasswordFile: String? = nil,
                tlsrpt: TLSRPTSettings? = nil) {
        self.listen = listen
        self.dataDirectory = dataDirectory
        self.resolver = resolver
        self.domains = domains
        self.tls = tls
        self.adminToken = adminToken
        self.keyServer = keyServer
        self.mail = mail
        self.socketmap = socketmap
        self.mtaSTS = mtaSTS
        self.connections = connections
        self.demo = demo
        self.metrics = metrics
        self.milter = milter
        self.dmarcReports = dmarcReports
        self.reportInbox = reportInbox
        self.database = database
        self.databasePasswordFile = databasePasswordFile
        self.tlsrpt = tlsrpt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, dataDirectory, resolver, domains, tls, adminToken, keyServer, mail, socketmap, mtaSTS, connections, demo, metrics, milter, dmarcReports, reportInbox, database,
             databasePasswordFile, tlsrpt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ServerConfiguration()
        self.init(
            listen: try container.decodeIfPresent(String.self, forKey: .listen) ?? defaults.listen,
            dataDirectory: try container.decodeIfPresent(String.self, forKey: .dataDirectory) ?? defaults.dataDirectory,
            resolver: try container.decodeIfPresent(String.self, forKey: .resolver),
            domains: try container.decodeIfPresent([DomainSetting].self, forKey: .domains) ?? [],
            tls: try container.decodeIfPresent(TLSSettings.self, forKey: .tls),
            adminToken: try container.decodeIfPresent(String.self, forKey: .adminToken),
            keyServer: try container.decodeIfPresent(KeyServerSettings.self, forKey: .keyServer),
            mail: try container.decodeIfPresent(MailSettings.self, forKey: .mail),
            socketmap: try container.decodeIfPresent(SocketmapSettings.self, forKey: .socketmap),
            mtaSTS: try container.decodeIfPresent([PublishedPolicySetting].self, forKey: .mtaSTS) ?? [],
            connections: try container.decodeIfPresent(ConnectionSettings.self, forKey: .connections),
            demo: try container.decodeIfPresent(Bool.self, forKey: .demo),
            metrics: try container.decodeIfPresent(MetricsSettings.self, forKey: .metrics),
            milter: try container.decodeIfPresent(MilterSettings.self, forKey: .milter),
            dmarcReports: try container.decodeIfPresent(DMARCReportSettings.self, forKey: .dmarcReports),
            reportInbox: try container.decodeIfPresent(ReportInboxSettings.self, forKey: .reportInbox),
            database: try container.decodeIfPresent(String.self, forKey: .database),
            databasePasswordFile: try container.decodeIfPresent(String.self, forKey: .databasePasswordFile),
            tlsrpt: try container.decodeIfPresent(TLSRPTSettings.self, forKey: .tlsrpt))
    }

    /// Reads a configuration file, refusing every key that no setting reads, with its path
    /// (`keyServer.requestsPerMinutPerClient: unknown key`).
    public static func load(path: String) throws -> ServerConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(reason: "cannot read \(path): \(error.localizedDescription)")
        }
        do {
            let configuration = try JSONDecoder().decode(ServerConfiguration.self, from: data)
            let unknown = try UnknownKeys.paths(in: JSONSerialization.jsonObject(with: data),
                                                readBack: JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)))
            guard unknown.isEmpty else {
                throw ConfigurationError(reason: unknown.map { "\($0): unknown key" }.joined(separator: "; "))
            }
            return configuration
        } catch let error as ConfigurationError {
            throw ConfigurationError(reason: "\(path): \(error.reason)")
        } catch {
            throw ConfigurationError(reason: "\(path) is not a valid configuration: \(error)")
        }
    }

    /// The embedded SQLite database inside ``dataDirectory``.
    public var databasePath: String { dataDirectory + "/stockade.sqlite" }

    /// The host and port of ``listen``.
    public func listenAddress() throws -> (host: String, port: Int) {
        try Self.hostAndPort(listen, setting: "listen")
    }

    /// `HOST:PORT` or `[IPv6]:PORT` of a setting, or a configuration error naming the setting. Port 0 (any free port)
    /// only where `allowsAnyPort`.
    static func hostAndPort(_ text: String, setting: String, allowsAnyPort: Bool = true) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (allowsAnyPort ? 0 : 1)...65_535 ~= port
        else { throw ConfigurationError(reason: "\(setting) must be HOST:PORT, got \"\(text)\"") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}

/// A configuration that cannot be used, with the reason.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
