public import DMARC
public import Foundation
public import Store

/// Builds one day's aggregate report (RFC 9990) for one DMARC Policy Domain from the stored results.
public struct DMARCReportBuilder: Sendable {
    let store: any DMARCResultStore
    let orgName: String
    let email: String
    let submitter: String
    let contact: String?

    /// The `generator` written in each report (RFC 9990 §3.1.1.3).
    public static let generator = "Stockade \(StockadeApplication.version)"

    /// - Parameters:
    ///   - orgName: `org_name`; `email`: the contact address; `submitter`: the domain in each Report-ID;
    ///     `contact`: `extra_contact_info`.
    public init(store: any DMARCResultStore, orgName: String, email: String, submitter: String, contact: String? = nil) {
        self.store = store
        self.orgName = orgName
        self.email = email
        self.submitter = submitter
        self.contact = contact
    }

    public init(store: any DMARCResultStore, settings: DMARCReportSettings) {
        self.init(store: store, orgName: settings.orgName, email: settings.from, submitter: settings.submitter, contact: settings.contact)
    }

    /// The UTC day that contains `date`: its first second and the first second of the next day.
    public static func day(containing date: Date) -> (start: Date, end: Date) {
        let start = (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        return (Date(timeIntervalSince1970: start), Date(timeIntervalSince1970: start + 86_400))
    }

    /// The Report-ID (RFC 9990 §3.1.2.7): `<begin>.<policy domain>@<submitter>`, the same each time the report for
    /// that day and domain is built, so a re-sent report is recognized as a duplicate (§3.1.2.10).
    public func reportID(policyDomain: String, begin: Date) -> String {
        "\(Int64(begin.timeIntervalSince1970)).\(policyDomain)@\(submitter)"
    }

    /// The report about `policyDomain` for the UTC day starting at `dayStart`, with the policy seen last that day;
    /// nil when nothing was recorded. `date_range` runs from the first to the last second of the day.
    public func report(policyDomain: String, dayStart: Date) async throws(StoreError) -> (report: AggregateReport, policy: DMARCPolicySnapshot)? {
        let dayEnd = dayStart.addingTimeInterval(86_400)
        guard let snapshot = try await store.dmarcLatestPolicy(policyDomain: policyDomain, from: dayStart, to: dayEnd) else { return nil }
        let rows = try await store.dmarcReportRows(policyDomain: policyDomain, from: dayStart, to: dayEnd)
        guard !rows.isEmpty else { return nil }
        let begin = Int64(dayStart.timeIntervalSince1970)
        let metadata = AggregateReport.Metadata(orgName: orgName, email: email, extraContactInfo: contact,
                                                reportID: reportID(policyDomain: policyDomain, begin: dayStart), begin: begin,
                                                end: begin + 86_399, generator: Self.generator)
        let report = AggregateReport(metadata: metadata, policy: Self.published(snapshot), records: rows.map(Self.record))
        return (report, snapshot)
    }

    /// `policy_published` from the record text; tags not published have their defaults (RFC 9990 §3.1.1.5), `sp` and
    /// `np` are written only when published. An invalid or missing `p` is `none` (RFC 9989 §4.10.1, §4.7).
    static func published(_ snapshot: DMARCPolicySnapshot) -> AggregateReport.PolicyPublished {
        let record = DMARCRecord(parsing: snapshot.record)
        let invalid = record?.hasInvalidPolicy ?? false
        return .init(domain: snapshot.policyDomain,
                     discoveryMethod: AggregateReport.PolicyPublished.DiscoveryMethod(rawValue: snapshot.discoveryMethod),
                     p: invalid ? .none : record?.policy ?? .none,
                     sp: invalid ? nil : record?.subdomainPolicy, np: invalid ? nil : record?.nonExistentSubdomainPolicy,
                     fo: (record?.failureReportingOptions ?? [.allFail]).map(\.rawValue).joined(separator: ":"),
                     adkim: record?.dkimAlignment ?? .relaxed, aspf: record?.spfAlignment ?? .relaxed, testing: record?.testing ?? false)
    }

    /// One `record`: signatures that pass first, then the others, each group in message order (RFC 9990 §3.1.3).
    static func record(_ row: DMARCResultCount) -> AggregateReport.Record {
        let key = row.key
        let signatures = key.signatures.map { signature in
            AggregateReport.DKIMResult(domain: signature.domain, selector: signature.selector,
                                       result: DKIMOutcome.Result(rawValue: signature.result) ?? .permerror)
        }
        let ordered = signatures.filter { $0.result == .pass } + signatures.filter { $0.result != .pass }
        let spf = key.spfDomain.map { domain in
            AggregateReport.SPFResult(domain: domain, scope: key.spfScope.flatMap(AggregateReport.SPFResult.Scope.init(rawValue:)),
                                      result: key.spfResult.flatMap(AggregateReport.SPFResult.Result.init(rawValue:)) ?? .none)
        }
        let reasons = key.overrideReason.flatMap(AggregateReport.OverrideReason.Kind.init(rawValue:)).map {
            [AggregateReport.OverrideReason($0, comment: key.overrideComment)]
        } ?? []
        return .init(sourceIP: key.sourceIP, count: row.count,
                     evaluated: .init(disposition: AggregateReport.PolicyEvaluated.Disposition(rawValue: key.disposition) ?? .none,
                                      dkimAligned: key.dkimAligned, spfAligned: key.spfAligned, reasons: reasons),
                     identifiers: .init(headerFrom: key.headerFrom, envelopeFrom: key.envelopeFrom, envelopeTo: key.envelopeTo),
                     dkim: ordered, spf: spf)
    }
}
