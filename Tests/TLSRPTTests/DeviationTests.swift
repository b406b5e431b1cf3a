import Foundation
import Testing
import TLSRPT

/// What Stockade tolerates outside RFC 8460, each departure named in the result; everything else is refused.
@Suite("TLSRPT tolerated deviations")
struct DeviationTests {
    func deviations(_ json: String) throws -> [String] {
        try Report.parse(json: bytes(json)).deviations.map(\.description)
    }

    @Test func dateWithoutTimeZoneIsReadAsUTC() throws {
        let parsed = try Report.parse(json: bytes(ReportText.with(start: "2026-12-04T00:00:00", end: "2026-12-04T23:59:59")))
        #expect(parsed.report.start.text == "2026-12-04T00:00:00Z")
        #expect(parsed.report.end.text == "2026-12-04T23:59:59Z")
        #expect(parsed.deviations.map(\.description) == [
            "date-range.start-datetime: date without a time zone, read as UTC",
            "date-range.end-datetime: date without a time zone, read as UTC",
        ])
        #expect(parsed.deviations.map(\.kind) == [.dateWithoutTimeZone, .dateWithoutTimeZone])
    }

    @Test func missingSendingMTAIPAndReceivingHostname() throws {
        // mail.ru's reports (parsedmarc sample) have neither.
        let json = ReportText.withDetail("{\"result-type\":\"sts-policy-fetch-error\",\"failed-session-count\":1,\"failure-reason-code\":\"bad https response code: 404\"}")
        let parsed = try Report.parse(json: bytes(json))
        #expect(parsed.deviations.map(\.description) == [
            "policies[0].failure-details[0]: no sending-mta-ip",
            "policies[0].failure-details[0]: no receiving-mx-hostname",
        ])
        #expect(parsed.report.policies[0].failureDetails[0] == FailureDetail(
            resultType: .stsPolicyFetchError, failedSessionCount: 1, failureReasonCode: "bad https response code: 404"))
    }

    @Test func emptyOptionalMembersAreReadAsAbsent() throws {
        // parsedmarc's samples/smtp_tls/empty_failure_detail_fields.json has this shape.
        let json = ReportText.withDetail("{\"result-type\":\"sts-policy-fetch-error\",\"sending-mta-ip\":\"\",\"receiving-ip\":\"\","
                                         + "\"receiving-mx-hostname\":\"\",\"failed-session-count\":1,\"additional-information\":\"\",\"failure-reason-code\":\"no-policy-served\"}")
        let parsed = try Report.parse(json: bytes(json))
        #expect(parsed.deviations.map(\.description) == [
            "policies[0].failure-details[0].sending-mta-ip: empty string, read as absent",
            "policies[0].failure-details[0]: no sending-mta-ip",
            "policies[0].failure-details[0].receiving-mx-hostname: empty string, read as absent",
            "policies[0].failure-details[0]: no receiving-mx-hostname",
            "policies[0].failure-details[0].receiving-ip: empty string, read as absent",
            "policies[0].failure-details[0].additional-information: empty string, read as absent",
        ])
        #expect(parsed.report.policies[0].failureDetails[0] == FailureDetail(
            resultType: .stsPolicyFetchError, failedSessionCount: 1, failureReasonCode: "no-policy-served"))
    }

    @Test("An empty receiving-mx-hostname is missing too, so the report Stockade writes from it reads back with no new deviation (a fuzzer finding)")
    func emptyMemberIsMissingInTheWrittenReport() throws {
        let json = ReportText.withDetail("{\"result-type\":\"certificate-expired\",\"sending-mta-ip\":\"2001:db8::1\","
                                         + "\"receiving-mx-hostname\":\"\",\"failed-session-count\":200}")
        let parsed = try Report.parse(json: bytes(json))
        #expect(parsed.deviations.map(\.description) == [
            "policies[0].failure-details[0].receiving-mx-hostname: empty string, read as absent",
            "policies[0].failure-details[0]: no receiving-mx-hostname",
        ])
        let again = try Report.parse(json: parsed.report.json())
        #expect(again.report == parsed.report)
        #expect(again.deviations.map(\.description) == ["policies[0].failure-details[0]: no receiving-mx-hostname"])
    }

    @Test func missingPolicyStringForSTSOrTLSA() throws {
        let json = ReportText.with(policies: "[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"example.test\"},"
                                   + "\"summary\":{\"total-successful-session-count\":0,\"total-failure-session-count\":0}}]")
        #expect(try deviations(json) == ["policies[0].policy: no policy-string"])
        // no-policy-found has no policy to give: not a deviation.
        #expect(try deviations(String(decoding: try fixture("google-no-policy.json"), as: UTF8.self)) == [])
    }

    @Test func mxHostAsAString() throws {
        let json = ReportText.with(policies: "[{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[],\"policy-domain\":\"example.test\",\"mx-host\":\"*.example.test\"},"
                                   + "\"summary\":{\"total-successful-session-count\":0,\"total-failure-session-count\":0}}]")
        let parsed = try Report.parse(json: bytes(json))
        #expect(parsed.deviations.map(\.kind) == [.mxHostAsString])
        #expect(parsed.report.policies[0].policy.mxHosts == ["*.example.test"])
    }

    @Test func failureTotalsThatDisagreeWithTheDetailsAreKeptAsSent() throws {
        // RFC 8460 does not say the details must add up to the total (mail.ru's sample: total 1, details 1 + 1).
        let json = ReportText.with(policies: "[{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[],\"policy-domain\":\"example.test\"},"
                                   + "\"summary\":{\"total-successful-session-count\":0,\"total-failure-session-count\":1},\"failure-details\":["
                                   + "{\"result-type\":\"sts-policy-fetch-error\",\"sending-mta-ip\":\"192.0.2.1\",\"receiving-mx-hostname\":\"m.example.test\",\"failed-session-count\":1},"
                                   + "{\"result-type\":\"sts-policy-fetch-error\",\"sending-mta-ip\":\"192.0.2.1\",\"receiving-mx-hostname\":\"m.example.test\",\"failed-session-count\":1}]}]")
        let parsed = try Report.parse(json: bytes(json))
        #expect(parsed.deviations.isEmpty)
        #expect(parsed.report.totalFailed == 1)
    }
}
