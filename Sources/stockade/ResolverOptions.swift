import ArgumentParser
import DNS
import Foundation

/// `--resolver`, shared by every networked command; `STOCKADE_RESOLVER` is the default.
struct ResolverOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The recursive resolver to ask, as HOST or HOST:PORT (default: $STOCKADE_RESOLVER, else /etc/resolv.conf).",
        valueName: "host:port"))
    var resolver: String?

    func validate() throws {
        if let resolver {
            do { _ = try ResolverConfiguration.socketAddress(resolver) } catch { throw ValidationError(error.reason) }
        }
    }

    /// The resolver configuration these options name.
    func configuration() throws -> ResolverConfiguration {
        if let server = resolver ?? ProcessInfo.processInfo.environment["STOCKADE_RESOLVER"], !server.isEmpty {
            return try ResolverConfiguration(servers: server.split(separator: ",").map(String.init))
        }
        return try ResolverConfiguration.fromResolvConf()
    }

    func makeResolver() throws -> Resolver<ContinuousClock> {
        Resolver(configuration: try configuration())
    }
}

/// Prints a value as pretty, key-sorted JSON on standard output.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
