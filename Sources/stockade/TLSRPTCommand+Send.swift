import ArgumentParser
import Foundation
import Logging
import StockadeServer

extension TLSRPTCommand {
    /// `stockade tlsrpt send --config FILE --date DAY [--domain D]`: the daily TLS report job, once, now.
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send",
            abstract: "Send the TLS reports (RFC 8460) of one UTC day now, as stockade serve does each day at tlsrpt.sendHour.",
            discussion: """
                Uses the configuration's tlsrpt settings, database, resolver and DKIM key: for each recipient domain with \
                TLS session counts that day (or only --domain), builds the report, looks up _smtp._tls, POSTs the gzip \
                report to https: destinations and queues DKIM-signed mail to mailto: destinations in the outbox, which \
                stockade serve sends through its mail relay. A domain and day already sent (by the server or an earlier \
                run) is skipped. Prints one JSON line: {"reports":N,"posts":N,"mails":N,"noRecord":N,"failures":N}; \
                exits 1 when failures > 0.
                Example: stockade tlsrpt send --config /etc/stockade/config.json --date 2026-12-05
                """)
        @OptionGroup var data: StoredDataOptions
        @Option(help: ArgumentHelp("The UTC day.", valueName: "YYYY-MM-DD")) var date: String
        @Option(help: "Only the report about this recipient domain.") var domain: String?
        @Option(help: "Log level (standard error).") var logLevel: Logger.Level = .notice

        func validate() throws {
            guard data.config != nil else { throw ValidationError("--config is required: the tlsrpt settings come from it") }
            guard StoredDataOptions.dayStart(date) != nil else { throw ValidationError("--date must be YYYY-MM-DD, got \(date)") }
        }

        func run() async throws {
            let configuration = try data.configuration()
            guard let day = StoredDataOptions.dayStart(date) else { throw ExitCode(2) }
            var logger = Logger(label: "stockade.tlsrpt") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = logLevel
            let round = try await TLSRPTSendRound.once(day: day, domain: domain, configuration: configuration,
                                                       store: try await data.store(configuration), logger: logger)
            print(#"{"reports":\#(round.reports),"posts":\#(round.posts),"mails":\#(round.mails),"#
                  + #""noRecord":\#(round.noRecord),"failures":\#(round.failures)}"#)
            if round.failures > 0 { throw ExitCode(1) }
        }
    }
}
