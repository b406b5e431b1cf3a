import ArgumentParser
import DNS
import Foundation
import HTTPFetch
import MTASTS

/// `stockade mta-sts …`: a sender's view of a domain's MTA-STS policy (library `MTASTS`).
struct MTASTSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mta-sts",
        abstract: "Resolve a domain's MTA-STS policy (RFC 8461) and check MX hosts against it.",
        subcommands: [Resolve.self, CheckMX.self, Record.self])

    /// What a resolution needs: the resolver, extra trust anchors, the policy host's port.
    struct FetchOptions: ParsableArguments {
        @OptionGroup var resolverOptions: ResolverOptions
        @Option(name: .customLong("ca-file"), help: "Extra trust anchors (PEM), added to the system's.") var caFiles: [String] = []
        @Option(help: "The policy host's HTTPS port.") var port = 443
        @Option(help: "Seconds before a policy fetch is abandoned.") var timeout = 10

        func makeResolver() throws -> MTASTSResolver {
            let resolver = try resolverOptions.makeResolver()
            var configuration = MTASTSResolver.Configuration()
            configuration.port = port
            configuration.fetchTimeout = .seconds(timeout)
            return MTASTSResolver(resolver: resolver, fetcher: try HTTPFetcher(resolver: resolver, trustRoots: .systemPlus(pemFiles: caFiles)),
                                  storage: MemoryPolicyStorage(), configuration: configuration)
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve",
            abstract: "Show the policy a sender applies to mail for DOMAIN, where it came from, or why none applies.",
            discussion: "Example: stockade mta-sts resolve example.com --json")
        @Argument(help: "The policy domain (the part of the recipient address after @).") var domain: String
        @OptionGroup var options: FetchOptions
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let resolution = await (try options.makeResolver()).resolve(domain)
            let report = ResolutionReport(resolution)
            if json { try printJSON(report) } else { print(report.text) }
        }
    }

    struct CheckMX: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-mx",
            abstract: "Say whether a sender may deliver to HOST for DOMAIN under its MTA-STS policy (RFC 8461 §4.1).",
            discussion: "Example: stockade mta-sts check-mx example.com mx1.example.com")
        @Argument(help: "The policy domain.") var domain: String
        @Argument(help: "The MX host name.") var host: String
        @OptionGroup var options: FetchOptions
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let resolution = await (try options.makeResolver()).resolve(domain)
            let verdict = MXVerdict(resolution, host: host)
            if json { try printJSON(verdict) } else { print(verdict.text) }
            if !verdict.allowed { throw ExitCode(1) }
        }
    }
}

/// What `mta-sts resolve` prints.
struct ResolutionReport: Encodable {
    let domain: String
    let source: String
    let mode: String?
    let mx: [String]?
    let maxAge: Int?
    let id: String?
    let expires: String?
    let reason: String?

    init(_ r: PolicyResolution) {
        domain = r.domain
        source = r.source.rawValue
        mode = r.policy?.mode.rawValue
        mx = r.policy?.mx.map(\.text)
        maxAge = r.policy?.maxAge
        id = r.id
        expires = r.expiresAt?.formatted(.iso8601)
        reason = r.reason
    }

    enum CodingKeys: String, CodingKey {
        case domain, source, mode, mx, id, expires, reason
        case maxAge = "max_age"
    }

    var text: String {
        guard let mode else { return "\(domain): no policy (\(reason ?? "none"))" }
        var lines = ["\(domain): mode \(mode), max_age \(maxAge ?? 0), id \(id ?? "-") [\(source)]"]
        for pattern in mx ?? [] { lines.append("  mx \(pattern)") }
        if let expires { lines.append("  applies until \(expires)") }
        if let reason { lines.append("  note: \(reason)") }
        return lines.joined(separator: "\n")
    }
}

/// What `mta-sts check-mx` prints.
struct MXVerdict: Encodable {
    let domain: String
    let host: String
    let mode: String?
    let matches: Bool?
    /// Whether a sender may deliver to the host: always without an enforce policy; only to matching hosts with one.
    let allowed: Bool
    let reason: String

    init(_ r: PolicyResolution, host: String) {
        domain = r.domain
        self.host = host
        mode = r.policy?.mode.rawValue
        guard let policy = r.policy else {
            matches = nil
            allowed = true
            reason = "no policy applies: \(r.reason ?? "none")"
            return
        }
        let match = policy.matches(mxHost: host)
        matches = match
        switch (policy.mode, match) {
        case (_, true):
            allowed = true
            reason = "\(host) matches the policy's mx patterns"
        case (.enforce, false):
            allowed = false
            reason = "\(host) matches none of \(policy.mx.map(\.text).joined(separator: ", ")): an enforce policy forbids delivery"
        case (.testing, false):
            allowed = true
            reason = "\(host) does not match, but the policy only tests: deliver and report (RFC 8461 §5)"
        case (.none, false):
            allowed = true
            reason = "the policy's mode is none"
        }
    }

    var text: String { "\(allowed ? "allowed" : "refused"): \(reason)" }
}
