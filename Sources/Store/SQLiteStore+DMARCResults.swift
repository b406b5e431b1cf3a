public import Foundation
import GRDB

extension SQLiteStore: DMARCResultStore {
    /// The milter's evaluated messages, for DMARC aggregate reports (RFC 9990), and the reports taken for sending.
    static func createDMARCResultTables(_ db: Database) throws {
        try db.create(table: "dmarc_result") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("receivedAt", .datetime).notNull()
            t.column("policyDomain", .text).notNull()
            t.column("organizationalDomain", .text).notNull()
            t.column("policyRecord", .text).notNull()
            t.column("discoveryMethod", .text).notNull()
            t.column("sourceIP", .text).notNull()
            t.column("headerFrom", .text).notNull()
            t.column("envelopeFrom", .text).notNull()
            t.column("envelopeTo", .text)
            t.column("spfDomain", .text)
            t.column("spfScope", .text)
            t.column("spfResult", .text)
            // The signatures as JSON `[{"domain":…,"result":…,"selector":…}]` with sorted keys, so equal lists group.
            t.column("signatures", .text).notNull()
            t.column("dkimAligned", .boolean).notNull()
            t.column("spfAligned", .boolean).notNull()
            t.column("disposition", .text).notNull()
            t.column("overrideReason", .text)
            t.column("overrideComment", .text)
        }
        try db.create(index: "dmarc_result_by_domain", on: "dmarc_result", columns: ["policyDomain", "receivedAt"])
        try db.create(index: "dmarc_result_by_time", on: "dmarc_result", columns: ["receivedAt"])
        try db.create(table: "dmarc_report_claim") { t in
            t.column("policyDomain", .text).notNull()
            t.column("begin", .datetime).notNull()
            t.column("claimedAt", .datetime).notNull()
            t.primaryKey(["policyDomain", "begin"])
        }
    }

    private static let groupColumns = """
        sourceIP, headerFrom, envelopeFrom, envelopeTo, spfDomain, spfScope, spfResult, signatures, dkimAligned, spfAligned,
        disposition, overrideReason, overrideComment
        """

    public func recordDMARCResult(_ result: DMARCResultRecord) async throws(StoreError) {
        let signatures = DMARCSignatureRecord.encoded(result.key.signatures)
        try await write("DMARC result") { db in
            let key = result.key
            try db.execute(sql: """
                INSERT INTO dmarc_result (receivedAt, policyDomain, organizationalDomain, policyRecord, discoveryMethod, \(Self.groupColumns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [result.receivedAt, result.policy.policyDomain, result.policy.organizationalDomain, result.policy.record,
                                 result.policy.discoveryMethod, key.sourceIP, key.headerFrom, key.envelopeFrom, key.envelopeTo,
                                 key.spfDomain, key.spfScope, key.spfResult, signatures, key.dkimAligned, key.spfAligned,
                                 key.disposition, key.overrideReason, key.overrideComment])
        }
    }

    public func dmarcPolicyDomains(from start: Date, to end: Date) async throws(StoreError) -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT policyDomain FROM dmarc_result WHERE receivedAt >= ? AND receivedAt < ? ORDER BY policyDomain",
                                arguments: [start, end])
        }
    }

    public func dmarcReportRows(policyDomain: String, from start: Date, to end: Date) async throws(StoreError) -> [DMARCResultCount] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.groupColumns), COUNT(*) AS count, MIN(id) AS first FROM dmarc_result
                WHERE policyDomain = ? AND receivedAt >= ? AND receivedAt < ?
                GROUP BY \(Self.groupColumns) ORDER BY first
                """, arguments: [policyDomain, start, end]).map(Self.reportRow)
        }
    }

    private static func reportRow(_ row: Row) -> DMARCResultCount {
        DMARCResultCount(key: DMARCResultKey(sourceIP: row["sourceIP"], headerFrom: row["headerFrom"], envelopeFrom: row["envelopeFrom"],
                                           envelopeTo: row["envelopeTo"], spfDomain: row["spfDomain"], spfScope: row["spfScope"],
                                           spfResult: row["spfResult"], signatures: DMARCSignatureRecord.decoded(row["signatures"]),
                                           dkimAligned: row["dkimAligned"], spfAligned: row["spfAligned"], disposition: row["disposition"],
                                           overrideReason: row["overrideReason"], overrideComment: row["overrideComment"]),
                           count: row["count"])
    }

    public func dmarcLatestPolicy(policyDomain: String, from start: Date, to end: Date) async throws(StoreError) -> DMARCPolicySnapshot? {
        try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT policyDomain, organizationalDomain, policyRecord, discoveryMethod FROM dmarc_result
                WHERE policyDomain = ? AND receivedAt >= ? AND receivedAt < ? ORDER BY receivedAt DESC, id DESC LIMIT 1
                """, arguments: [policyDomain, start, end]).map { row in
                DMARCPolicySnapshot(policyDomain: row["policyDomain"], organizationalDomain: row["organizationalDomain"],
                                    record: row["policyRecord"], discoveryMethod: row["discoveryMethod"])
            }
        }
    }

    public func claimDMARCReport(policyDomain: String, begin: Date, at time: Date) async throws(StoreError) -> Bool {
        try await write("DMARC report claim") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO dmarc_report_claim (policyDomain, begin, claimedAt) VALUES (?, ?, ?)",
                           arguments: [policyDomain, begin, time])
            return db.changesCount == 1
        }
    }

    @discardableResult
    public func deleteDMARCResults(policyDomain: String?, before time: Date) async throws(StoreError) -> Int {
        try await write("DMARC results") { db in
            if let policyDomain {
                try db.execute(sql: "DELETE FROM dmarc_result WHERE policyDomain = ? AND receivedAt < ?", arguments: [policyDomain, time])
            } else {
                try db.execute(sql: "DELETE FROM dmarc_result WHERE receivedAt < ?", arguments: [time])
            }
            let deleted = db.changesCount
            // Claims outlive their results by a week, so a late second server does not send a report again.
            try db.execute(sql: "DELETE FROM dmarc_report_claim WHERE begin < ?", arguments: [time.addingTimeInterval(-7 * 86_400)])
            return deleted
        }
    }
}

extension DMARCSignatureRecord {
    /// The signatures as stored: JSON `[{"domain":…,"result":…,"selector":…}]` with sorted keys, so equal lists group.
    static func encoded(_ signatures: [DMARCSignatureRecord]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(signatures)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func decoded(_ text: String) -> [DMARCSignatureRecord] {
        (try? JSONDecoder().decode([DMARCSignatureRecord].self, from: Data(text.utf8))) ?? []
    }
}
