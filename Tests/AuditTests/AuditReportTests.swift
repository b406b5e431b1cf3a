import Audit
import Foundation
import Testing

/// Grades, ordering and the JSON and text forms of a report, without the lab.
@Suite("audit report")
struct AuditReportTests {
    let report = AuditReport(domain: "example.test", findings: [
        Finding(.spf, .warning, "spf-neutral-all", "?all: other senders get neutral, which protects nothing", "RFC 7208 §5.1"),
        Finding(.dnssec, .ok, "dnssec-signed", "example.test is DNSSEC-signed and validates", "RFC 4035 §4.3"),
        Finding(.spf, .ok, "spf-lookups", "3 of 10 DNS-querying terms", "RFC 7208 §4.6.4"),
        Finding(.caa, .info, "caa-none", "mx.example.test: no CAA records, any CA may issue", "RFC 8659 §3"),
        Finding(.dmarc, .error, "dmarc-none", "no DMARC record at _dmarc.example.test: receivers apply no policy", "RFC 9989 §4.7"),
    ])

    @Test func gradesAreTheWorstSeverityPerArea() {
        #expect(report.grades.map { "\($0.area.rawValue)=\($0.grade.rawValue)" } == ["dnssec=pass", "spf=warn", "dmarc=fail", "caa=pass"])
        #expect(report.overall == .fail)
        #expect(report.ids == ["dnssec-signed", "spf-neutral-all", "spf-lookups", "dmarc-none", "caa-none"])
    }

    @Test func text() {
        #expect(report.text == """
            example.test: fail
            DNSSEC: pass
              [ok] example.test is DNSSEC-signed and validates (RFC 4035 §4.3)
            SPF: warn
              [warning] ?all: other senders get neutral, which protects nothing (RFC 7208 §5.1)
              [ok] 3 of 10 DNS-querying terms (RFC 7208 §4.6.4)
            DMARC: fail
              [error] no DMARC record at _dmarc.example.test: receivers apply no policy (RFC 9989 §4.7)
            CAA: pass
              [info] mx.example.test: no CAA records, any CA may issue (RFC 8659 §3)
            """)
    }

    @Test func jsonRoundTrip() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(AuditReport(domain: "example.test", findings: [report.findings[0]]))
        #expect(String(decoding: data, as: UTF8.self) == """
            {"domain":"example.test","findings":[{"area":"dnssec","id":"dnssec-signed","message":"example.test is DNSSEC-signed and validates",\
            "reference":"RFC 4035 §4.3","severity":"ok"}],"grades":{"dnssec":"pass"},"overall":"pass"}
            """)
        #expect(try JSONDecoder().decode(AuditReport.self, from: try encoder.encode(report)) == report)
    }
}
