import Foundation
import Store
import TestSupport
import Testing
@testable import Reports

/// DMARC aggregate reports (RFC 9990 §5.2) by mail: a zip sent as the whole message (the shape Google sends), a gzip
/// attachment in multipart/mixed (the shape Microsoft sends), the XML as the `DMARC` library reads it.
@Suite struct DMARCInboxTests {
    /// An RFC 7489 Appendix C report written for this test, shaped like a large mailbox provider's; not a real report.
    static func xml(org: String, id: String, records: [(ip: String, count: Int, dkim: String, spf: String, disposition: String)]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" ?>
        <feedback>
          <report_metadata><org_name>\(org)</org_name><email>noreply-dmarc@\(org)</email><report_id>\(id)</report_id>
            <date_range><begin>1796342400</begin><end>1796428799</end></date_range></report_metadata>
          <policy_published><domain>example.test</domain><adkim>r</adkim><aspf>r</aspf><p>reject</p><sp>reject</sp><pct>100</pct></policy_published>
        """ + records.map { record in
            """
              <record><row><source_ip>\(record.ip)</source_ip><count>\(record.count)</count>
                <policy_evaluated><disposition>\(record.disposition)</disposition><dkim>\(record.dkim)</dkim><spf>\(record.spf)</spf></policy_evaluated></row>
                <identifiers><header_from>example.test</header_from></identifiers>
                <auth_results><spf><domain>example.test</domain><result>\(record.spf)</result></spf></auth_results></record>
            """
        }.joined(separator: "\n") + "\n</feedback>\n"
    }

    static func base64Lines(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }

    /// Python's zipfile (deflate) and gzip modules write the compressed forms: peers, not our code.
    static func python(_ expression: String, _ input: [UInt8]) throws -> [UInt8] {
        let script = "import gzip, io, sys, zipfile\ndata = sys.stdin.buffer.read()\n\(expression)\n"
        return Array(try runTool("python3", ["-c", script], input: Data(input)))
    }

    static func googleMail() throws -> [UInt8] {
        let xml = Self.xml(org: "google.com", id: "1796342400000001", records: [
            ("192.0.2.10", 5, "pass", "pass", "none"), ("198.51.100.7", 3, "fail", "fail", "reject"),
        ])
        let zip = try python("""
            b = io.BytesIO()
            with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z: z.writestr('google.com!example.test!1796342400!1796428799.xml', data)
            sys.stdout.buffer.write(b.getvalue())
            """, Array(xml.utf8))
        return Array(("From: noreply-dmarc-support@google.com\r\nTo: dmarc@example.test\r\n"
            + "Subject: Report domain: example.test Submitter: google.com Report-ID: 1796342400000001\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: application/zip; name=\"google.com!example.test!1796342400!1796428799.zip\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + base64Lines(zip) + "\r\n").utf8)
    }

    static func microsoftMail() throws -> [UInt8] {
        let xml = Self.xml(org: "Outlook.com", id: "a1b2c3d4e5f6", records: [("203.0.113.9", 2, "pass", "fail", "none")])
        let gzip = try python("sys.stdout.buffer.write(gzip.compress(data, mtime=0))", Array(xml.utf8))
        return Array(("From: dmarcreport@microsoft.com\r\nTo: dmarc@example.test\r\nSubject: Report Domain: example.test\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"_m_\"\r\n\r\n--_m_\r\nContent-Type: text/plain\r\n\r\n"
            + "This is a DMARC aggregate report from Microsoft Corporation.\r\n--_m_\r\n"
            + "Content-Type: application/gzip\r\nContent-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=\"protection.outlook.com!example.test!1796342400!1796428799.xml.gz\"\r\n\r\n"
            + base64Lines(gzip) + "\r\n--_m_--\r\n").utf8)
    }

    @Test func storesAndTalliesPerSourceAndReporter() async throws {
        let store = try Fixtures.store()
        let inbox = try Fixtures.inbox(store: store)
        #expect(try await inbox.receive(mail: Self.googleMail()) == InboxOutcome(kind: .dmarc, result: .stored(dkim: "none")))
        #expect(try await inbox.receive(mail: Fixtures.signed(Self.microsoftMail())) == InboxOutcome(kind: .dmarc, result: .stored(dkim: "pass")))
        #expect(try await inbox.receive(mail: Self.googleMail()) == InboxOutcome(kind: .dmarc, result: .duplicate))
        let summary = try await store.dmarcSummary(domain: "example.test", from: "2026-12-04", to: "2026-12-04")
        #expect(summary.sources == [.init(value: "192.0.2.10", passed: 5, failed: 0), .init(value: "198.51.100.7", passed: 0, failed: 3),
                                    .init(value: "203.0.113.9", passed: 2, failed: 0)])
        #expect(summary.senders == [.init(value: "example.test", passed: 7, failed: 3)])
        #expect(summary.reporters == [.init(value: "google.com", passed: 5, failed: 3), .init(value: "Outlook.com", passed: 2, failed: 0)])
        #expect(summary.days == [.init(value: "2026-12-04", passed: 7, failed: 3)])
        #expect(try await store.reportCounts() == ["example.test": ["dmarc": 2]])
    }

    @Test func refusals() async throws {
        let store = try Fixtures.store()
        let inbox = try Fixtures.inbox(store: store)
        let plainXML = Array(("From: a@b.test\r\nContent-Type: text/xml\r\n\r\n"
            + Self.xml(org: "x.test", id: "1", records: [("192.0.2.1", 1, "pass", "pass", "none")])
                .replacingOccurrences(of: "<domain>example.test</domain><adkim>", with: "<domain>other.test</domain><adkim>")).utf8)
        guard case .rejected(let refusal) = try await inbox.receive(mail: plainXML).result else { Issue.record("not refused"); return }
        #expect(refusal.reason == .notOurDomain)
        let broken = Array("From: a@b.test\r\nContent-Type: text/xml\r\n\r\n<feedback><report_metadata>".utf8)
        guard case .rejected(let malformed) = await inbox.receive(mail: broken).result else { Issue.record("not refused"); return }
        #expect(malformed.reason == .malformed)
        #expect(try await store.reportCounts().isEmpty)
    }
}
