import Foundation
import Testing
import TLSRPT

/// Every class of malformed report, refused with its exact reason.
@Suite("TLSRPT malformed reports")
struct MalformedReportTests {
    func rejection(_ input: [UInt8]) -> (TLSRPTError.Code, String)? {
        do {
            _ = try Report.parse(json: input)
            return nil
        } catch {
            return (error.code, error.reason)
        }
    }

    func rejection(_ json: String) -> (TLSRPTError.Code, String)? { rejection(bytes(json)) }

    @Test func badJSON() {
        #expect(rejection("{\"organization-name\":") ?? (.noRecord, "") == (.malformedJSON, "malformed JSON at offset 21: unexpected end"))
        #expect(rejection("{'a':1}") ?? (.noRecord, "") == (.malformedJSON, "malformed JSON at offset 1: expected a member name"))
        #expect(rejection("{\"a\":1,}") ?? (.noRecord, "") == (.malformedJSON, "malformed JSON at offset 7: expected a member name"))
        #expect(rejection("{\"a\":01}") ?? (.noRecord, "") == (.malformedJSON, "malformed JSON at offset 6: expected \",\" or \"}\""))
        #expect(rejection("{\"a\":\"x\ny\"}") ?? (.noRecord, "") == (.malformedJSON, "malformed JSON at offset 7: control character in a string"))
        #expect(rejection("{\"a\":\"\\x\"}") ?? (.noRecord, "") == (.malformedJSON, "malformed JSON at offset 6: invalid escape"))
        #expect(rejection("{} {}") ?? (.noRecord, "") == (.malformedJSON, "malformed JSON at offset 3: text after the value"))
        #expect(rejection("\u{FEFF}{}") ?? (.noRecord, "") == (.malformedJSON, "malformed JSON at offset 0: unexpected character"))
        #expect(rejection("") ?? (.noRecord, "") == (.malformedJSON, "malformed JSON at offset 0: unexpected end"))
    }

    @Test func notIJSON() {
        #expect(rejection([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D]) ?? (.noRecord, "") == (.notUTF8, "the report is not valid UTF-8 (RFC 7493 §2.1)"))
        #expect(rejection("{\"a\":\"\\uD800\"}") ?? (.noRecord, "") == (.forbiddenCodePoint, "lone surrogate at offset 6 (RFC 7493 §2.1)"))
        #expect(rejection("{\"a\":\"\\uDC00\\uD800\"}") ?? (.noRecord, "") == (.forbiddenCodePoint, "lone surrogate at offset 6 (RFC 7493 §2.1)"))
        #expect(rejection("{\"a\":\"\\uFDD0\"}") ?? (.noRecord, "") == (.forbiddenCodePoint, "noncharacter U+FDD0 at offset 13 (RFC 7493 §2.1)"))
        #expect(rejection("{\"a\":\"\u{10FFFF}\"}") ?? (.noRecord, "") == (.forbiddenCodePoint, "noncharacter U+10FFFF at offset 11 (RFC 7493 §2.1)"))
        // A surrogate pair is one character, and fine.
        #expect(rejection("{\"a\":\"\\uD83D\\uDE00\"}")?.0 == .missingField)
    }

    @Test func duplicateMembers() {
        #expect(rejection("{\"report-id\":\"a\",\"report-id\":\"b\"}") ?? (.noRecord, "")
                == (.duplicateMember, "duplicate member \"report-id\" at offset 17 (RFC 7493 §2.3)"))
        // Names are compared after unescaping.
        #expect(rejection("{\"a\":1,\"\\u0061\":2}") ?? (.noRecord, "") == (.duplicateMember, "duplicate member \"a\" at offset 7 (RFC 7493 §2.3)"))
        // Deep inside a report.
        let json = ReportText.withDetail("{\"result-type\":\"certificate-expired\",\"failed-session-count\":1,\"failed-session-count\":2}")
        #expect(rejection(json)?.0 == .duplicateMember)
        // Canonically equivalent but different code points are different names (RFC 8259 §8.3).
        #expect(rejection("{\"\u{E9}\":1,\"e\u{301}\":2}")?.0 == .missingField)
    }

    @Test func wrongTypes() {
        let cases: [(String, String)] = [
            ("[]", "report: expected an object"),
            (ReportText.with().replacingOccurrences(of: "\"report-id\":\"r1\"", with: "\"report-id\":1"), "report-id: expected a string"),
            (ReportText.with(policies: "\"none\""), "policies: expected an array"),
            (ReportText.with().replacingOccurrences(of: "\"total-successful-session-count\":3", with: "\"total-successful-session-count\":\"3\""),
             "policies[0].summary.total-successful-session-count: expected an integer"),
            (ReportText.with().replacingOccurrences(of: "\"total-successful-session-count\":3", with: "\"total-successful-session-count\":3.0"),
             "policies[0].summary.total-successful-session-count: expected an integer"),
            (ReportText.with().replacingOccurrences(of: "\"total-successful-session-count\":3", with: "\"total-successful-session-count\":3e0"),
             "policies[0].summary.total-successful-session-count: expected an integer"),
            (ReportText.with().replacingOccurrences(of: "\"policy-string\":[\"version: STSv1\"]", with: "\"policy-string\":\"version: STSv1\""),
             "policies[0].policy.policy-string: expected an array of strings"),
            (ReportText.with().replacingOccurrences(of: "\"mx-host\":[\"mx.example.test\"]", with: "\"mx-host\":[1]"),
             "policies[0].policy.mx-host: expected an array of strings"),
            (ReportText.with().replacingOccurrences(of: "\"sending-mta-ip\":\"192.0.2.1\"", with: "\"sending-mta-ip\":null"),
             "policies[0].failure-details[0].sending-mta-ip: expected a string"),
            (ReportText.with().replacingOccurrences(of: "\"failure-details\":[", with: "\"failure-details\":[[],"), "policies[0].failure-details[0]: expected an object"),
            (ReportText.with().replacingOccurrences(of: "\"start-datetime\":\"2026-12-04T00:00:00Z\"", with: "\"start-datetime\":0"),
             "date-range.start-datetime: expected a string"),
        ]
        for (json, reason) in cases {
            #expect(rejection(json) ?? (.noRecord, "") == (.wrongType, reason), "\(json)")
        }
    }

    @Test func invalidValues() {
        let cases: [(String, String)] = [
            (ReportText.with().replacingOccurrences(of: "\"policy-type\":\"sts\"", with: "\"policy-type\":\"STS\""),
             "policies[0].policy.policy-type: \"STS\" is not sts, tlsa or no-policy-found"),
            (ReportText.with().replacingOccurrences(of: "\"192.0.2.1\"", with: "\"192.0.2.256\""),
             "policies[0].failure-details[0].sending-mta-ip: \"192.0.2.256\" is not an IP address"),
            (ReportText.with().replacingOccurrences(of: "\"certificate-expired\"", with: "\"Certificate Expired\""),
             "policies[0].failure-details[0].result-type: \"Certificate Expired\" is not a result type name"),
            (ReportText.with().replacingOccurrences(of: "\"report-id\":\"r1\"", with: "\"report-id\":\"\""), "report-id: empty"),
            (ReportText.with().replacingOccurrences(of: "\"failed-session-count\":1", with: "\"failed-session-count\":9007199254740992"),
             "policies[0].failure-details[0].failed-session-count: larger than 2^53 - 1"),
        ]
        for (json, reason) in cases {
            #expect(rejection(json) ?? (.noRecord, "") == (.invalidValue, reason), "\(json)")
        }
        #expect(rejection(ReportText.with().replacingOccurrences(of: "\"failed-session-count\":1", with: "\"failed-session-count\":9007199254740991")) == nil)
    }

    @Test func negativeCounts() {
        #expect(rejection(ReportText.with().replacingOccurrences(of: "\"total-failure-session-count\":1", with: "\"total-failure-session-count\":-1"))
                ?? (.noRecord, "") == (.negativeCount, "policies[0].summary.total-failure-session-count: negative count"))
        #expect(rejection(ReportText.with().replacingOccurrences(of: "\"failed-session-count\":1", with: "\"failed-session-count\":-5"))
                ?? (.noRecord, "") == (.negativeCount, "policies[0].failure-details[0].failed-session-count: negative count"))
    }

    @Test func datesAndTheirRange() {
        #expect(rejection(ReportText.with(start: "2026-12-05T00:00:00Z", end: "2026-12-04T23:59:59Z")) ?? (.noRecord, "")
                == (.invertedDateRange, "date-range: end-datetime is before start-datetime"))
        // The same instant written in two zones is not inverted.
        #expect(rejection(ReportText.with(start: "2026-12-05T01:00:00+01:00", end: "2026-12-05T00:00:00Z")) == nil)
        for bad in ["2026-02-29T00:00:00Z", "2026-12-04 00:00:00Z", "2026-12-04T24:00:00Z", "2026-12-04T00:00:00+0100", "04/12/2026",
                    "2026-12-04T00:00:00.Z", "2026-13-01T00:00:00Z", "2026-12-04T00:00Z", "0000-01-01T00:00:00+00:01"] {
            #expect(rejection(ReportText.with(start: bad)) ?? (.noRecord, "")
                    == (.invalidDate, "date-range.start-datetime: \"\(bad)\" is not an RFC 3339 date-time"), "\(bad)")
        }
        #expect(rejection(ReportText.with(start: "2024-02-29T00:00:00Z")) == nil)
    }

    @Test func missingFields() {
        let cases: [(String, String, String)] = [
            ("\"organization-name\":\"Org\",", "", "report: missing \"organization-name\""),
            ("\"contact-info\":\"tlsrpt@org.example\",", "", "report: missing \"contact-info\""),
            ("\"report-id\":\"r1\",", "", "report: missing \"report-id\""),
            (",\"policies\":\(ReportText.policies)", "", "report: missing \"policies\""),
            ("\"date-range\":{\"start-datetime\":\"2026-12-04T00:00:00Z\",\"end-datetime\":\"2026-12-04T23:59:59Z\"},", "", "report: missing \"date-range\""),
            ("\"end-datetime\":\"2026-12-04T23:59:59Z\"", "\"x\":1", "date-range: missing \"end-datetime\""),
            ("\"policy-type\":\"sts\",", "", "policies[0].policy: missing \"policy-type\""),
            (",\"policy-domain\":\"example.test\"", "", "policies[0].policy: missing \"policy-domain\""),
            ("\"total-failure-session-count\":1", "\"x\":1", "policies[0].summary: missing \"total-failure-session-count\""),
            ("\"result-type\":\"certificate-expired\",", "", "policies[0].failure-details[0]: missing \"result-type\""),
            (",\"failed-session-count\":1", "", "policies[0].failure-details[0]: missing \"failed-session-count\""),
        ]
        for (remove, replacement, reason) in cases {
            let json = ReportText.with().replacingOccurrences(of: remove, with: replacement)
            #expect(json != ReportText.with(), "\(remove) is not in the report")
            #expect(rejection(json) ?? (.noRecord, "") == (.missingField, reason), "\(reason)")
        }
    }

    @Test func limits() {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(rejection(deep) ?? (.noRecord, "") == (.tooDeep, "JSON nested deeper than 32 levels"))
        let huge = [UInt8](repeating: 0x20, count: Report.maximumSize + 1)
        #expect(rejection(huge) ?? (.noRecord, "") == (.tooLarge, "the JSON text is larger than 16777216 octets"))
        let many = "[" + Array(repeating: "0", count: (1 << 20) + 1).joined(separator: ",") + "]"
        #expect(rejection(many) ?? (.noRecord, "") == (.tooManyValues, "more than 1048576 JSON values"))
    }
}
