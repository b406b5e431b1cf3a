import ArgumentParser
import Foundation
import Logging
import Store

/// `stockade migrate`: copy a single-machine installation's embedded database into PostgreSQL.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy the embedded SQLite store into a PostgreSQL database, then verify every table.",
        discussion: """
            Example: stockade migrate --from sqlite:/var/lib/stockade/stockade.sqlite \
            --to postgres://stockade@db.example:5432/stockade --password-file /etc/stockade/db-password
            Rows already in the target are kept, so an interrupted copy is finished by running the same command again. \
            Each table is verified by its row count and a SHA-256 over its rows read back from both databases. \
            Stop the server writing to the SQLite file first. Exit status: 0 when every table matches, 1 otherwise.
            """)

    @Option(help: "The source, sqlite:PATH.") var from: String
    @Option(help: "The target, postgres://USER@HOST:PORT/DATABASE[?sslmode=verify-full&schema=NAME].") var to: String
    @Option(help: "A file holding the target's password (else STOCKADE_DATABASE_PASSWORD).") var passwordFile: String?
    @Flag(help: "Print JSON: [{\"table\", \"sourceRows\", \"copiedRows\", \"targetRows\", \"sourceChecksum\", \"targetChecksum\"}].")
    var json = false

    func run() async throws {
        guard from.hasPrefix("sqlite:"), from.count > 7 else { throw ValidationError("--from must be sqlite:PATH") }
        let path = String(from.dropFirst(7))
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("--from: no database at \(path)") }
        var logger = Logger(label: "stockade.migrate")
        logger.logLevel = .warning
        let reports: [StoreCopy.TableReport]
        do {
            var target = try PostgresSettings(url: to, password: PostgresSettings.password(file: passwordFile))
            target.operationTimeout = .seconds(600)  // a batch of large rows, or a checksum over a whole table
            reports = try await Self.copy(from: path, to: target, logger: logger)
        } catch {
            throw ValidationError(error.reason)
        }
        if json {
            try printJSON(reports)
        } else {
            for report in reports {
                print("\(report.table): \(report.sourceRows) rows, \(report.copiedRows) copied now, \(report.targetRows) in the target, "
                      + (report.matches ? "checksums match" : "MISMATCH (\(report.sourceChecksum) ≠ \(report.targetChecksum))"))
            }
        }
        if !reports.allSatisfy(\.matches) { throw ExitCode(1) }
    }

    static func copy(from path: String, to settings: PostgresSettings, logger: Logger) async throws(StoreError) -> [StoreCopy.TableReport] {
        let source = try SQLiteStore(path: path)
        let target = try await PostgresStore.open(settings, logger: logger)
        do {
            let reports = try await StoreCopy.copy(from: source, to: target)
            await target.close()
            return reports
        } catch {
            await target.close()
            throw error
        }
    }
}
