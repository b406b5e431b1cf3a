import DMARC
import Foundation
import TestSupport
import Testing

/// The RFC 9990 XML writer: exact bytes against a file written by hand from the RFC (§3.1.1 tables, Appendix A),
/// validated by xmllint against the RFC's schema, read back by our reader and by parsedmarc (PyPI).
@Suite("DMARC aggregate report XML (RFC 9990)")
struct AggregateReportWritingTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let expectedPath = fixtures.appendingPathComponent("aggregate-report-expected.xml").path
    static let schemaPath = fixtures.appendingPathComponent("dmarc-2.0.xsd").path

    /// The report `aggregate-report-expected.xml` describes: three rows for example.com on 2026-12-05 (UTC).
    static let report = AggregateReport(
        metadata: .init(orgName: "Receiver & Co <test>", email: "dmarc-reports@receiver.example",
                        reportID: "1796428800.example.com@receiver.example", begin: 1_796_428_800, end: 1_796_515_199,
                        generator: "Stockade"),
        policy: .init(domain: "example.com", discoveryMethod: .treewalk, p: .reject, sp: .quarantine, np: .reject, fo: "1:d:s",
                      adkim: .strict, aspf: .relaxed, testing: false),
        records: [
            .init(sourceIP: "192.0.2.10", count: 2, evaluated: .init(disposition: .pass, dkimAligned: true, spfAligned: true),
                  identifiers: .init(headerFrom: "example.com", envelopeFrom: "example.com", envelopeTo: "receiver.example"),
                  dkim: [.init(domain: "example.com", selector: "s1", result: .pass)],
                  spf: .init(domain: "example.com", scope: .mfrom, result: .pass)),
            .init(sourceIP: "2001:db8::25", count: 1, evaluated: .init(disposition: .reject, dkimAligned: false, spfAligned: false),
                  identifiers: .init(headerFrom: "example.com", envelopeFrom: "bounce.other.example", envelopeTo: "receiver.example"),
                  dkim: [.init(domain: "other.example", selector: "sel", result: .fail)],
                  spf: .init(domain: "bounce.other.example", scope: .mfrom, result: .softfail)),
            .init(sourceIP: "198.51.100.7", count: 1,
                  evaluated: .init(disposition: .none, dkimAligned: false, spfAligned: false,
                                   reasons: [.init(.trustedForwarder, comment: "trusted forwarder 198.51.100.7")]),
                  identifiers: .init(headerFrom: "mail.example.com", envelopeFrom: "", envelopeTo: "receiver.example"),
                  dkim: [], spf: .init(domain: "relay.forwarder.example", scope: nil, result: .none)),
        ])

    static func expected() throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: expectedPath)))
    }

    @Test("RFC 9990 §3.1.1: the written XML is byte for byte the hand-written file")
    func exactBytes() throws {
        let written = Self.report.xml()
        let expected = try Self.expected()
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(written == expected)
    }

    @Test("RFC 9990 Appendix A: xmllint validates the written XML against the RFC's XSD")
    func schemaValid() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dmarc-\(UUID().uuidString).xml").path
        try Data(Self.report.xml()).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try runTool("xmllint", ["--noout", "--schema", Self.schemaPath, path])
        // The schema is a real check: a report with no record fails it (RFC 9990 §3.1.1.2 "record +").
        var empty = Self.report
        empty.records = []
        try Data(empty.xml()).write(to: URL(fileURLWithPath: path))
        #expect(throws: ToolFailed.self) { try runTool("xmllint", ["--noout", "--schema", Self.schemaPath, path]) }
    }

    @Test("our reader reads the written XML back to the same report")
    func roundTrip() throws {
        #expect(try AggregateReport(xml: Self.report.xml()) == Self.report)
        #expect(try AggregateReport(xml: Self.expected()) == Self.report)
    }

    @Test("§3.1.3: at most 100 DKIM signatures per row are written")
    func signatureLimit() throws {
        var report = Self.report
        report.records[0].dkim = (0..<150).map { .init(domain: "d\($0).example", selector: "s", result: .fail) }
        let read = try AggregateReport(xml: report.xml())
        #expect(read.records[0].dkim.count == 100)
        #expect(read.records[0].dkim.last?.domain == "d99.example")
    }

    @Test("characters XML forbids become U+FFFD; CR is kept as a reference")
    func escaping() throws {
        var report = Self.report
        report.metadata.orgName = "a\u{01}b\rc"
        let text = String(decoding: report.xml(), as: UTF8.self)
        #expect(text.contains("<org_name>a\u{FFFD}b&#13;c</org_name>"))
        #expect(try AggregateReport(xml: report.xml()).metadata.orgName == "a\u{FFFD}b\rc")
    }

    /// parsedmarc 11.1 reads the same file. Where it normalizes, the expected value says so: it keeps only the part of
    /// `report_id` before `@`, and fills an empty `envelope_from` with the SPF domain.
    @Test("parsedmarc (PyPI) parses the hand-written file to the same values")
    func parsedmarc() throws {
        let script = """
            import json, sys
            import parsedmarc
            report = parsedmarc.parse_aggregate_report_xml(open(sys.argv[1]).read(), offline=True)
            rows = [[r["source"]["ip_address"], r["count"], r["policy_evaluated"]["disposition"], r["policy_evaluated"]["dkim"],
                     r["policy_evaluated"]["spf"], [x["type"] for x in r["policy_evaluated"]["policy_override_reasons"]],
                     r["identifiers"]["header_from"], r["identifiers"]["envelope_from"], r["identifiers"]["envelope_to"],
                     [[d["domain"], d["selector"], d["result"]] for d in r["auth_results"]["dkim"]],
                     [[s["domain"], s["scope"], s["result"]] for s in r["auth_results"]["spf"]]] for r in report["records"]]
            m, p = report["report_metadata"], report["policy_published"]
            print(json.dumps({"namespace": report["xml_namespace"], "org": m["org_name"], "email": m["org_email"], "id": m["report_id"],
                              "begin": m["begin_date"], "end": m["end_date"], "generator": m["generator"],
                              "policy": [p["domain"], p["p"], p["sp"], p["np"], p["adkim"], p["aspf"], p["fo"], p["testing"], p["discovery_method"]],
                              "rows": rows}, sort_keys=True))
            """
        let output = try runTool("python3", ["-W", "ignore", "-c", script, Self.expectedPath])
        let json = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        #expect(json["namespace"] as? String == "urn:ietf:params:xml:ns:dmarc-2.0")
        #expect(json["org"] as? String == "Receiver & Co <test>")
        #expect(json["email"] as? String == "dmarc-reports@receiver.example")
        #expect(json["id"] as? String == "1796428800.example.com")
        #expect(json["begin"] as? String == "2026-12-05 00:00:00")
        #expect(json["end"] as? String == "2026-12-05 23:59:59")
        #expect(json["generator"] as? String == "Stockade")
        #expect(json["policy"] as? [String] == ["example.com", "reject", "quarantine", "reject", "s", "r", "1:d:s", "n", "treewalk"])
        let rows = try #require(json["rows"] as? [[Any]])
        #expect(rows.count == 3)
        let expectedRows: [String] = [
            #"["192.0.2.10",2,"pass","pass","pass",[],"example.com","example.com","receiver.example",[["example.com","s1","pass"]],[["example.com","mfrom","pass"]]]"#,
            #"["2001:db8::25",1,"reject","fail","fail",[],"example.com","bounce.other.example","receiver.example",[["other.example","sel","fail"]],[["bounce.other.example","mfrom","softfail"]]]"#,
            #"["198.51.100.7",1,"none","fail","fail",["trusted_forwarder"],"mail.example.com","relay.forwarder.example","receiver.example",[],[["relay.forwarder.example","mfrom","none"]]]"#,
        ]
        for (row, expected) in zip(rows, expectedRows) {
            let data = try JSONSerialization.data(withJSONObject: row, options: [.withoutEscapingSlashes])
            #expect(String(decoding: data, as: UTF8.self) == expected)
        }
    }
}
