public import Foundation
import PostgresNIO

extension PostgresStore: DMARCResultStore {
    private static let groupColumns = """
        source_ip, header_from, envelope_from, envelope_to, spf_domain, spf_scope, spf_result, signatures, dkim_aligned,
        spf_aligned, disposition, override_reason, override_comment
        """

    public func recordDMARCResult(_ result: DMARCResultRecord) async throws(StoreError) {
        let key = result.key
        let policy = result.policy
        try await execute("""
            INSERT INTO dmarc_result (received_at, policy_domain, organizational_domain, policy_record, discovery_method,
                \(unescaped: Self.groupColumns))
            VALUES (\(result.receivedAt), \(policy.policyDomain), \(policy.organizationalDomain), \(policy.record), \(policy.discoveryMethod),
                \(key.sourceIP), \(key.headerFrom), \(key.envelopeFrom), \(key.envelopeTo), \(key.spfDomain), \(key.spfScope),
                \(key.spfResult), \(DMARCSignatureRecord.encoded(key.signatures)), \(key.dkimAligned), \(key.spfAligned),
                \(key.disposition), \(key.overrideReason), \(key.overrideComment))
            """, what: "DMARC result")
    }

    public func dmarcPolicyDomains(from start: Date, to end: Date) async throws(StoreError) -> [String] {
        try await rows("""
            SELECT DISTINCT policy_domain FROM dmarc_result WHERE received_at >= \(start) AND received_at < \(end) ORDER BY policy_domain
            """) { try $0.decode(String.self) }
    }

    public func dmarcReportRows(policyDomain: String, from start: Date, to end: Date) async throws(StoreError) -> [DMARCResultCount] {
        try await rows("""
            SELECT \(unescaped: Self.groupColumns), count(*), min(id) AS first FROM dmarc_result
            WHERE policy_domain = \(policyDomain) AND received_at >= \(start) AND received_at < \(end)
            GROUP BY \(unescaped: Self.groupColumns) ORDER BY first
            """) { row in
            let (sourceIP, headerFrom, envelopeFrom, envelopeTo, spfDomain, spfScope, spfResult, signatures, dkimAligned, spfAligned,
                 disposition, overrideReason, overrideComment, count, _)
                = try row.decode((String, String, String, String?, String?, String?, String?, String, Bool, Bool, String, String?,
                                  String?, Int, Int64).self)
            return DMARCResultCount(key: DMARCResultKey(sourceIP: sourceIP, headerFrom: headerFrom, envelopeFrom: envelopeFrom,
                                                        envelopeTo: envelopeTo, spfDomain: spfDomain, spfScope: spfScope, spfResult: spfResult,
                                                        signatures: DMARCSignatureRecord.decoded(signatures), dkimAligned: dkimAligned,
                                                        spfAligned: spfAligned, disposition: disposition, overrideReason: overrideReason,
                                                        overrideComment: overrideComment),
                                    count: count)
        }
    }

    public func dmarcLatestPolicy(policyDomain: String, from start: Date, to end: Date) async throws(StoreError) -> DMARCPolicySnapshot? {
        try await rows("""
            SELECT policy_domain, organizational_domain, policy_record, discovery_method FROM dmarc_result
            WHERE policy_domain = \(policyDomain) AND received_at >= \(start) AND received_at < \(end)
            ORDER BY received_at DESC, id DESC LIMIT 1
            """) { row in
            let (domain, organizational, record, method) = try row.decode((String, String, String, String).self)
            return DMARCPolicySnapshot(policyDomain: domain, organizationalDomain: organizational, record: record, discoveryMethod: method)
        }.first
    }

    /// One row per domain and day: the instance whose insert lands sends the report, every other one gets false.
    public func claimDMARCReport(policyDomain: String, begin: Date, at time: Date) async throws(StoreError) -> Bool {
        try await rows("""
            INSERT INTO dmarc_report_claim (policy_domain, begin_at, claimed_at) VALUES (\(policyDomain), \(begin), \(time))
            ON CONFLICT DO NOTHING RETURNING 1
            """) { _ in () }.count == 1
    }

    @discardableResult
    public func deleteDMARCResults(policyDomain: String?, before time: Date) async throws(StoreError) -> Int {
        let logger = logger
        return try await transaction("DMARC results") { connection in
            let deleted = if let policyDomain {
                try await connection.count("""
                    DELETE FROM dmarc_result WHERE policy_domain = \(policyDomain) AND received_at < \(time) RETURNING 1
                    """, logger: logger)
            } else {
                try await connection.count("DELETE FROM dmarc_result WHERE received_at < \(time) RETURNING 1", logger: logger)
            }
            // Claims outlive their results by a week, so a late second server does not send a report again.
            try await connection.run("DELETE FROM dmarc_report_claim WHERE begin_at < \(time.addingTimeInterval(-7 * 86_400))",
                                     logger: logger)
            return deleted
        }
    }
}
