import ArgumentParser
import DMARC
import Foundation
import Store
import StockadeServer

extension DMARCCommand {
    /// `stockade dmarc report --domain D --date DAY`: the aggregate report the server would send for that day.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Print the DMARC aggregate report (RFC 9990 XML) built from the milter's results for one domain and UTC day.",
            discussion: """
                Reads the results `stockade serve` recorded (milter with dmarcReports) from the database; the report metadata \
                (org_name, email, submitter) come from the configuration's dmarcReports, else "Stockade", \
                postmaster@localhost and localhost. Results are deleted once their report is sent, so only days not yet \
                reported can be shown. Exits 1 when there is nothing to report.
                Example: stockade dmarc report --domain example.com --date 2026-12-05 --config /etc/stockade/config.json
                """)
        @Option(help: "The DMARC Policy Domain (where the record was found).") var domain: String
        @Option(help: ArgumentHelp("The UTC day.", valueName: "YYYY-MM-DD")) var date: String
        @OptionGroup var data: StoredDataOptions

        func validate() throws {
            guard StoredDataOptions.dayStart(date) != nil else { throw ValidationError("--date must be YYYY-MM-DD, got \(date)") }
        }

        func run() async throws {
            let configuration = try data.configuration()
            let store = try await data.store(configuration)
            let settings = configuration.dmarcReports
            let builder = DMARCReportBuilder(store: store, orgName: settings?.orgName ?? "Stockade", email: settings?.from ?? "postmaster@localhost",
                                             submitter: settings?.submitter ?? "localhost", contact: settings?.contact)
            guard let dayStart = StoredDataOptions.dayStart(date),
                  let (report, _) = try await builder.report(policyDomain: DMARCCommand.normalized(domain), dayStart: dayStart) else {
                FileHandle.standardError.write(Data("error: no DMARC results for \(domain) on \(date)\n".utf8))
                throw ExitCode(1)
            }
            FileHandle.standardOutput.write(Data(report.xml()))
        }
    }
}
