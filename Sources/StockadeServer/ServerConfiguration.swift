import Foundation

/// What `stockade serve` runs: where it listens and where it keeps its data. Read from a JSON file.
public struct ServerConfiguration: Codable, Sendable, Equatable {
    /// The HTTP listener, `HOST:PORT`.
    public var listen: String
    /// The folder for the embedded database and other state; created when missing.
    public var dataDirectory: String
    /// The recursive resolver, `HOST:PORT`; nil means /etc/resolv.conf.
    public var resolver: String?
    /// The mail domains this server serves, for the services that later issues add.
    public var domains: [String]

    public init(listen: String = "127.0.0.1:8080", dataDirectory: String = "var", resolver: String? = nil, domains: [String] = []) {
        self.listen = listen
        self.dataDirectory = dataDirectory
        self.resolver = resolver
        self.domains = domains
    }

    /// Reads a configuration file; unknown keys are rejected so typos are not silently ignored.
    public static func load(path: String) throws -> ServerConfiguration {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(ServerConfiguration.self, from: data)
    }

    /// The host and port of ``listen``.
    public func listenAddress() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ConfigurationError(reason: "listen must be HOST:PORT, got \"\(listen)\"")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}

/// A configuration that cannot be used, with the reason.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public var description: String { reason }
}
