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
    @Option(help: "Log level.") var logLevel: Logger.Level = .info
    @Option(help: "Log format: text, or json (one object a line).") var logFormat: LogFormat = .text

    func run() async throws {
        var configuration = try config.map(ServerConfiguration.load) ?? ServerConfiguration()
        if let listen { configuration.listen = listen }
        var logger = switch logFormat {
        case .text: Logger(label: "stockade")
        case .json: Logger(label: "stockade") { JSONLogHandler(label: $0) }
        }
        logger.logLevel = logLevel
        let app = try await StockadeApplication.build(configuration: configuration, logger: logger)
        try await app.runService()
    }
}
