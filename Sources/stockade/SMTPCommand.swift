import ArgumentParser
import DANE
import DNS
import Foundation
import HTTPFetch
import MTASTS
import SMTP
import TransportSecurity

/// `stockade smtp …`: what a sending MTA finds at a domain's mail servers (library `TransportSecurity`).
struct SMTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtp",
        abstract: "Probe a domain's mail servers as a DANE + MTA-STS sender would.",
        subcommands: [Probe.self])

    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "probe",
            abstract: "MX hosts, DNSSEC, TLSA records, STARTTLS, certificates, the DANE and MTA-STS verdicts, and the decision.",
            discussion: """
                Example: stockade smtp probe example.com --json
                Exit status: 0 when a sender would deliver (verified, encrypted-only or plaintext-allowed), 1 when it \
                would defer.
                """)
        @Argument(help: "The mail domain (the part of the recipient address after @).") var domain: String
        @OptionGroup var resolverOptions: ResolverOptions
        @Option(help: "The SMTP port of every MX host.") var port = 25
        @Option(name: .customLong("ca-file"), help: "Extra trust anchors (PEM) for MTA-STS, added to the system's.")
        var caFiles: [String] = []
        @Option(name: .customLong("mta-sts-port"), help: "The HTTPS port of MTA-STS policy hosts.") var mtaSTSPort = 443
        @Option(help: "Seconds allowed for each connection step.") var timeout = 30
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let resolver = try resolverOptions.makeResolver()
            var stsConfiguration = MTASTSResolver.Configuration()
            stsConfiguration.port = mtaSTSPort
            let fetcher = try HTTPFetcher(resolver: resolver, trustRoots: .systemPlus(pemFiles: caFiles))
            let sts = MTASTSResolver(resolver: resolver, fetcher: fetcher, storage: MemoryPolicyStorage(), configuration: stsConfiguration)
            var configuration = TransportProbe.Configuration()
            configuration.port = port
            let step = Duration.seconds(timeout)
            configuration.timeouts = SMTPTimeouts(connect: step, greeting: step, command: step)
            let probe = TransportProbe(resolver: resolver, mtaSTS: sts, pkix: try PKIXCheck.systemPlus(pemFiles: caFiles),
                                       configuration: configuration)
            let report: DomainReport
            do {
                report = try await probe.probe(domain: domain)
            } catch {
                throw ValidationError("cannot look up the MX records of \(domain): \(error.reason)")
            }
            let output = ProbeOutput(report)
            if json { try printJSON(output) } else { print(output.text) }
            if report.decision == .deferred { throw ExitCode(1) }
        }
    }
}
