import ArgumentParser
import Foundation
import TLSRPT

/// What `stockade tlsrpt` prints.
enum TLSRPTOutput {
    /// The contents of `path`, refused when larger than `limit` octets (checked before reading).
    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("cannot open \(path)") }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        guard data.count <= limit else { throw ValidationError("\(path) is larger than \(limit) octets") }
        return Array(data)
    }

    /// `tlsrpt parse --json`: `{"accepted", "reason"?, "form"?, …, "policies", "totals"}`.
    struct ParseSummary: Encodable {
        struct DateRange: Encodable {
            let start: String
            let end: String
        }

        struct Totals: Encodable {
            let successful: Int
            let failed: Int
        }

        struct Failure: Encodable {
            let resultType: String
            let failedSessionCount: Int
            let sendingMTAIP: String?
            let receivingMXHostname: String?
            let receivingIP: String?
            let failureReasonCode: String?

            enum CodingKeys: String, CodingKey {
                case resultType = "result-type", failedSessionCount = "failed-session-count", sendingMTAIP = "sending-mta-ip"
                case receivingMXHostname = "receiving-mx-hostname", receivingIP = "receiving-ip", failureReasonCode = "failure-reason-code"
            }
        }

        struct PolicySummary: Encodable {
            let policyType: String
            let policyDomain: String
            let policyString: [String]
            let mxHost: [String]
            let successful: Int
            let failed: Int
            let failureDetails: [Failure]

            enum CodingKeys: String, CodingKey {
                case policyType = "policy-type", policyDomain = "policy-domain", policyString = "policy-string", mxHost = "mx-host"
                case successful, failed, failureDetails = "failure-details"
            }
        }

        let accepted: Bool
        let reason: String?
        let form: String?
        let organizationName: String?
        let reportID: String?
        let dateRange: DateRange?
        let deviations: [String]
        let policies: [PolicySummary]
        let totals: Totals

        enum CodingKeys: String, CodingKey {
            case accepted, reason, form, organizationName = "organization-name", reportID = "report-id", dateRange = "date-range"
            case deviations, policies, totals
        }

        init(_ parsed: ParsedReport) {
            let report = parsed.report
            accepted = true
            reason = nil
            form = parsed.form.rawValue
            organizationName = report.organizationName
            reportID = report.reportID
            dateRange = DateRange(start: report.start.text, end: report.end.text)
            deviations = parsed.deviations.map(\.description)
            policies = report.policies.map { entry in
                PolicySummary(
                    policyType: entry.policy.kind.rawValue, policyDomain: entry.policy.domain, policyString: entry.policy.strings,
                    mxHost: entry.policy.mxHosts, successful: entry.successfulSessionCount, failed: entry.failedSessionCount,
                    failureDetails: entry.failureDetails.map {
                        Failure(resultType: $0.resultType.rawValue, failedSessionCount: $0.failedSessionCount, sendingMTAIP: $0.sendingMTAIP,
                                receivingMXHostname: $0.receivingMXHostname, receivingIP: $0.receivingIP, failureReasonCode: $0.failureReasonCode)
                    })
            }
            totals = Totals(successful: report.totalSuccessful, failed: report.totalFailed)
        }

        init(rejection: TLSRPTError) {
            accepted = false
            reason = rejection.reason
            form = nil
            organizationName = nil
            reportID = nil
            dateRange = nil
            deviations = []
            policies = []
            totals = Totals(successful: 0, failed: 0)
        }

        /// One line for the verdict, one per policy, one per tolerated deviation.
        var text: String {
            guard accepted, let organizationName, let reportID, let dateRange else { return "rejected: \(reason ?? "")\n" }
            var lines = ["accepted: report \(reportID) from \(organizationName), \(dateRange.start) to \(dateRange.end): "
                         + "\(totals.successful) successful, \(totals.failed) failed sessions"]
            for policy in policies {
                let failures = policy.failureDetails.map { "\($0.resultType) \($0.failedSessionCount)" }.joined(separator: ", ")
                lines.append("  \(policy.policyType) \(policy.policyDomain): \(policy.successful) successful, \(policy.failed) failed"
                             + (failures.isEmpty ? "" : " (\(failures))"))
            }
            lines += deviations.map { "  tolerated: \($0)" }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// `tlsrpt record --json`: `{"valid", "rua", "record"?, "reason"?}`.
    struct RecordSummary: Encodable {
        let valid: Bool
        let rua: [String]
        let record: String?
        let reason: String?

        init(_ result: Result<TLSRPTRecord, TLSRPTError>) {
            switch result {
            case .success(let found):
                valid = true
                rua = found.rua.map(\.text)
                record = found.text
                reason = nil
            case .failure(let error):
                valid = false
                rua = []
                record = nil
                reason = error.reason
            }
        }
    }
}
