import Foundation
import Testing
import TLSRPT

/// The sender's side (RFC 8460 §4): a report built from counts and failure details, and read back.
@Suite("TLSRPT report building")
struct BuildingTests {
    static let sample = Report(
        organizationName: "Stockade \"lab\"", start: ReportDate(secondsSince1970: 1_796_342_400),
        end: ReportDate(secondsSince1970: 1_796_428_799, nanoseconds: 250_000_000), contactInfo: "mailto:tlsrpt@stockade.test",
        reportID: "2026-12-04T00:00:00Z_example.test",
        policies: [
            PolicyResult(policy: Policy(kind: .sts, strings: ["version: STSv1", "mode: enforce", "mx: *.example.test", "max_age: 86400"],
                                        domain: "example.test", mxHosts: ["*.example.test"]),
                         successfulSessionCount: 10,
                         failureDetails: [
                             FailureDetail(resultType: .certificateExpired, sendingMTAIP: "192.0.2.7", receivingMXHostname: "mx1.example.test",
                                           receivingMXHelo: "mx1", receivingIP: "2001:db8::25", failedSessionCount: 2,
                                           additionalInformation: "https://stockade.test/why", failureReasonCode: "X509_V_ERR_CERT_HAS_EXPIRED\n"),
                             FailureDetail(resultType: .stsPolicyFetchError, sendingMTAIP: "192.0.2.7", receivingMXHostname: "mx2.example.test",
                                           failedSessionCount: 1),
                         ]),
            PolicyResult(policy: Policy(kind: .tlsa, strings: ["_25._tcp.mx.other.test. IN TLSA 3 1 1 0A0B"], domain: "other.test"),
                         successfulSessionCount: 0, failureDetails: []),
            PolicyResult(policy: Policy(kind: .noPolicyFound, domain: "plain.test"), successfulSessionCount: 4, failureDetails: []),
        ])

    @Test func theFailureTotalIsTheSumOfTheDetails() {
        #expect(Self.sample.policies.map(\.failedSessionCount) == [3, 0, 0])
        #expect((Self.sample.totalSuccessful, Self.sample.totalFailed) == (14, 3))
    }

    @Test func writesTheRFCSchemaInOrder() {
        let small = Report(organizationName: "O", start: ReportDate(secondsSince1970: 0), end: ReportDate(secondsSince1970: 86_399),
                           contactInfo: "c@o.example", reportID: "id",
                           policies: [PolicyResult(policy: Policy(kind: .noPolicyFound, domain: "d.example"), successfulSessionCount: 1,
                                                   failureDetails: [FailureDetail(resultType: .starttlsNotSupported, receivingMXHostname: "mx.d.example",
                                                                                  failedSessionCount: 2)])])
        #expect(String(decoding: small.json(), as: UTF8.self) == """
            {"organization-name":"O","date-range":{"start-datetime":"1970-01-01T00:00:00Z","end-datetime":"1970-01-01T23:59:59Z"},\
            "contact-info":"c@o.example","report-id":"id","policies":[{"policy":{"policy-type":"no-policy-found","policy-string":[],\
            "policy-domain":"d.example"},"summary":{"total-successful-session-count":1,"total-failure-session-count":2},"failure-details":\
            [{"result-type":"starttls-not-supported","receiving-mx-hostname":"mx.d.example","failed-session-count":2}]}]}
            """)
    }

    @Test func roundTrip() throws {
        let parsed = try Report.parse(json: Self.sample.json())
        #expect(parsed.report == Self.sample)
        #expect(parsed.report.end.text == "2026-12-04T23:59:59.25Z")
        // Missing optional members of a built report are the only deviations (none here but the second detail's).
        #expect(parsed.deviations.isEmpty)
        // And through gzip as a reader receives it: the RFC example read, written and read again.
        let example = try Report.parse(json: try fixture("rfc8460-example.json")).report
        #expect(try Report.parse(json: example.json()).report == example)
    }

    @Test func datesBeforeTheEpochAndLeapYears() throws {
        for text in ["1969-12-31T23:59:59Z", "2000-02-29T12:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"] {
            let report = try Report.parse(json: bytes(ReportText.with(start: text, end: "9999-12-31T23:59:59.999999999Z"))).report
            #expect(report.start.text == text)
        }
    }

    @Test func gzipAndMailFormsReadBack() throws {
        let gzipped = try Self.sample.gzip()
        #expect(gzipped.starts(with: [0x1F, 0x8B]))
        let unzipped = try Report.parse(gzipped)
        #expect(unzipped.report == Self.sample && unzipped.deviations.isEmpty && unzipped.form == .gzip)
        let mail = try Self.sample.mail(from: "tlsrpt@stockade.test", to: "tlsrpt@example.test", policyDomain: "example.test",
                                        submitter: "stockade.test", date: Date(timeIntervalSince1970: 1_796_428_800),
                                        messageID: "r1@stockade.test")
        let mailed = try Report.parse(mail)
        #expect(mailed.report == Self.sample && mailed.deviations.isEmpty && mailed.form == .mailGzip)
        let text = String(decoding: mail, as: UTF8.self)
        let header = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(header == """
            From: tlsrpt@stockade.test\r
            To: tlsrpt@example.test\r
            Date: Sat, 05 Dec 2026 00:00:00 +0000\r
            Message-ID: <r1@stockade.test>\r
            Subject: Report Domain: example.test Submitter: stockade.test Report-ID: <2026-12-04T00:00:00Z_example.test>\r
            TLS-Report-Domain: example.test\r
            TLS-Report-Submitter: stockade.test\r
            MIME-Version: 1.0\r
            Content-Type: multipart/report; report-type="tlsrpt"; boundary="=_tlsrpt_boundary"
            """)
        #expect(text.contains("Content-Disposition: attachment;\r\n\tfilename=\"stockade.test!example.test!1796342400!1796428799.json.gz\"\r\n"))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        // base64 in full lines of 76 characters (RFC 2045 §6.8).
        let base64 = lines.drop { !$0.hasPrefix("\tfilename=") }.dropFirst(2).prefix { !$0.hasPrefix("--") }.filter { !$0.isEmpty }
        #expect(!base64.isEmpty && base64.dropLast().allSatisfy { $0.utf8.count == 76 } && base64.last!.utf8.count <= 76)
    }
}
