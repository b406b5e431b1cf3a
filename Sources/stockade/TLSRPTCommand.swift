import ArgumentParser
import DNS
import Foundation
import TLSRPT

/// `stockade tlsrpt …`: SMTP TLS Reporting (RFC 8460, library `TLSRPT`).
struct TLSRPTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlsrpt",
        abstract: "Read SMTP TLS reports, look up a domain's TLSRPT record, and send a day's reports (RFC 8460).",
        subcommands: [Parse.self, Record.self, Send.self])

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "parse",
            abstract: "Check a TLS report (JSON, gzip, or a whole multipart/report mail) and summarize it.",
            discussion: """
                The report is read strictly (I-JSON, RFC 3339 dates, exact types); the deviations from RFC 8460 that Stockade tolerates are listed. Exits 1 when the report is rejected.

                Example: stockade tlsrpt parse google.com!example.com!1700000000!1700086399.json.gz --json
                """)
        @Argument(help: "The report file.") var file: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let bytes = try TLSRPTOutput.read(file, limit: Report.maximumMailSize)
            let summary: TLSRPTOutput.ParseSummary
            do throws(TLSRPTError) {
                summary = TLSRPTOutput.ParseSummary(try Report.parse(bytes))
            } catch {
                summary = TLSRPTOutput.ParseSummary(rejection: error)
            }
            if json {
                try printJSON(summary)
            } else {
                print(summary.text, terminator: "")
            }
            if !summary.accepted { throw ExitCode(1) }
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Look up and check the _smtp._tls TXT record of DOMAIN: where senders deliver TLS reports.",
            discussion: "Exits 1 when the domain has no usable record. Example: stockade tlsrpt record example.com --json")
        @Argument(help: "The domain receiving mail.") var domain: String
        @OptionGroup var resolverOptions: ResolverOptions
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let result = try await TLSRPTRecord.discover(domain: domain, resolver: try resolverOptions.makeResolver())
            let summary = TLSRPTOutput.RecordSummary(result)
            if json {
                try printJSON(summary)
            } else {
                switch result {
                case .success(let record): print(record.text)
                case .failure(let error): print("\(domain): no usable TLSRPT record: \(error.reason)")
                }
            }
            if !summary.valid { throw ExitCode(1) }
        }
    }
}
