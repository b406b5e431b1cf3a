import Testing
import TLSRPT

/// Reading reports (RFC 8460 §4): the RFC's example and reports shaped like the large senders'.
@Suite("TLSRPT report parsing")
struct ReportParsingTests {
    @Test func readsTheRFCExample() throws {
        let parsed = try Report.parse(json: try fixture("rfc8460-example.json"))
        let report = parsed.report
        #expect(parsed.form == .json)
        #expect(report.organizationName == "Company-X")
        #expect(report.start.text == "2016-04-01T00:00:00Z")
        #expect(report.start.secondsSince1970 == 1_459_468_800)
        #expect(report.end.text == "2016-04-01T23:59:59Z")
        #expect(report.contactInfo == "sts-reporting@company-x.example")
        #expect(report.reportID == "5065427c-23d3-47ca-b6e0-946ea0e8c4be")
        #expect(report.policies.count == 1)
        let entry = try #require(report.policies.first)
        #expect(entry.policy == Policy(kind: .sts, strings: ["version: STSv1", "mode: testing", "mx: *.mail.company-y.example", "max_age: 86400"],
                                       domain: "company-y.example", mxHosts: ["*.mail.company-y.example"]))
        #expect(entry.successfulSessionCount == 5326)
        #expect(entry.failedSessionCount == 303)
        #expect(entry.failureDetails == [
            FailureDetail(resultType: .certificateExpired, sendingMTAIP: "2001:db8:abcd:0012::1",
                          receivingMXHostname: "mx1.mail.company-y.example", failedSessionCount: 100),
            FailureDetail(resultType: .starttlsNotSupported, sendingMTAIP: "2001:db8:abcd:0013::1",
                          receivingMXHostname: "mx2.mail.company-y.example", receivingIP: "203.0.113.56", failedSessionCount: 200,
                          additionalInformation: "https://reports.company-x.example/report_info?id=5065427c-23d3#StarttlsNotSupported"),
            FailureDetail(resultType: .validationFailure, sendingMTAIP: "198.51.100.62", receivingMXHostname: "mx-backup.mail.company-y.example",
                          receivingIP: "203.0.113.58", failedSessionCount: 3, failureReasonCode: "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"),
        ])
        #expect(report.totalSuccessful == 5326)
        #expect(report.totalFailed == 303)
        // The example writes mx-host as a string; §4.4 and the senders use an array.
        #expect(parsed.deviations.map(\.description) == ["policies[0].policy.mx-host: mx-host is a string, not an array"])
    }

    @Test func readsAGoogleShapedReport() throws {
        let parsed = try Report.parse(json: try fixture("google-shaped.json"))
        #expect(parsed.deviations.isEmpty)
        #expect(parsed.report.organizationName == "Google Inc.")
        #expect(parsed.report.reportID == "2026-12-04T00:00:00Z_example.test")
        let entry = try #require(parsed.report.policies.first)
        #expect(entry.policy.mxHosts == ["*.example.test"])
        #expect(entry.policy.strings == ["version: STSv1", "mode: enforce", "mx: *.example.test", "max_age: 2592000"])
        #expect((entry.successfulSessionCount, entry.failedSessionCount) == (41, 2))
        #expect(entry.failureDetails == [FailureDetail(resultType: .validationFailure, sendingMTAIP: "192.0.2.201",
                                                       receivingMXHostname: "mx1.example.test", receivingIP: "198.51.100.41", failedSessionCount: 2)])
        let noPolicy = try Report.parse(json: try fixture("google-no-policy.json"))
        #expect(noPolicy.deviations.isEmpty)
        #expect(noPolicy.report.policies == [PolicyResult(policy: Policy(kind: .noPolicyFound, domain: "example.test"),
                                                          successfulSessionCount: 48, failedSessionCount: 0, failureDetails: [])])
    }

    @Test func readsAMicrosoftShapedReport() throws {
        let parsed = try Report.parse(json: try fixture("microsoft-shaped.json"))
        #expect(parsed.deviations.isEmpty)
        #expect(parsed.report.organizationName == "Microsoft Corporation")
        #expect(parsed.report.reportID == "134093952000000000+example.test")
        #expect(parsed.report.policies.map(\.policy.kind) == [.sts, .tlsa])
        #expect(parsed.report.policies[0].policy.mxHosts == [])
        #expect(parsed.report.policies[1].policy.strings == [
            "[\"3 1 1 6007EEE553E85D8DF007A845D19EC343283D4E416E9A33F9EF3040C8B7C285BC\",\"3 1 1 837C773D54C2E2BD71871A3FC352BE8214D5646CBAE5E3091401A7274717998B\"]",
        ])
        #expect((parsed.report.totalSuccessful, parsed.report.totalFailed) == (12, 0))
    }

    @Test func readsEveryRegisteredResultTypeAndKeepsLaterOnes() throws {
        let names = ["starttls-not-supported", "certificate-host-mismatch", "certificate-expired", "certificate-not-trusted",
                     "validation-failure", "tlsa-invalid", "dnssec-invalid", "dane-required", "sts-policy-fetch-error",
                     "sts-policy-invalid", "sts-webpki-invalid", "some-future-type"]
        let details = names.map { "{\"result-type\":\"\($0)\",\"sending-mta-ip\":\"192.0.2.1\",\"receiving-mx-hostname\":\"mx.example.test\",\"failed-session-count\":1}" }
        let json = ReportText.with(policies: "[{\"policy\":{\"policy-type\":\"tlsa\",\"policy-string\":[\"3 1 1 AB\"],\"policy-domain\":\"example.test\"},"
                                   + "\"summary\":{\"total-successful-session-count\":0,\"total-failure-session-count\":12},"
                                   + "\"failure-details\":[\(details.joined(separator: ","))]}]")
        let types = try Report.parse(json: bytes(json)).report.policies[0].failureDetails.map(\.resultType)
        #expect(types.map(\.rawValue) == names)
        #expect(Array(types.prefix(11)) == ResultType.registered)
        #expect(types.map(\.isRegistered) == Array(repeating: true, count: 11) + [false])
    }

    @Test func readsDatesWithOffsetsFractionsAndLowerCase() throws {
        let report = try Report.parse(json: bytes(ReportText.with(start: "2026-12-04T01:00:00.5+01:00", end: "2026-12-04t23:59:59.123456789123z"))).report
        #expect(report.start.text == "2026-12-04T00:00:00.5Z")
        #expect(report.start.nanoseconds == 500_000_000)
        #expect(report.end.text == "2026-12-04T23:59:59.123456789Z")
    }

    @Test func ignoresUnknownMembers() throws {
        let json = ReportText.with(extra: ",\"x-vendor\":{\"anything\":[1,2,{\"a\":null}]}")
        #expect(try Report.parse(json: bytes(json)).report.reportID == "r1")
    }
}

/// A small valid report with one part replaceable, for tests that change one thing.
enum ReportText {
    static let policies = "[{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\"],\"policy-domain\":\"example.test\",\"mx-host\":[\"mx.example.test\"]},"
        + "\"summary\":{\"total-successful-session-count\":3,\"total-failure-session-count\":1},"
        + "\"failure-details\":[{\"result-type\":\"certificate-expired\",\"sending-mta-ip\":\"192.0.2.1\",\"receiving-mx-hostname\":\"mx.example.test\",\"failed-session-count\":1}]}]"

    static func with(start: String = "2026-12-04T00:00:00Z", end: String = "2026-12-04T23:59:59Z", policies: String = policies,
                     extra: String = "") -> String {
        "{\"organization-name\":\"Org\",\"date-range\":{\"start-datetime\":\"\(start)\",\"end-datetime\":\"\(end)\"},"
            + "\"contact-info\":\"tlsrpt@org.example\",\"report-id\":\"r1\",\"policies\":\(policies)\(extra)}"
    }

    /// The default report with one failure detail's members replaced.
    static func withDetail(_ detail: String) -> String {
        with(policies: "[{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":[\"version: STSv1\"],\"policy-domain\":\"example.test\"},"
             + "\"summary\":{\"total-successful-session-count\":3,\"total-failure-session-count\":1},\"failure-details\":[\(detail)]}]")
    }
}
