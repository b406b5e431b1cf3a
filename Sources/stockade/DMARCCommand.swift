import ArgumentParser
import DMARC
import DNS
import Foundation

/// `stockade dmarc …`: a domain's DMARC Policy Record and the DMARC verdict for given SPF and DKIM outcomes (library
/// `DMARC`, RFC 9989 or RFC 7489).
struct DMARCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dmarc",
        abstract: "Read DMARC Policy Records and evaluate DMARC (RFC 9989, or RFC 7489 with --rfc7489).",
        subcommands: [Record.self, Evaluate.self, Check.self, Report.self])

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Show the DMARC Policy Record published at _dmarc.DOMAIN, with defaults filled in (RFC 9989 §4.7).",
            discussion: """
                Unknown tags are ignored and malformed ones discarded (RFC 9989 §4.8); the text output lists them.
                Exits 1 when DNS gave no answer (SERVFAIL, timeout).
                Example: stockade dmarc record example.com --json
                """)
        @Argument(help: "The domain (the record is looked up at _dmarc.DOMAIN, without a tree walk).") var domain: String
        @OptionGroup var resolverOptions: ResolverOptions
        @Flag(help: "Print JSON: {\"found\", \"p\", \"sp\", \"np\", \"adkim\", \"aspf\", \"t\", \"psd\", \"fo\", \"rua\", \"ruf\"}.") var json = false

        func run() async throws {
            let dns = ResolverDMARCDNS(resolver: try resolverOptions.makeResolver())
            let name = "_dmarc." + DMARCCommand.normalized(domain)
            let record: DMARCRecord?
            switch await dns.txt(name) {
            case .failed(let reason):
                FileHandle.standardError.write(Data("error: \(reason)\n".utf8))
                throw ExitCode(1)
            case .nonExistent: record = nil
            case .records(let texts): record = DMARCRecord.select(texts)
            }
            let report = DMARCRecordReport(record)
            if json { try printJSON(report) } else { print(report.text(name: name, record: record)) }
        }
    }

    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evaluate",
            abstract: "Evaluate DMARC for a From domain and SPF/DKIM outcomes (RFC 9989 §5.3).",
            discussion: """
                Prints the verdict, the disposition the Domain Owner asks for, where the record was found, the Organizational \
                Domain and which identifiers align. The DNS Tree Walk (RFC 9989 §4.10) finds the record and the \
                Organizational Domains; --rfc7489 uses the bundled Public Suffix List instead (RFC 7489 §3.2).
                Example: stockade dmarc evaluate --from example.com --spf pass:bounce.example.com --dkim pass:example.com --json
                """)
        @Option(help: "The RFC5322.From domain (the Author Domain).") var from: String
        @Option(help: ArgumentHelp("The SPF result and the MAIL FROM domain it is for, e.g. pass:example.com.", valueName: "result:domain"))
        var spf: SPFArgument?
        @Option(help: ArgumentHelp("A DKIM signature's result and d= (repeat for several), e.g. pass:example.com.", valueName: "result:domain"))
        var dkim: [DKIMArgument] = []
        @Flag(help: "RFC 7489: the Organizational Domain from the Public Suffix List, no tree walk, no np/psd/t.") var rfc7489 = false
        @OptionGroup var resolverOptions: ResolverOptions
        @Flag(help: "Print JSON: {\"result\", \"disposition\", \"policy_domain\", \"org_domain\", \"spf_aligned\", \"dkim_aligned\", \"applied_policy\"}.")
        var json = false

        func run() async throws {
            let dns = ResolverDMARCDNS(resolver: try resolverOptions.makeResolver())
            let evaluator = DMARCEvaluator(dns: dns, mode: rfc7489 ? .rfc7489(.bundled) : .rfc9989)
            let result = await evaluator.evaluate(authorDomain: from, spf: spf?.outcome, dkim: dkim.map(\.outcome))
            let report = DMARCEvaluationReport(result)
            if json { try printJSON(report) } else { print(report.text(reason: result.reason)) }
        }
    }

    /// Lower case, without the final dot.
    static func normalized(_ domain: String) -> String {
        let lower = domain.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }
}
