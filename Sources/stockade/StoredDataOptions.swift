import ArgumentParser
import Foundation
import Logging
import Store
import StockadeServer

/// `--config` and `--database`: the server configuration and the store `stockade serve` keeps its data in (its
/// `database`, PostgreSQL, or the embedded SQLite file), for the commands that read or act on that data outside the
/// server.
struct StoredDataOptions: ParsableArguments {
    @Option(help: "The server configuration (JSON): its database, or the SQLite file in its dataDirectory.") var config: String?
    @Option(help: "An SQLite database file (overrides --config's store).") var database: String?

    /// The configuration file's settings, or the defaults without `--config`.
    func configuration() throws -> ServerConfiguration {
        try config.map(ServerConfiguration.load) ?? ServerConfiguration()
    }

    /// The store: `--database`, else the configuration's `database` or the SQLite file in its data directory.
    func store(_ configuration: ServerConfiguration) async throws -> any SharedStore {
        try await configuration.openStore(sqlitePath: database, logger: Logger(label: "stockade.store"))
    }

    /// Midnight UTC of `YYYY-MM-DD` (a `--date` option), nil when it is no valid day.
    static func dayStart(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}
