import ArgumentParser
import Audit
import DNS
import Foundation
import StockadeServer

/// `stockade check DOMAIN`: everything a mail domain gets right or wrong (library `Audit`).
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Audit a mail domain: DNSSEC, MX, STARTTLS, DANE, MTA-STS, TLSRPT, SPF, DMARC, DKIM, CAA and WKD.",
        discussion: """
            Every finding has a severity (ok, info, warning, error), one line and the RFC section it rests on; each area gets \
            a grade (pass, warn, fail). The checks run concurrently through one resolver and its cache. With --expect, the \
            records `stockade init` printed are compared with what DNS publishes now.
            Exit status: 0 when no finding is an error, 1 otherwise.
            Example: stockade check example.com --dkim-selector mail --json
            """)
    @Argument(help: "The mail domain (the part of addresses after @).") var domain: String
    @Option(name: .customLong("dkim-selector"), help: "A DKIM selector to check (repeat for several).") var dkimSelectors: [String] = []
    @Option(help: ArgumentHelp("A zone-file fragment from `stockade init` to compare with DNS.", valueName: "file")) var expect: String?
    @OptionGroup var resolverOptions: ResolverOptions
    @Option(name: .customLong("ca-file"), help: "Extra trust anchors (PEM) for HTTPS and SMTP certificates, added to the system's.")
    var caFiles: [String] = []
    @Option(name: .customLong("smtp-port"), help: "The SMTP port of every MX host.") var smtpPort = 25
    @Option(name: .customLong("https-port"), help: "The HTTPS port of the MTA-STS and WKD hosts.") var httpsPort = 443
    @Option(help: "Seconds allowed for each connection step and fetch.") var timeout = 10
    @Flag(help: "Print JSON: {\"domain\", \"overall\", \"grades\", \"findings\": [{\"area\", \"severity\", \"id\", \"message\", \"reference\"}]}.")
    var json = false
    @Option(help: ArgumentHelp("Write the report as an HTML page to FILE instead of printing it.", valueName: "file")) var html: String?

    func validate() throws {
        if json && html != nil { throw ValidationError("--json and --html exclude each other") }
    }

    func run() async throws {
        var configuration = DomainAuditor.Configuration()
        configuration.smtpPort = smtpPort
        configuration.httpsPort = httpsPort
        configuration.timeout = .seconds(timeout)
        configuration.dkimSelectors = dkimSelectors
        if let expect {
            do {
                configuration.expected = try ExpectedRecord.parse(fragment: try TLSRPTOutput.read(expect, limit: ExpectedRecord.maximumFragmentSize))
            } catch let error as AuditError {
                throw ValidationError("\(expect): \(error.reason)")
            }
        }
        let auditor = try DomainAuditor(resolver: try resolverOptions.makeResolver(), trustAnchorFiles: caFiles, configuration: configuration)
        let report = await auditor.audit(domain)
        if let html {
            let page = try await AuditPage.html(report)
            guard FileManager.default.createFile(atPath: html, contents: Data(page.utf8)) else { throw ValidationError("cannot write \(html)") }
        } else if json {
            try printJSON(report)
        } else {
            print(report.text)
        }
        if report.overall == .fail { throw ExitCode(1) }
    }
}
