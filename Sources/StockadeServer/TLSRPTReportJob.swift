import DNS
import Foundation
import HTTPFetch
import Logging
import Reports
import ServiceLifecycle
import Store
import TLSRPT

/// Sends the TLS reports of a sending MTA (RFC 8460) once a day, at ``TLSRPTSettings/sendHour`` UTC: for each UTC day
/// before today that still has counts and each recipient domain seen that day, it takes the report (one server of
/// several sharing the database), builds it, looks up `_smtp._tls.<domain>` through Stockade's resolver (RFC 8460 §3),
/// POSTs the gzip report to each `https:` rua and queues one DKIM-signed mail per `mailto:` rua in the outbox, then
/// deletes that day's counts of the domain. Counts older than ``TLSRPTSettings/keepDays`` go whatever happened.
struct TLSRPTReportJob: Service {
    /// The largest answer read from an `https:` destination, and how long a POST may take.
    static let postPolicy = FetchPolicy(maximumBodySize: 64 << 10, timeout: .seconds(30))

    let sessions: any TLSSessionStore
    let outbox: any KeyServerStore
    let builder: TLSReportBuilder
    let resolver: DNS.Resolver<ContinuousClock>
    let fetcher: HTTPFetcher
    let signer: MilterSigners.Rotation
    let settings: TLSRPTSettings
    let logger: Logger
    let now: @Sendable () -> Date

    func run() async throws {
        await DailySchedule.run(hour: settings.sendHour ?? TLSRPTSettings.defaultSendHour, now: now) { await sendDue() }
    }

    /// The next time reports go out: today's send hour, or tomorrow's once it has passed.
    func nextRun(after time: Date) -> Date {
        DailySchedule.nextRun(after: time, hour: settings.sendHour ?? TLSRPTSettings.defaultSendHour)
    }

    /// Every report due at this moment: days before today, within ``TLSRPTSettings/keepDays``.
    @discardableResult
    func sendDue() async -> TLSRPTSendRound {
        var round = TLSRPTSendRound()
        let time = now()
        let today = TLSSessionRecorder.day(containing: time)
        let keep = TimeInterval(max(settings.keepDays ?? TLSRPTSettings.defaultKeepDays, 1)) * 86_400
        var day = today.addingTimeInterval(-keep)
        while day < today {
            await send(day: day, at: time, round: &round)
            day = day.addingTimeInterval(86_400)
        }
        do {
            try await sessions.deleteTLSSessions(domain: nil, before: today.addingTimeInterval(-keep))
        } catch {
            round.failures += 1
            logger.error("old TLS session counts could not be deleted", metadata: ["error": "\(error)"])
        }
        return round
    }

    /// The reports of one day, for `stockade tlsrpt send` and the daily run.
    func send(day: Date, at time: Date, round: inout TLSRPTSendRound) async {
        do {
            for domain in try await sessions.tlsSessionDomains(day: day) {
                await send(domain: domain, day: day, at: time, round: &round)
            }
        } catch {
            round.failures += 1
            logger.error("TLS session counts could not be read", metadata: ["error": "\(error)"])
        }
    }

    /// One report: claim, build, discover the destinations, deliver, delete the counts it covered.
    func send(domain: String, day: Date, at time: Date, round: inout TLSRPTSendRound) async {
        let metadata: Logger.Metadata = ["policyDomain": "\(domain)", "day": "\(Int64(day.timeIntervalSince1970))"]
        do {
            guard try await sessions.claimTLSReport(domain: domain, day: day, at: time) else { return }
            guard let report = try await builder.report(domain: domain, day: day) else { return }
            round.reports += 1
            switch try await TLSRPTRecord.discover(domain: domain, resolver: resolver) {
            case .failure(let error):
                round.noRecord += 1
                logger.info("no TLS report sent: the domain has no usable TLSRPT record", metadata: metadata.merging(["reason": "\(error.code)"]) { $1 })
            case .success(let record):
                try await deliver(report, domain: domain, to: record.rua, at: time, metadata: metadata, round: &round)
            }
            try await sessions.deleteTLSSessions(domain: domain, before: day.addingTimeInterval(86_400))
        } catch {
            round.failures += 1
            logger.error("a TLS report could not be sent", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    /// POSTs to each `https:` destination (RFC 8460 §5.3.2: 2xx is success) and queues one mail per `mailto:` one
    /// (§5.3.1); a failed POST is logged and not retried.
    private func deliver(_ report: Report, domain: String, to destinations: [TLSRPTRecord.ReportingURI], at time: Date,
                         metadata: Logger.Metadata, round: inout TLSRPTSendRound) async throws {
        var mails: [OutgoingMailRecord] = []
        let gzip = try report.gzip()
        for uri in destinations {
            switch uri.scheme {
            case .https:
                // HTTPFetch returns only a 200 response and throws for any other status, the rest of 2xx included
                // (Stockade's own inbox answers 201 Created).
                let status: Int
                do {
                    status = try await fetcher.post(uri.text, body: gzip, contentType: "application/tlsrpt+gzip", policy: Self.postPolicy).status
                } catch {
                    guard let code = error.statusCode else {
                        round.failures += 1
                        logger.notice("a TLS report could not be posted", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                        continue
                    }
                    status = code
                }
                guard (200...299).contains(status) else {
                    round.failures += 1
                    logger.notice("an https TLS report destination refused the report", metadata: metadata.merging(["status": "\(status)"]) { $1 })
                    continue
                }
                round.posts += 1
            case .mailto:
                let recipient = String(uri.text.dropFirst("mailto:".count).prefix { $0 != "?" }).removingPercentEncoding ?? ""
                mails.append(try TLSRPTReportMail.record(report, policyDomain: domain, recipient: recipient, settings: settings,
                                                         signer: signer.signer(at: time), at: time))
            }
        }
        guard !mails.isEmpty else { return }
        var change = KeyServerChange()
        change.mail = mails
        try await outbox.commit(change)
        round.mails += mails.count
    }
}
