import Directory
import Foundation
public import Logging
import ServiceLifecycle
public import Store

/// Everything `stockade serve` keeps: the directory, key-server, policy-cache, DMARC-result, report-inbox and TLS
/// session tables, in one store.
public typealias SharedStore = Store & KeyServerStore & PolicyCacheStore & DMARCResultStore & ReportStore & TLSSessionStore

/// The store `stockade serve` runs on: the embedded SQLite file in the data directory, or the PostgreSQL database
/// named by `database`, shared by every instance behind a load balancer.
struct ServerStore {
    let shared: any SharedStore
    /// Directory changes made by other instances (PostgreSQL only; SQLite has one writer, which clears its own cache).
    let changes: (any DirectoryChangeFeed)?

    static func open(_ configuration: ServerConfiguration, logger: Logger) async throws -> ServerStore {
        guard let url = configuration.database else {
            return ServerStore(shared: try SQLiteStore(path: configuration.databasePath), changes: nil)
        }
        do {
            let password = try PostgresSettings.password(file: configuration.databasePasswordFile)
            let store = try await PostgresStore.open(try PostgresSettings(url: url, password: password), logger: logger)
            return ServerStore(shared: store, changes: store)
        } catch {
            throw ConfigurationError(reason: "database: \(error.reason)")
        }
    }
}

extension ServerConfiguration {
    /// The store this configuration names (for commands that read or write what `stockade serve` keeps): PostgreSQL
    /// when `database` is set, else the embedded SQLite file, or `sqlitePath` instead of it when given.
    public func openStore(sqlitePath: String? = nil, logger: Logger) async throws -> any SharedStore {
        if let sqlitePath { return try SQLiteStore(path: sqlitePath) }
        return try await ServerStore.open(self, logger: logger).shared
    }
}

/// Keeps this instance's directory cache in step with the changes every instance writes to a shared store.
struct DirectoryChangeFollower: Service {
    let directory: Directory
    let feed: any DirectoryChangeFeed

    func run() async throws {
        try? await cancelWhenGracefulShutdown { await directory.follow(feed) }
    }
}
