import DNS
import Foundation
import HTTPFetch
import TestSupport
import Testing

/// The running lab (lab/lab.sh up), found through the variables `lab/lab.sh env` prints.
/// A test that needs the lab fails, with the reason, when the lab is not running: it never skips.
enum Lab {
    static func variable(_ name: String) throws -> String { try labVariable(name) }

    /// A fresh resolver asking the lab's validating resolver.
    static func resolver() throws -> DNS.Resolver<ContinuousClock> {
        Resolver(configuration: try ResolverConfiguration(servers: [try variable("STOCKADE_RESOLVER")]))
    }

    /// The lab CA's PEM file.
    static func caFile() throws -> String { try variable("STOCKADE_LAB_CA") }

    /// The port the lab's HTTPS server listens on (443 when the lab runs as root).
    static func httpsPort() throws -> Int {
        guard let port = Int(try variable("STOCKADE_LAB_HTTPS_PORT")) else { throw LabNotRunning(variable: "STOCKADE_LAB_HTTPS_PORT") }
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
