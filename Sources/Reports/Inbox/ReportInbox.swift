public import DKIM
public import Foundation
public import Logging
public import Store
import DMARC
import TLSRPT

/// The report inbox: takes a mailed report (from the LMTP listener) or an uploaded one (from the HTTPS endpoint),
/// reads it with the `TLSRPT` library, checks a mail's DKIM signatures, keeps the policies about the domains it accepts
/// reports for, and stores it once per organization and report-id.
public struct ReportInbox: Sendable {
    /// The media types of an HTTPS upload (RFC 8460 §5.3, §6.5).
    public static let gzipMediaType = "application/tlsrpt+gzip"
    public static let jsonMediaType = "application/tlsrpt+json"

    let store: any ReportStore
    /// Lower case, without a final dot.
    let domains: Set<String>
    let verifier: DKIMVerifier
    let logger: Logger
    let now: @Sendable () -> Date
    let onOutcome: @Sendable (InboxOutcome) -> Void

    /// - Parameters:
    ///   - domains: the policy domains whose reports are kept.
    ///   - onOutcome: told of every outcome (for metrics).
    public init(store: any ReportStore, domains: [String], verifier: DKIMVerifier, logger: Logger,
                now: @escaping @Sendable () -> Date = Date.init, onOutcome: @escaping @Sendable (InboxOutcome) -> Void = { _ in }) {
        self.store = store
        self.domains = Set(domains.map(Self.normalized))
        self.verifier = verifier
        self.logger = logger
        self.now = now
        self.onOutcome = onOutcome
    }

    /// A report that arrived by mail (RFC 8460 §5.3): the whole message as delivered.
    public func receive(mail: [UInt8]) async -> InboxOutcome {
        let outcome: InboxOutcome
        switch MailedReport.kind(of: mail) {
        case .tlsrpt:
            do {
                let parsed = try Report.parse(mail: mail)
                let dkim = await ReportDKIM.check(mail, verifier: verifier)
                outcome = await store(parsed.report, raw: mail, rawFormat: "mail", channel: "mail", dkim: dkim)
            } catch {
                outcome = Self.refusal(.tlsrpt, error)
            }
        case .dmarc:
            outcome = await storeDMARC(mail)
        case .unknown(let why):
            outcome = .rejected(.unknown, .malformed, why)
        }
        return finish(outcome)
    }

    /// A report uploaded by HTTPS POST (RFC 8460 §5.3): the body and its `Content-Type`.
    public func receive(upload body: [UInt8], contentType: String?) async -> InboxOutcome {
        let mediaType = contentType.map { ($0.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces).lowercased() }
        let outcome: InboxOutcome
        do {
            let json: [UInt8]
            switch mediaType {
            case Self.gzipMediaType:
                var inflater = BoundedInflater()
                json = try inflater.inflate(body)
            case Self.jsonMediaType:
                json = body
            default:
                return finish(.rejected(.tlsrpt, .unsupportedMediaType,
                                        "the Content-Type must be \(Self.gzipMediaType) or \(Self.jsonMediaType) (RFC 8460 §5.3)"))
            }
            outcome = await store(try Report.parse(json: json).report, raw: json, rawFormat: "json", channel: "https", dkim: nil)
        } catch {
            outcome = Self.refusal(.tlsrpt, error)
        }
        return finish(outcome)
    }

    private func store(_ report: Report, raw: [UInt8], rawFormat: String, channel: String, dkim: ReportDKIM?) async -> InboxOutcome {
        let policies = report.policies.filter { domains.contains(Self.normalized($0.policy.domain)) }.map { entry in
            TLSRPTPolicyRecord(domain: Self.normalized(entry.policy.domain), type: entry.policy.kind.rawValue, strings: entry.policy.strings,
                               mxHosts: entry.policy.mxHosts, successful: entry.successfulSessionCount, failed: entry.failedSessionCount,
                               failures: entry.failureDetails.map { detail in
                                   TLSRPTFailureRecord(resultType: detail.resultType.rawValue, sendingMTAIP: detail.sendingMTAIP,
                                                       receivingMX: detail.receivingMXHostname.map(Self.normalized),
                                                       receivingIP: detail.receivingIP, sessions: detail.failedSessionCount)
                               })
        }
        guard !policies.isEmpty else {
            return .rejected(.tlsrpt, .notOurDomain, "the report is about no domain this inbox accepts reports for")
        }
        let record = TLSRPTReportRecord(organization: report.organizationName, reportID: report.reportID, contactInfo: report.contactInfo,
                                        begin: report.start.date, end: report.end.date, receivedAt: now(), channel: channel,
                                        dkim: dkim?.result, dkimDomain: dkim?.domain, raw: raw, rawFormat: rawFormat, policies: policies)
        do {
            let inserted = try await store.insertTLSRPTReport(record)
            return InboxOutcome(kind: .tlsrpt, result: inserted ? .stored(dkim: dkim?.result) : .duplicate)
        } catch {
            logger.error("report not stored", metadata: ["reason": "\(error.reason)"])
            return InboxOutcome(kind: .tlsrpt, result: .unavailable)
        }
    }

    private func storeDMARC(_ mail: [UInt8]) async -> InboxOutcome {
        let report: AggregateReport
        do {
            report = try AggregateReport(xml: MailedReport.dmarcDocument(mail, limit: AggregateReport.maximumXMLSize))
        } catch let error as ReportsError {
            return .rejected(.dmarc, error.code == .tooLarge ? .tooLarge : .malformed, error.reason)
        } catch let error as AggregateReportError {
            return .rejected(.dmarc, error.code == .limitExceeded ? .tooLarge : .malformed, error.reason)
        } catch {
            return .rejected(.dmarc, .malformed, "\(error)")
        }
        let domain = Self.normalized(report.policy.domain)
        guard domains.contains(domain) else {
            return .rejected(.dmarc, .notOurDomain, "the report is about no domain this inbox accepts reports for")
        }
        let dkim = await ReportDKIM.check(mail, verifier: verifier)
        let rows = report.records.map { record in
            DMARCReportRow(sourceIP: record.sourceIP, count: record.count, disposition: record.evaluated.disposition.rawValue,
                           dkimAligned: record.evaluated.dkimAligned, spfAligned: record.evaluated.spfAligned,
                           headerFrom: Self.normalized(record.identifiers.headerFrom))
        }
        let record = DMARCReportRecord(organization: report.metadata.orgName, reportID: report.metadata.reportID,
                                       contactInfo: report.metadata.email, begin: Date(timeIntervalSince1970: Double(report.metadata.begin)),
                                       end: Date(timeIntervalSince1970: Double(report.metadata.end)), receivedAt: now(), domain: domain,
                                       dkim: dkim.result, dkimDomain: dkim.domain, raw: mail, rows: rows)
        do {
            let inserted = try await store.insertDMARCReport(record)
            return InboxOutcome(kind: .dmarc, result: inserted ? .stored(dkim: dkim.result) : .duplicate)
        } catch {
            logger.error("report not stored", metadata: ["reason": "\(error.reason)"])
            return InboxOutcome(kind: .dmarc, result: .unavailable)
        }
    }

    private func finish(_ outcome: InboxOutcome) -> InboxOutcome {
        logger.debug("report received", metadata: ["kind": "\(outcome.kind.rawValue)", "result": "\(outcome.resultLabel)"])
        onOutcome(outcome)
        return outcome
    }

    private static func refusal(_ kind: InboxOutcome.Kind, _ error: TLSRPTError) -> InboxOutcome {
        let tooLarge: Set<TLSRPTError.Code> = [.tooLarge, .inflateLimitExceeded]
        return .rejected(kind, tooLarge.contains(error.code) ? .tooLarge : .malformed, error.reason)
    }

    /// Lower case without a final dot.
    static func normalized(_ domain: String) -> String {
        let lower = domain.lowercased()
        return lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }
}
