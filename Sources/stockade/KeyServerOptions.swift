import ArgumentParser
import Foundation
import HTTPFetch
import VKS

/// `--vks`, `--ca-file` and `--resolver`, shared by the commands that ask a key server (and WKD).
struct KeyServerOptions: ParsableArguments {
    @Option(name: .customLong("vks"), help: "The key server's base URL.")
    var baseURL = "https://keys.openpgp.org"
    @Option(name: .customLong("ca-file"), help: "Extra trust anchors (PEM), added to the system's.")
    var caFiles: [String] = []
    @OptionGroup var resolverOptions: ResolverOptions

    func validate() throws {
        guard baseURL.lowercased().hasPrefix("https://") else { throw ValidationError("--vks must be an https URL") }
    }

    /// A fetcher resolving through `--resolver` and trusting the system's roots plus `--ca-file`.
    func makeFetcher() throws -> HTTPFetcher {
        try HTTPFetcher(resolver: try resolverOptions.makeResolver(), trustRoots: .systemPlus(pemFiles: caFiles))
    }

    func makeClient() throws -> VKSClient {
        try VKSClient(baseURL: baseURL, fetcher: try makeFetcher())
    }
}

/// The bytes of a file, or of standard input for `-`.
func readFile(_ path: String) throws -> [UInt8] {
    if path == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
