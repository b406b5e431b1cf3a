import Foundation
import Logging
import PostgresNIO
import Testing
@testable import Store

/// The two store backends the conformance suite runs every test against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    typealias AnyStore = Store & KeyServerStore & PolicyCacheStore & DMARCResultStore & ReportStore & TLSSessionStore

    /// A new, empty store of this backend; `body` runs with it and the store is removed afterwards. PostgreSQL: the
    /// lab's server (`STOCKADE_LAB_POSTGRES_URL`), one new schema per call; a missing lab component fails the test.
    func withStore<T>(_ body: (any AnyStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            return try await body(try SQLiteStore(path: directory.appendingPathComponent("stockade.sqlite").path))
        case .postgres:
            let schema = Self.newSchema()
            let store = try await PostgresStore.open(try Self.labSettings(schema: schema), logger: DirectoryChangeFeedTests.logger)
            do {
                let result = try await body(store)
                try await Self.drop(schema, store)
                return result
            } catch {
                try? await Self.drop(schema, store)
                throw error
            }
        }
    }

    /// A schema name no other test uses.
    static func newSchema() -> String { "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }

    /// The lab's PostgreSQL, in `schema`.
    static func labSettings(schema: String?) throws -> PostgresSettings {
        let environment = ProcessInfo.processInfo.environment
        let url = try #require(environment["STOCKADE_LAB_POSTGRES_URL"],
                               "the lab's postgres component is not running (lab/lab.sh up; eval \"$(lab/lab.sh env)\")")
        let passwordFile = try #require(environment["STOCKADE_LAB_POSTGRES_PASSWORD_FILE"])
        let password = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var settings = try PostgresSettings(url: url, password: password)
        settings.schema = schema
        return settings
    }

    /// Drops `schema` with everything in it through `store`, then closes the store.
    static func drop(_ schema: String, _ store: PostgresStore) async throws {
        _ = try await store.client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE")).collect()
        await store.close()
    }
}

/// Instants with whole seconds, which both backends store exactly.
func instant(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(1_765_000_000 + seconds)) }
