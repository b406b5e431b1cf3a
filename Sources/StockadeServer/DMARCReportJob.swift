import DKIM
import DMARC
import Foundation
import Logging
import ServiceLifecycle
import Store

/// Sends the DMARC aggregate reports (RFC 9990) once a day, at ``DMARCReportSettings/sendHour`` UTC: for each UTC day
/// before today that still has results and each DMARC Policy Domain seen that day, it takes the report (one server
/// of several sharing the database), builds it, checks each `rua` (RFC 9990 §4 for destinations outside the policy
/// domain's Organizational Domain), queues one DKIM-signed mail per destination in the outbox, then deletes that
/// day's results of the domain. Results older than ``DMARCReportSettings/keepDays`` go whatever happened.
struct DMARCReportJob: Service {
    /// What one run did, for tests and logs.
    struct Round: Sendable, Equatable {
        var reports = 0
        var mails = 0
        var refusedDestinations = 0
        var tooLarge = 0
        var failures = 0
    }

    let results: any DMARCResultStore
    let outbox: any KeyServerStore
    let builder: DMARCReportBuilder
    let authorization: ReportDestinationAuthorization
    let signer: MilterSigners.Rotation
    let settings: DMARCReportSettings
    let logger: Logger
    let now: @Sendable () -> Date

    func run() async throws {
        await DailySchedule.run(hour: settings.sendHour ?? DMARCReportSettings.defaultSendHour, now: now) { await sendDue() }
    }

    /// The next time reports go out: today's send hour, or tomorrow's once it has passed.
    func nextRun(after time: Date) -> Date {
        DailySchedule.nextRun(after: time, hour: settings.sendHour ?? DMARCReportSettings.defaultSendHour)
    }

    /// Every report due at this moment: days before today, within ``DMARCReportSettings/keepDays``.
    @discardableResult
    func sendDue() async -> Round {
        var round = Round()
        let time = now()
        let today = DMARCReportBuilder.day(containing: time).start
        let keep = TimeInterval(max(settings.keepDays ?? DMARCReportSettings.defaultKeepDays, 1)) * 86_400
        var day = today.addingTimeInterval(-keep)
        while day < today {
            do {
                for domain in try await results.dmarcPolicyDomains(from: day, to: day.addingTimeInterval(86_400)) {
                    await send(policyDomain: domain, dayStart: day, at: time, round: &round)
                }
            } catch {
                round.failures += 1
                logger.error("DMARC results could not be read", metadata: ["error": "\(error)"])
            }
            day = day.addingTimeInterval(86_400)
        }
        do {
            try await results.deleteDMARCResults(policyDomain: nil, before: today.addingTimeInterval(-keep))
        } catch {
            round.failures += 1
            logger.error("old DMARC results could not be deleted", metadata: ["error": "\(error)"])
        }
        return round
    }

    /// One report: claim, build, check destinations, queue, delete the results it covered.
    func send(policyDomain: String, dayStart: Date, at time: Date, round: inout Round) async {
        let metadata: Logger.Metadata = ["policyDomain": "\(policyDomain)", "day": "\(Int64(dayStart.timeIntervalSince1970))"]
        do {
            guard try await results.claimDMARCReport(policyDomain: policyDomain, begin: dayStart, at: time) else { return }
            guard let (report, snapshot) = try await builder.report(policyDomain: policyDomain, dayStart: dayStart) else { return }
            round.reports += 1
            let record = DMARCRecord(parsing: snapshot.record)
            var mails: [OutgoingMailRecord] = []
            let mail = try DMARCReportMail(report: report, submitter: settings.submitter)
            for verdict in await authorization.check(record?.aggregateReportURIs ?? [], policyDomain: snapshot.policyDomain,
                                                     organizationalDomain: snapshot.organizationalDomain) {
                let uris: [ReportURI]
                switch verdict {
                case .sameOrganization(let uri): uris = [uri]
                case .authorized(let confirmed): uris = confirmed
                case .refused(let reason), .temporaryFailure(let reason):
                    round.refusedDestinations += 1
                    logger.notice("a DMARC report destination was not used", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                    continue
                }
                for uri in uris {
                    guard let queued = try queue(mail, to: uri, at: time, metadata: metadata, round: &round) else { continue }
                    mails.append(queued)
                }
            }
            if !mails.isEmpty {
                var change = KeyServerChange()
                change.mail = mails
                try await outbox.commit(change)
                round.mails += mails.count
            }
            try await results.deleteDMARCResults(policyDomain: policyDomain, before: dayStart.addingTimeInterval(86_400))
            logger.info("DMARC aggregate report queued", metadata: metadata.merging(["mails": "\(mails.count)"]) { $1 })
        } catch {
            round.failures += 1
            logger.error("a DMARC aggregate report could not be sent", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    /// The outbox row for one `mailto:` destination, or nil when the URI is not `mailto:` or the mail is larger than
    /// its `!size` (RFC 7489 §6.2, kept by many) or ``DMARCReportSettings/maxReportSize``.
    private func queue(_ mail: DMARCReportMail, to uri: ReportURI, at time: Date, metadata: Logger.Metadata,
                       round: inout Round) throws -> OutgoingMailRecord? {
        guard uri.scheme == "mailto" else {
            round.refusedDestinations += 1
            logger.notice("a DMARC report destination has a scheme other than mailto", metadata: metadata)
            return nil
        }
        let recipient = String(uri.uri.dropFirst("mailto:".count).prefix { $0 != "?" }).removingPercentEncoding ?? ""
        let message = try mail.message(from: settings.from, to: recipient, date: time, signer: signer.signer(at: time))
        let limit = min(UInt64(settings.maxReportSize ?? DMARCReportSettings.defaultMaxReportSize), uri.obsoleteSizeLimit ?? .max)
        guard UInt64(message.count) <= limit else {
            round.tooLarge += 1
            logger.warning("a DMARC report is larger than its destination accepts", metadata: metadata.merging(["octets": "\(message.count)", "limit": "\(limit)"]) { $1 })
            return nil
        }
        return PreparedMail.record(recipient: recipient, subject: mail.subject, message: message, createdAt: time)
    }
}
