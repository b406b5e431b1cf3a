public import Foundation
import PostgresNIO

extension PostgresStore: ReportStore {
    public func insertTLSRPTReport(_ report: TLSRPTReportRecord) async throws(StoreError) -> Bool {
        let day = ReportDay.of(report.begin)
        let logger = logger
        return try await transaction("report \(report.reportID)") { connection in
            guard let reportRowID = try await Self.insertReport(report.identity, on: connection, logger: logger) else {
                return false
            }
            for policy in report.policies {
                let policyRowID = try await connection.rows("""
                    INSERT INTO tlsrpt_policy (report_row_id, domain, day, type, strings, mx_hosts, successful, failed)
                    VALUES (\(reportRowID), \(policy.domain), \(day), \(policy.type), \(policy.strings), \(policy.mxHosts),
                        \(policy.successful), \(policy.failed))
                    RETURNING id
                    """, logger: logger) { try $0.decode(Int64.self) }[0]
                for failure in policy.failures {
                    try await connection.run("""
                        INSERT INTO tlsrpt_failure (policy_row_id, domain, day, result_type, sending_mta_ip, receiving_mx, receiving_ip, sessions)
                        VALUES (\(policyRowID), \(policy.domain), \(day), \(failure.resultType), \(failure.sendingMTAIP),
                            \(failure.receivingMX), \(failure.receivingIP), \(failure.sessions))
                        """, logger: logger)
                }
            }
            return true
        }
    }

    public func insertDMARCReport(_ report: DMARCReportRecord) async throws(StoreError) -> Bool {
        let day = ReportDay.of(report.begin)
        let logger = logger
        return try await transaction("report \(report.reportID)") { connection in
            guard let reportRowID = try await Self.insertReport(report.identity, on: connection, logger: logger) else { return false }
            for row in report.rows {
                try await connection.run("""
                    INSERT INTO dmarc_report_row (report_row_id, domain, day, source_ip, count, disposition, dkim_aligned, spf_aligned, header_from)
                    VALUES (\(reportRowID), \(report.domain), \(day), \(row.sourceIP), \(row.count), \(row.disposition), \(row.dkimAligned),
                        \(row.spfAligned), \(row.headerFrom))
                    """, logger: logger)
            }
            return true
        }
    }

    /// Inserts the report's row; its id, or nil when the organization's report-id is stored already (a duplicate).
    private static func insertReport(_ report: ReportIdentity, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        try await connection.rows("""
            INSERT INTO report (kind, organization, report_id, contact_info, begin_at, end_at, received_at, channel, dkim, dkim_domain,
                raw, raw_format)
            VALUES (\(report.kind), \(report.organization), \(report.reportID), \(report.contactInfo), \(report.begin), \(report.end),
                \(report.receivedAt), \(report.channel), \(report.dkim), \(report.dkimDomain), \(ByteBuffer(bytes: report.raw)),
                \(report.rawFormat))
            ON CONFLICT (kind, organization, report_id) DO NOTHING RETURNING id
            """, logger: logger) { try $0.decode(Int64.self) }.first
    }

    public func tlsrptSummary(domain: String, from: String, to: String) async throws(StoreError) -> TLSRPTSummary {
        let days = try await rows("""
            SELECT day, sum(successful)::bigint, sum(failed)::bigint FROM tlsrpt_policy
            WHERE domain = \(domain) AND day BETWEEN \(from) AND \(to) GROUP BY day ORDER BY day
            """) { row in
            let (day, successful, failed) = try row.decode((String, Int, Int).self)
            return TLSRPTSummary.Day(day: day, successful: successful, failed: failed)
        }
        let policies = try await rows("""
            SELECT r.organization, p.type, p.strings, sum(p.successful)::bigint, sum(p.failed)::bigint
            FROM tlsrpt_policy p JOIN report r ON r.id = p.report_row_id
            WHERE p.domain = \(domain) AND p.day BETWEEN \(from) AND \(to)
            GROUP BY r.organization, p.type, p.strings ORDER BY r.organization COLLATE "C", p.type COLLATE "C"
            """) { row in
            let (organization, type, strings, successful, failed) = try row.decode((String, String, [String], Int, Int).self)
            return TLSRPTSummary.PolicySeen(organization: organization, type: type, strings: strings, successful: successful, failed: failed)
        }
        let reports = try await rows("""
            SELECT r.id, r.organization, r.report_id, r.begin_at, r.end_at, r.channel, r.dkim, sum(p.successful)::bigint, sum(p.failed)::bigint
            FROM report r JOIN tlsrpt_policy p ON p.report_row_id = r.id
            WHERE p.domain = \(domain) AND p.day BETWEEN \(from) AND \(to) GROUP BY r.id ORDER BY r.begin_at, r.id
            """) { row in
            let (id, organization, reportID, begin, end, channel, dkim, successful, failed)
                = try row.decode((Int64, String, String, Date, Date, String, String?, Int, Int).self)
            return TLSRPTSummary.Listing(id: id, organization: organization, reportID: reportID, begin: begin, end: end, channel: channel,
                                         dkim: dkim, successful: successful, failed: failed)
        }
        return TLSRPTSummary(days: days, resultTypes: try await failureCounts("result_type", domain: domain, from: from, to: to),
                             sendingMTAs: try await failureCounts("sending_mta_ip", domain: domain, from: from, to: to),
                             receivingMXs: try await failureCounts("receiving_mx", domain: domain, from: from, to: to),
                             policies: policies, reports: reports)
    }

    /// Failed sessions of `domain` by one column of the failure details (`unknown` where the report named none), most
    /// first, ties in byte order as SQLite sorts.
    private func failureCounts(_ column: String, domain: String, from: String, to: String) async throws(StoreError) -> [TLSRPTSummary.Count] {
        try await rows("""
            SELECT coalesce(\(unescaped: column), 'unknown') COLLATE "C" AS value, sum(sessions)::bigint AS total FROM tlsrpt_failure
            WHERE domain = \(domain) AND day BETWEEN \(from) AND \(to) GROUP BY value ORDER BY total DESC, value
            """) { row in
            let (value, sessions) = try row.decode((String, Int).self)
            return TLSRPTSummary.Count(value: value, sessions: sessions)
        }
    }

    public func dmarcSummary(domain: String, from: String, to: String) async throws(StoreError) -> DMARCSummary {
        let busiest = "passed + failed DESC, value"
        return DMARCSummary(sources: try await dmarcTally("d.source_ip", order: busiest, domain: domain, from: from, to: to),
                            senders: try await dmarcTally("d.header_from", order: busiest, domain: domain, from: from, to: to),
                            reporters: try await dmarcTally("r.organization", order: busiest, domain: domain, from: from, to: to),
                            days: try await dmarcTally("d.day", order: "value", domain: domain, from: from, to: to))
    }

    /// Messages of `domain` that passed (DKIM or SPF aligned) and failed, grouped by one column (in byte order, as SQLite
    /// compares), sorted by `order` over `value`, `passed` and `failed`.
    private func dmarcTally(_ column: String, order: String, domain: String, from: String, to: String) async throws(StoreError) -> [DMARCSummary.Tally] {
        try await rows("""
            SELECT value, passed, failed FROM (
                SELECT \(unescaped: column) COLLATE "C" AS value,
                       sum(CASE WHEN d.dkim_aligned OR d.spf_aligned THEN d.count ELSE 0 END)::bigint AS passed,
                       sum(CASE WHEN d.dkim_aligned OR d.spf_aligned THEN 0 ELSE d.count END)::bigint AS failed
                FROM dmarc_report_row d JOIN report r ON r.id = d.report_row_id
                WHERE d.domain = \(domain) AND d.day BETWEEN \(from) AND \(to) GROUP BY 1) tally
            ORDER BY \(unescaped: order)
            """) { row in
            let (value, passed, failed) = try row.decode((String, Int, Int).self)
            return DMARCSummary.Tally(value: value, passed: passed, failed: failed)
        }
    }

    public func storedReport(id: Int64, domain: String) async throws(StoreError) -> StoredReport? {
        try await rows("""
            SELECT r.id, r.kind, r.organization, r.report_id, r.raw, r.raw_format FROM report r
            WHERE r.id = \(id) AND (EXISTS (SELECT 1 FROM tlsrpt_policy p WHERE p.report_row_id = r.id AND p.domain = \(domain))
                                   OR EXISTS (SELECT 1 FROM dmarc_report_row d WHERE d.report_row_id = r.id AND d.domain = \(domain)))
            """) { row in
            let (id, kind, organization, reportID, raw, rawFormat) = try row.decode((Int64, String, String, String, Data, String).self)
            return StoredReport(id: id, kind: kind, organization: organization, reportID: reportID, raw: [UInt8](raw), rawFormat: rawFormat)
        }.first
    }

    public func reportCounts() async throws(StoreError) -> [String: [String: Int]] {
        let counted = try await rows("""
            SELECT domain, 'tlsrpt', count(DISTINCT report_row_id)::bigint FROM tlsrpt_policy GROUP BY domain
            UNION ALL
            SELECT domain, 'dmarc', count(DISTINCT report_row_id)::bigint FROM dmarc_report_row GROUP BY domain
            """) { try $0.decode((String, String, Int).self) }
        var counts: [String: [String: Int]] = [:]
        for (domain, kind, reports) in counted { counts[domain, default: [:]][kind] = reports }
        return counts
    }
}
