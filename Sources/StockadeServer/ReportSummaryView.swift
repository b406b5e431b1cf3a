import Foundation
import Hummingbird
import Store

/// The JSON of the reports API: the summary of one domain over a range of days.
struct ReportSummaryView: ResponseEncodable {
    struct Day: Encodable { let day: String; let successful: Int; let failed: Int }
    struct Count: Encodable { let value: String; let sessions: Int }
    struct Policy: Encodable { let organization: String; let type: String; let strings: [String]; let successful: Int; let failed: Int }
    struct Listing: Encodable {
        let id: Int64
        let organization: String
        let reportID: String
        let begin: String
        let end: String
        let channel: String
        let dkim: String?
        let successful: Int
        let failed: Int
    }

    let domain: String
    let from: String
    let to: String
    let days: [Day]
    let resultTypes: [Count]
    let sendingMTAs: [Count]
    let receivingMXs: [Count]
    let policies: [Policy]
    let reports: [Listing]

    init(domain: String, from: String, to: String, summary: TLSRPTSummary) {
        self.domain = domain
        self.from = from
        self.to = to
        days = summary.days.map { Day(day: $0.day, successful: $0.successful, failed: $0.failed) }
        func counts(_ list: [TLSRPTSummary.Count]) -> [Count] { list.map { Count(value: $0.value, sessions: $0.sessions) } }
        resultTypes = counts(summary.resultTypes)
        sendingMTAs = counts(summary.sendingMTAs)
        receivingMXs = counts(summary.receivingMXs)
        policies = summary.policies.map { Policy(organization: $0.organization, type: $0.type, strings: $0.strings, successful: $0.successful,
                                                 failed: $0.failed) }
        let format = Date.ISO8601FormatStyle()
        reports = summary.reports.map { report in
            Listing(id: report.id, organization: report.organization, reportID: report.reportID, begin: report.begin.formatted(format),
                    end: report.end.formatted(format), channel: report.channel, dkim: report.dkim, successful: report.successful,
                    failed: report.failed)
        }
    }
}

/// What the dashboard template reads: the same data, with totals and links.
struct ReportDashboardView {
    let domain: String
    let from: String
    let to: String
    let summary: ReportSummaryView
    let successful: Int
    let failed: Int
    let empty: Bool

    init(domain: String, from: String, to: String, summary: TLSRPTSummary) {
        self.domain = domain
        self.from = from
        self.to = to
        self.summary = ReportSummaryView(domain: domain, from: from, to: to, summary: summary)
        successful = summary.days.reduce(0) { $0 + $1.successful }
        failed = summary.days.reduce(0) { $0 + $1.failed }
        empty = summary.days.isEmpty
    }
}

/// The JSON of the DMARC reports API and what its page reads: passed and failed messages per source, reporter and day.
struct DMARCSummaryView: ResponseEncodable {
    struct Tally: Encodable { let value: String; let passed: Int; let failed: Int }

    let domain: String
    let from: String
    let to: String
    let sources: [Tally]
    let senders: [Tally]
    let reporters: [Tally]
    let days: [Tally]

    init(domain: String, from: String, to: String, summary: DMARCSummary) {
        self.domain = domain
        self.from = from
        self.to = to
        func tallies(_ list: [DMARCSummary.Tally]) -> [Tally] { list.map { Tally(value: $0.value, passed: $0.passed, failed: $0.failed) } }
        sources = tallies(summary.sources)
        senders = tallies(summary.senders)
        reporters = tallies(summary.reporters)
        days = tallies(summary.days)
    }
}
