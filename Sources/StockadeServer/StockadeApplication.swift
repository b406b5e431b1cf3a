public import Hummingbird
public import Logging
import Foundation

/// Builds the HTTP application of `stockade serve` from a configuration.
public enum StockadeApplication {
    /// The server's version, reported by the health endpoint.
    public static let version = "0.1.0"

    /// The application: its router and listener. Creates the data directory when missing.
    public static func build(configuration: ServerConfiguration, logger: Logger) throws -> some ApplicationProtocol {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let (host, port) = try configuration.listenAddress()
        let router = Router()
        HealthRoutes(configuration: configuration).add(to: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "Stockade"),
            logger: logger)
    }
}
