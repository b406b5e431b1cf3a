import Foundation
import GRDB

extension SQLiteStore: ReportStore {
    /// Received TLSRPT and DMARC aggregate reports (migration `v6-reports`): one row per report, unique per kind,
    /// organization and report-id; TLSRPT policies and failure details in rows of their own, each with the report's
    /// domain and day so summaries are one indexed GROUP BY.
    static func createReportTables(_ db: Database) throws {
        try db.create(table: "report") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("kind", .text).notNull()
            t.column("organization", .text).notNull()
            t.column("reportID", .text).notNull()
            t.column("contactInfo", .text).notNull()
            t.column("beginAt", .datetime).notNull()
            t.column("endAt", .datetime).notNull()
            t.column("receivedAt", .datetime).notNull()
            t.column("channel", .text).notNull()
            t.column("dkim", .text)
            t.column("dkimDomain", .text)
            t.column("raw", .blob).notNull()
            t.column("rawFormat", .text).notNull()
            t.uniqueKey(["kind", "organization", "reportID"])
        }
        try db.create(table: "tlsrpt_policy") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("reportRowID", .integer).notNull().references("report", onDelete: .cascade)
            t.column("domain", .text).notNull()
            t.column("day", .text).notNull()
            t.column("type", .text).notNull()
            t.column("strings", .text).notNull()
            t.column("mxHosts", .text).notNull()
            t.column("successful", .integer).notNull()
            t.column("failed", .integer).notNull()
        }
        try db.create(index: "tlsrpt_policy_by_domain_day", on: "tlsrpt_policy", columns: ["domain", "day"])
        try db.create(index: "tlsrpt_policy_by_report", on: "tlsrpt_policy", columns: ["reportRowID"])
        try db.create(table: "tlsrpt_failure") { t in
            t.column("policyRowID", .integer).notNull().references("tlsrpt_policy", onDelete: .cascade)
            t.column("domain", .text).notNull()
            t.column("day", .text).notNull()
            t.column("resultType", .text).notNull()
            t.column("sendingMTAIP", .text)
            t.column("receivingMX", .text)
            t.column("receivingIP", .text)
            t.column("sessions", .integer).notNull()
        }
        try db.create(index: "tlsrpt_failure_by_domain_day", on: "tlsrpt_failure", columns: ["domain", "day"])
        try db.create(table: "dmarc_report_row") { t in
            t.column("reportRowID", .integer).notNull().references("report", onDelete: .cascade)
            t.column("domain", .text).notNull()
            t.column("day", .text).notNull()
            t.column("sourceIP", .text).notNull()
            t.column("count", .integer).notNull()
            t.column("disposition", .text).notNull()
            t.column("dkimAligned", .boolean).notNull()
            t.column("spfAligned", .boolean).notNull()
            t.column("headerFrom", .text).notNull()
        }
        try db.create(index: "dmarc_report_row_by_domain_day", on: "dmarc_report_row", columns: ["domain", "day"])
        try db.create(index: "dmarc_report_row_by_report", on: "dmarc_report_row", columns: ["reportRowID"])
    }

    public func insertDMARCReport(_ report: DMARCReportRecord) async throws(StoreError) -> Bool {
        let day = ReportDay.of(report.begin)
        return try await write("report \(report.reportID)") { db in
            guard let reportRowID = try Self.insertReport(report.identity, db) else { return false }
            for row in report.rows {
                try db.execute(sql: """
                    INSERT INTO dmarc_report_row (reportRowID, domain, day, sourceIP, count, disposition, dkimAligned, spfAligned, headerFrom)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [reportRowID, report.domain, day, row.sourceIP, row.count, row.disposition, row.dkimAligned,
                                     row.spfAligned, row.headerFrom])
            }
            return true
        }
    }

    public func dmarcSummary(domain: String, from: String, to: String) async throws(StoreError) -> DMARCSummary {
        try await read { db in
            func tally(_ column: String, order: String) throws -> [DMARCSummary.Tally] {
                try Row.fetchAll(db, sql: """
                    SELECT \(column) AS value,
                           SUM(CASE WHEN d.dkimAligned OR d.spfAligned THEN d.count ELSE 0 END) AS passed,
                           SUM(CASE WHEN d.dkimAligned OR d.spfAligned THEN 0 ELSE d.count END) AS failed
                    FROM dmarc_report_row d JOIN report r ON r.id = d.reportRowID
                    WHERE d.domain = ? AND d.day BETWEEN ? AND ? GROUP BY value ORDER BY \(order)
                    """, arguments: [domain, from, to]).map { DMARCSummary.Tally(value: $0["value"], passed: $0["passed"], failed: $0["failed"]) }
            }
            return DMARCSummary(sources: try tally("d.sourceIP", order: "passed + failed DESC, value"),
                                senders: try tally("d.headerFrom", order: "passed + failed DESC, value"),
                                reporters: try tally("r.organization", order: "passed + failed DESC, value"),
                                days: try tally("d.day", order: "value"))
        }
    }

    public func insertTLSRPTReport(_ report: TLSRPTReportRecord) async throws(StoreError) -> Bool {
        let day = ReportDay.of(report.begin)
        return try await write("report \(report.reportID)") { db in
            guard let reportRowID = try Self.insertReport(report.identity, db) else { return false }
            for policy in report.policies {
                try db.execute(sql: """
                    INSERT INTO tlsrpt_policy (reportRowID, domain, day, type, strings, mxHosts, successful, failed)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [reportRowID, policy.domain, day, policy.type, try Self.jsonList(policy.strings),
                                     try Self.jsonList(policy.mxHosts), policy.successful, policy.failed])
                let policyRowID = db.lastInsertedRowID
                for failure in policy.failures {
                    try db.execute(sql: """
                        INSERT INTO tlsrpt_failure (policyRowID, domain, day, resultType, sendingMTAIP, receivingMX, receivingIP, sessions)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [policyRowID, policy.domain, day, failure.resultType, failure.sendingMTAIP, failure.receivingMX,
                                         failure.receivingIP, failure.sessions])
                }
            }
            return true
        }
    }

    public func tlsrptSummary(domain: String, from: String, to: String) async throws(StoreError) -> TLSRPTSummary {
        try await read { db in
            let range: StatementArguments = [domain, from, to]
            let days = try Row.fetchAll(db, sql: """
                SELECT day, SUM(successful) AS successful, SUM(failed) AS failed FROM tlsrpt_policy
                WHERE domain = ? AND day BETWEEN ? AND ? GROUP BY day ORDER BY day
                """, arguments: range).map { TLSRPTSummary.Day(day: $0["day"], successful: $0["successful"], failed: $0["failed"]) }
            func counts(_ column: String) throws -> [TLSRPTSummary.Count] {
                try Row.fetchAll(db, sql: """
                    SELECT COALESCE(\(column), 'unknown') AS value, SUM(sessions) AS sessions FROM tlsrpt_failure
                    WHERE domain = ? AND day BETWEEN ? AND ? GROUP BY value ORDER BY sessions DESC, value
                    """, arguments: range).map { TLSRPTSummary.Count(value: $0["value"], sessions: $0["sessions"]) }
            }
            let policies = try Row.fetchAll(db, sql: """
                SELECT r.organization, p.type, p.strings, SUM(p.successful) AS successful, SUM(p.failed) AS failed
                FROM tlsrpt_policy p JOIN report r ON r.id = p.reportRowID
                WHERE p.domain = ? AND p.day BETWEEN ? AND ? GROUP BY r.organization, p.type, p.strings ORDER BY r.organization, p.type
                """, arguments: range).map { row in
                TLSRPTSummary.PolicySeen(organization: row["organization"], type: row["type"], strings: Self.list(row["strings"]),
                                         successful: row["successful"], failed: row["failed"])
            }
            let reports = try Row.fetchAll(db, sql: """
                SELECT r.id, r.organization, r.reportID, r.beginAt, r.endAt, r.channel, r.dkim,
                       SUM(p.successful) AS successful, SUM(p.failed) AS failed
                FROM report r JOIN tlsrpt_policy p ON p.reportRowID = r.id
                WHERE p.domain = ? AND p.day BETWEEN ? AND ? GROUP BY r.id ORDER BY r.beginAt, r.id
                """, arguments: range).map { row in
                TLSRPTSummary.Listing(id: row["id"], organization: row["organization"], reportID: row["reportID"], begin: row["beginAt"],
                                      end: row["endAt"], channel: row["channel"], dkim: row["dkim"], successful: row["successful"],
                                      failed: row["failed"])
            }
            return TLSRPTSummary(days: days, resultTypes: try counts("resultType"), sendingMTAs: try counts("sendingMTAIP"),
                                 receivingMXs: try counts("receivingMX"), policies: policies, reports: reports)
        }
    }

    public func storedReport(id: Int64, domain: String) async throws(StoreError) -> StoredReport? {
        try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT r.id, r.kind, r.organization, r.reportID, r.raw, r.rawFormat FROM report r
                WHERE r.id = ? AND (EXISTS (SELECT 1 FROM tlsrpt_policy p WHERE p.reportRowID = r.id AND p.domain = ?)
                                   OR EXISTS (SELECT 1 FROM dmarc_report_row d WHERE d.reportRowID = r.id AND d.domain = ?))
                """, arguments: [id, domain, domain]).map { row in
                StoredReport(id: row["id"], kind: row["kind"], organization: row["organization"], reportID: row["reportID"],
                             raw: [UInt8]((row["raw"] as Data?) ?? Data()), rawFormat: row["rawFormat"])
            }
        }
    }

    public func reportCounts() async throws(StoreError) -> [String: [String: Int]] {
        try await read { db in
            var counts: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT p.domain, COUNT(DISTINCT p.reportRowID) AS reports FROM tlsrpt_policy p GROUP BY p.domain
                """) {
                counts[row["domain"], default: [:]]["tlsrpt"] = row["reports"]
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT d.domain, COUNT(DISTINCT d.reportRowID) AS reports FROM dmarc_report_row d GROUP BY d.domain
                """) {
                counts[row["domain"], default: [:]]["dmarc"] = row["reports"]
            }
            return counts
        }
    }

    /// Inserts the report's row; its id, or nil when the organization's report-id is stored already (a duplicate).
    private static func insertReport(_ report: ReportIdentity, _ db: Database) throws -> Int64? {
        try db.execute(sql: """
            INSERT INTO report (kind, organization, reportID, contactInfo, beginAt, endAt, receivedAt, channel, dkim, dkimDomain, raw, rawFormat)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, organization, reportID) DO NOTHING
            """, arguments: [report.kind, report.organization, report.reportID, report.contactInfo, report.begin, report.end,
                             report.receivedAt, report.channel, report.dkim, report.dkimDomain, Data(report.raw), report.rawFormat])
        return db.changesCount == 1 ? db.lastInsertedRowID : nil
    }

    private static func jsonList(_ values: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
    }

    private static func list(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
