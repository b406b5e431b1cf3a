import DNS
import Foundation
import HTTPFetch
import Testing

/// The running lab (lab/lab.sh up), found through the variables `lab/lab.sh env` prints.
/// A test that needs the lab fails, with the reason, when the lab is not running: it never skips.
enum Lab {
    static func variable(_ name: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let value = environment[name], !value.isEmpty { return value }
        // scripts/test.sh exports only some of `lab/lab.sh env`: find the ca and https values under STOCKADE_LAB_DIR
        if let run = environment["STOCKADE_LAB_DIR"], !run.isEmpty, let value = derived(name, run: run) { return value }
        Issue.record("\(name) is not set: start the lab with `lab/lab.sh up` and `eval \"$(lab/lab.sh env)\"`, or run `make test`")
        throw LabError.notRunning(name)
    }

    /// The value `lab/lab.sh env` prints for `name`, read from the lab's run directory.
    private static func derived(_ name: String, run: String) -> String? {
        switch name {
        case "STOCKADE_LAB_CA": return "\(run)/ca/ca.pem"
        case "STOCKADE_LAB_HTTPS_ROOT": return "\(run)/https/www"
        case "STOCKADE_LAB_HTTPS_PORT":
            return (try? String(contentsOfFile: "\(run)/https/port", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        default: return nil
        }
    }

    /// A fresh resolver asking the lab's validating resolver.
    static func resolver() throws -> DNS.Resolver<ContinuousClock> {
        Resolver(configuration: try ResolverConfiguration(servers: [try variable("STOCKADE_RESOLVER")]))
    }

    /// The lab CA's PEM file.
    static func caFile() throws -> String { try variable("STOCKADE_LAB_CA") }

    /// The port the lab's HTTPS server listens on (443 when the lab runs as root).
    static func httpsPort() throws -> Int {
        guard let port = Int(try variable("STOCKADE_LAB_HTTPS_PORT")) else { throw LabError.notRunning("STOCKADE_LAB_HTTPS_PORT") }
        return port
    }

    /// The committed document tree the lab serves (lab/https/www), next to the run directory.
    static func committedRoot() throws -> URL {
        URL(fileURLWithPath: try variable("STOCKADE_LAB_DIR")).deletingLastPathComponent().appendingPathComponent("https/www")
    }

    /// A fetcher that trusts only the lab CA.
    static func fetcher() throws -> HTTPFetcher {
        try HTTPFetcher(resolver: try resolver(), trustRoots: .only(pemFiles: [try caFile()]))
    }

    /// A policy on the lab's port.
    static func policy(maximumBodySize: Int = 1 << 20, timeout: Duration = .seconds(5),
                       redirects: FetchPolicy.RedirectPolicy = .none, requiredContentType: String? = nil) throws -> FetchPolicy {
        FetchPolicy(maximumBodySize: maximumBodySize, timeout: timeout, redirects: redirects,
                    requiredContentType: requiredContentType, port: try httpsPort())
    }

    /// ":PORT" when the lab does not use 443, for URLs that name the port.
    static func portSuffix() throws -> String {
        let port = try httpsPort()
        return port == 443 ? "" : ":\(port)"
    }

    enum LabError: Error {
        case notRunning(String)
    }
}
