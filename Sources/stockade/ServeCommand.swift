import ArgumentParser
import Hummingbird
import Logging
import StockadeServer

/// `stockade serve`: the long-running server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Stockade server.",
        discussion: "Example: stockade serve --config config/demo.json")

    @Option(help: "The JSON configuration file.") var config: String?
    @Option(help: "Listen on HOST:PORT (overrides the configuration).") var listen: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level \(logLevel)") }
    }

    func run() async throws {
        var configuration = try config.map(ServerConfiguration.load) ?? ServerConfiguration()
        if let listen { configuration.listen = listen }
        var logger = Logger(label: "stockade")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let app = try await StockadeApplication.build(configuration: configuration, logger: logger)
        try await app.runService()
    }
}
