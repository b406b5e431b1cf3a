public import Foundation

/// Where a shared PostgreSQL store lives: read from `"database": "postgres://USER@HOST:PORT/DB?sslmode=MODE"` in the
/// configuration. The password never sits in the URL: it comes from a file (`databasePasswordFile`) or the environment
/// (`STOCKADE_DATABASE_PASSWORD`).
public struct PostgresSettings: Sendable, Equatable {
    /// How the connection to the database is protected (libpq's `sslmode` names).
    public enum TLSMode: String, Sendable, Equatable {
        /// Plain TCP: only for loopback or a trusted network.
        case disable
        /// TLS if the server offers it, without checking its certificate.
        case prefer
        /// TLS, with the certificate checked against the system's roots or `sslrootcert`, and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// A PEM file of the roots that may sign the server's certificate (`sslrootcert=`), for `verify-full`.
    public var rootCertificates: String?
    /// Connections kept open at most by one server instance.
    public var maximumConnections: Int
    /// The schema holding Stockade's tables (`?schema=`), created when missing; nil is the role's default
    /// (`public`). Lets several installations, or test runs, share one database.
    public var schema: String?
    /// The longest one store operation may take, waiting for a connection included. Past it the operation fails with
    /// ``StoreError/database(_:)`` (the server answers 503) instead of queueing while the database is unreachable;
    /// the pool keeps reconnecting, so service resumes by itself when the database is back.
    public var operationTimeout: Duration

    public init(host: String, port: Int = 5432, user: String, password: String?, database: String,
                tls: TLSMode = .disable, rootCertificates: String? = nil, maximumConnections: Int = 20, schema: String? = nil,
                operationTimeout: Duration = .seconds(3)) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.rootCertificates = rootCertificates
        self.maximumConnections = maximumConnections
        self.schema = schema
        self.operationTimeout = operationTimeout
    }

    /// Reads `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|verify-full&sslrootcert=PATH&schema=NAME]`; a password in
    /// the URL is refused (it would end up in files and process lists).
    public init(url text: String, password: String?) throws(StoreError) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else { throw .configuration("database must be postgres://USER@HOST:PORT/DATABASE, got \(Self.redacted(text))") }
        guard components.password == nil else {
            throw .configuration("put the database password in databasePasswordFile or STOCKADE_DATABASE_PASSWORD, not in the URL")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw .configuration("the database URL names no database") }
        var tls = TLSMode.disable
        var roots: String?
        var schema: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw .configuration("sslmode must be disable, prefer or verify-full")
                }
                tls = mode
            case "sslrootcert":
                roots = item.value
            case "schema":
                guard let name = item.value, Self.isPlainIdentifier(name) else {
                    throw .configuration("schema must be a lower-case SQL identifier (a-z, 0-9, _)")
                }
                schema = name
            default:
                throw .configuration("unknown database URL parameter \(item.name)")
            }
        }
        self.init(host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: components.port ?? 5432,
                  user: user, password: password, database: database, tls: tls, rootCertificates: roots, schema: schema)
    }

    /// `[a-z_][a-z0-9_]*`, at most 63 octets: usable in SQL without quoting.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63, first == UInt8(ascii: "_") || (0x61...0x7A).contains(first)
        else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    /// The environment variable holding the password when no password file is named.
    public static let passwordVariable = "STOCKADE_DATABASE_PASSWORD"

    /// The password from `file` (surrounding white space removed), else from ``passwordVariable``, else nil.
    public static func password(file: String?) throws(StoreError) -> String? {
        guard let file else { return ProcessInfo.processInfo.environment[passwordVariable] }
        do {
            return try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw .configuration("cannot read the database password file \(file)")
        }
    }

    /// The URL without its user information, for messages.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "(not a URL)" }
        components.password = nil
        return components.string ?? "(not a URL)"
    }
}
