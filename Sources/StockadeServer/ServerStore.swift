import Directory
import Foundation
import Logging
import ServiceLifecycle
import Store

/// The store `stockade serve` runs on: the embedded SQLite file in the data directory, or the PostgreSQL database
/// named by `database`, shared by every instance behind a load balancer.
struct ServerStore {
    /// The directory, key-server, policy-cache and DMARC-result tables.
    let shared: any Store & KeyServerStore & PolicyCacheStore & DMARCResultStore
    /// The embedded store, when it is the one in use; the features not yet on PostgreSQL need it.
    let embedded: SQLiteStore?
    /// Directory changes made by other instances (PostgreSQL only; SQLite has one writer, which clears its own cache).
    let changes: (any DirectoryChangeFeed)?

    static func open(_ configuration: ServerConfiguration, logger: Logger) async throws -> ServerStore {
        guard let url = configuration.database else {
            let store = try SQLiteStore(path: configuration.databasePath)
            return ServerStore(shared: store, embedded: store, changes: nil)
        }
        do {
            let password = try PostgresSettings.password(file: configuration.databasePasswordFile)
            let store = try await PostgresStore.open(try PostgresSettings(url: url, password: password), logger: logger)
            return ServerStore(shared: store, embedded: nil, changes: store)
        } catch {
            throw ConfigurationError(reason: "database: \(error.reason)")
        }
    }

    /// The embedded store for `feature`, or a configuration error saying that it does not run on PostgreSQL yet.
    func embedded(for feature: String) throws -> SQLiteStore {
        guard let embedded else {
            throw ConfigurationError(reason: "\(feature) keeps its data in the embedded database only, for now: remove \"database\" or \(feature)")
        }
        return embedded
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
