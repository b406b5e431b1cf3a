public import Logging
import NIOSSL
import PostgresNIO

/// The shared store for several `stockade serve` instances: PostgreSQL through postgres-nio's connection pool. The
/// schema comes from versioned migrations (``PostgresMigrations``) applied at start under an advisory lock, so two
/// instances starting together migrate once. Every rule that the SQLite store gets from its single writer comes here
/// from the database: primary keys for address assignment, conditional updates for versions and leases, and
/// `FOR UPDATE SKIP LOCKED` for outbox claims.
public final class PostgresStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// The schema of the tables (nil: the role's default, `public`).
    let schema: String?
    /// The bound on one operation (``PostgresSettings/operationTimeout``).
    let operationTimeout: Duration
    private let running: Task<Void, Never>

    private init(client: PostgresClient, settings: PostgresSettings, logger: Logger) {
        self.client = client
        self.schema = settings.schema
        self.operationTimeout = settings.operationTimeout
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Connects once (so that a wrong address, password or certificate fails the start with the server's or the TLS
    /// library's reason, within ``PostgresSettings/operationTimeout``), migrates on that connection, and returns the
    /// store; ``close()`` ends its connections.
    public static func open(_ settings: PostgresSettings, logger: Logger) async throws(StoreError) -> PostgresStore {
        let configuration = try configuration(settings)
        let store = PostgresStore(client: PostgresClient(configuration: configuration, backgroundLogger: logger),
                                  settings: settings, logger: logger)
        do {
            let connection = try await firstConnection(settings, logger: logger)
            do {
                try await PostgresMigrations.apply(on: connection, schema: settings.schema, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        } catch {
            await store.close()
            throw .database("cannot open postgres://\(settings.user)@\(settings.host):\(settings.port)/\(settings.database): \(describe(error))")
        }
        return store
    }

    /// Closes every pooled connection; queries after this fail.
    public func close() async {
        running.cancel()
        await running.value
    }

    /// One connection outside the pool, for the migrations: the pool would retry a failing connection quietly.
    private static func firstConnection(_ settings: PostgresSettings, logger: Logger) async throws -> PostgresConnection {
        let tls: PostgresConnection.Configuration.TLS = switch tlsConfiguration(settings) {
        case nil: .disable
        case let (configuration, required)?: required ? .require(try NIOSSLContext(configuration: configuration))
                                                      : .prefer(try NIOSSLContext(configuration: configuration))
        }
        var configuration = PostgresConnection.Configuration(host: settings.host, port: settings.port, username: settings.user,
                                                             password: settings.password, database: settings.database, tls: tls)
        configuration.options.connectTimeout = .nanoseconds(Int64(settings.operationTimeout.components.seconds) * 1_000_000_000)
        if let schema = settings.schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
    }

    /// The TLS configuration of `settings.tls`, and whether TLS is required; nil for `disable`.
    private static func tlsConfiguration(_ settings: PostgresSettings) -> (configuration: TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch settings.tls {
        case .disable:
            return nil
        case .prefer:
            configuration.certificateVerification = .none
            return (configuration, false)
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
            if let roots = settings.rootCertificates { configuration.trustRoots = .file(roots) }
            return (configuration, true)
        }
    }

    static func configuration(_ settings: PostgresSettings) throws(StoreError) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch tlsConfiguration(settings) {
        case nil: .disable
        case let (configuration, required)?: required ? .require(configuration) : .prefer(configuration)
        }
        guard settings.schema.map(PostgresSettings.isPlainIdentifier) ?? true else {
            throw .configuration("schema must be a lower-case SQL identifier")
        }
        var configuration = PostgresClient.Configuration(host: settings.host, port: settings.port, username: settings.user,
                                                         password: settings.password, database: settings.database, tls: tls)
        configuration.options.maximumConnections = settings.maximumConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = settings.operationTimeout
        if let schema = settings.schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        return configuration
    }

    // MARK: - Queries

    /// The rows of `query`, each decoded by `decode`.
    func rows<T: Sendable>(_ query: PostgresQuery, _ decode: @escaping @Sendable (PostgresRow) throws -> T) async throws(StoreError) -> [T] {
        try await bounded("") { [client, logger] in
            var result: [T] = []
            for try await row in try await client.query(query, logger: logger) { result.append(try decode(row)) }
            return result
        }
    }

    /// Runs `query`; `what` names the row for a conflict (a unique key already taken).
    func execute(_ query: PostgresQuery, what: String) async throws(StoreError) {
        try await bounded(what) { [client, logger] in _ = try await client.query(query, logger: logger).collect() }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    func transaction<T: Sendable>(_ what: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        try await bounded(what) { [client, logger] in try await client.withTransaction(logger: logger) { connection in try await body(connection) } }
    }

    /// Runs `operation`, failing it after ``operationTimeout``: while the database is unreachable the pool queues every
    /// request, and a request must fail fast instead (cancelling it leaves the pool's queue at once).
    private func bounded<T: Sendable>(_ what: String, _ operation: @escaping @Sendable () async throws -> T) async throws(StoreError) -> T {
        let timeout = operationTimeout
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await operation() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw StoreError.database("the database did not answer within \(timeout)")
                }
                return value
            }
        } catch {
            throw Self.storeError(error, what: what)
        }
    }

    /// A database error as a ``StoreError``: unique violations are conflicts; store errors thrown inside pass through.
    static func storeError(_ error: any Error, what: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PostgresTransactionError {
            if let closure = error.closureError { return storeError(closure, what: what) }
            if let begin = error.beginError { return storeError(begin, what: what) }
            if let commit = error.commitError { return storeError(commit, what: what) }
        }
        if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" { return .conflict(what) }
        return .database(describe(error))
    }

    /// The server's message and SQLSTATE, or the client's error code; never the query's bound values.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
        }
        return error.underlying.map { "\(error.code): \($0)" } ?? "\(error.code)"
    }
}

extension PostgresConnection {
    /// The rows of `query` on this connection, each decoded by `decode`.
    func rows<T>(_ query: PostgresQuery, logger: Logger, _ decode: (PostgresRow) throws -> T) async throws -> [T] {
        var result: [T] = []
        for try await row in try await self.query(query, logger: logger) { result.append(try decode(row)) }
        return result
    }

    /// Runs `query`, discarding what it returns.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }

    /// How many rows `query` (an UPDATE or DELETE ending in `RETURNING 1`) touched.
    func count(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        try await rows(query, logger: logger) { _ in () }.count
    }
}
