import DMARC
import Foundation
import Testing

/// The aggregate report reader: the RFC 9990 form, the RFC 7489 form, the deviations of large reporters that it
/// tolerates on purpose, and what it refuses (with the error code).
@Suite("DMARC aggregate report reading (RFC 9990, RFC 7489)")
struct AggregateReportReadingTests {
    /// An RFC 7489 Appendix C report in the shape large mailbox providers send: no namespace, an XML declaration with
    /// a space before `?>`, `pct` and `fo` in `policy_published`, no `np`, an SPF result without `scope`, IPv6.
    /// Written for this test after that shape (not a copy of a real report).
    static let legacy = """
        <?xml version="1.0" encoding="UTF-8" ?>
        <feedback>
          <report_metadata>
            <org_name>mailbox.example</org_name>
            <email>noreply-dmarc-support@mailbox.example</email>
            <extra_contact_info>https://support.mailbox.example/dmarc</extra_contact_info>
            <report_id>5717107811868587391</report_id>
            <date_range>
              <begin>1706832000</begin>
              <end>1706918399</end>
            </date_range>
          </report_metadata>
          <policy_published>
            <domain>example.com</domain>
            <adkim>r</adkim>
            <aspf>r</aspf>
            <p>none</p>
            <sp>none</sp>
            <pct>100</pct>
            <fo>0</fo>
          </policy_published>
          <record>
            <row>
              <source_ip>2001:db8::1</source_ip>
              <count>3</count>
              <policy_evaluated>
                <disposition>none</disposition>
                <dkim>pass</dkim>
                <spf>fail</spf>
              </policy_evaluated>
            </row>
            <identifiers>
              <header_from>example.com</header_from>
            </identifiers>
            <auth_results>
              <dkim>
                <domain>example.com</domain>
                <result>pass</result>
                <selector>google</selector>
              </dkim>
              <spf>
                <domain>bounce.example.com</domain>
                <result>softfail</result>
              </spf>
            </auth_results>
          </record>
        </feedback>
        """

    @Test("RFC 7489 form: no namespace, pct, no scope")
    func legacyForm() throws {
        let report = try AggregateReport(xml: Array(Self.legacy.utf8))
        #expect(report.form == .rfc7489)
        #expect(report.version == nil)
        #expect(report.metadata.reportID == "5717107811868587391")
        #expect(report.metadata.extraContactInfo == "https://support.mailbox.example/dmarc")
        #expect(report.metadata.begin == 1_706_832_000 && report.metadata.end == 1_706_918_399)
        #expect(report.policy == .init(domain: "example.com", p: DMARCRecord.Policy.none, sp: DMARCRecord.Policy.none, fo: "0", adkim: .relaxed, aspf: .relaxed, pct: 100))
        #expect(report.records == [.init(sourceIP: "2001:db8::1", count: 3, evaluated: .init(disposition: AggregateReport.PolicyEvaluated.Disposition.none, dkimAligned: true, spfAligned: false),
                                         identifiers: .init(headerFrom: "example.com"),
                                         dkim: [.init(domain: "example.com", selector: "google", result: .pass)],
                                         spf: .init(domain: "bounce.example.com", scope: nil, result: .softfail))])
    }

    /// Deviations tolerated, each seen in reports from large reporters: a byte order mark, `xmlns:xsi`/`xmlns:xsd` on
    /// the root, the draft namespace `http://dmarc.org/dmarc-xml/0.1`, white space around values, enumerated values
    /// in capitals, a DKIM result without `selector`, `scope` `helo`, RFC 7489 reasons `forwarded` and `sampled_out`,
    /// several `error`s, an empty `envelope_from`, `version` `1`, and unknown or foreign-namespace elements.
    @Test("tolerated deviations of large reporters")
    func toleratedDeviations() throws {
        let text = """
            <?xml version="1.0"?>
            <feedback xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://dmarc.org/dmarc-xml/0.1" xmlns:x="urn:example:ext">
              <version>1</version>
              <report_metadata>
                <org_name> Outlook </org_name>
                <email>dmarcreport@example.net</email>
                <report_id>&lt;a1b2@example.net&gt;</report_id>
                <date_range><begin>1</begin><end>2</end></date_range>
                <error>first</error>
                <error>second</error>
                <x:vendor>ignored</x:vendor>
              </report_metadata>
              <policy_published>
                <domain>example.com</domain>
                <p>Reject</p>
                <unknown_tag>ignored</unknown_tag>
              </policy_published>
              <record>
                <row>
                  <source_ip>
                    192.0.2.1
                  </source_ip>
                  <count>1</count>
                  <policy_evaluated>
                    <disposition>QUARANTINE</disposition>
                    <dkim>FAIL</dkim>
                    <spf>Pass</spf>
                    <reason><type>forwarded</type></reason>
                    <reason><type>sampled_out</type><comment>pct</comment></reason>
                  </policy_evaluated>
                </row>
                <identifiers>
                  <envelope_to>example.org</envelope_to>
                  <envelope_from></envelope_from>
                  <header_from>example.com</header_from>
                </identifiers>
                <auth_results>
                  <dkim><domain>example.com</domain><result>PermError</result></dkim>
                  <spf><domain>helo.example.com</domain><scope>helo</scope><result>pass</result></spf>
                </auth_results>
                <x:arc>ignored</x:arc>
              </record>
            </feedback>
            """
        let report = try AggregateReport(xml: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        #expect(report.form == .rfc7489)
        #expect(report.version == "1")
        #expect(report.metadata.orgName == "Outlook")
        #expect(report.metadata.reportID == "<a1b2@example.net>")
        #expect(report.metadata.errors == ["first", "second"])
        #expect(report.policy == .init(domain: "example.com", p: .reject))
        #expect(report.records == [
            .init(sourceIP: "192.0.2.1", count: 1,
                  evaluated: .init(disposition: .quarantine, dkimAligned: false, spfAligned: true,
                                   reasons: [.init(.forwarded), .init(.sampledOut, comment: "pct")]),
                  identifiers: .init(headerFrom: "example.com", envelopeFrom: "", envelopeTo: "example.org"),
                  dkim: [.init(domain: "example.com", selector: nil, result: .permerror)],
                  spf: .init(domain: "helo.example.com", scope: .helo, result: .pass)),
        ])
    }

    @Test("RFC 9990 §3.2: extension elements at file and record level are ignored")
    func extensions() throws {
        var text = String(decoding: AggregateReportWritingTests.report.xml(), as: UTF8.self)
        text = text.replacingOccurrences(of: "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">",
                                         with: "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\" xmlns:ext=\"urn:example:arc\">")
        text = text.replacingOccurrences(of: "  </policy_published>\n", with: "  </policy_published>\n  <extension>\n    <ext:arc-override>never</ext:arc-override>\n  </extension>\n")
        text = text.replacingOccurrences(of: "    </auth_results>\n", with: "    </auth_results>\n    <ext:arc-results><ext:x a='1'/></ext:arc-results>\n")
        let report = try AggregateReport(xml: Array(text.utf8))
        #expect(report == AggregateReportWritingTests.report)
    }

    static func refusal(_ text: String) -> AggregateReportError.Code? {
        do {
            _ = try AggregateReport(xml: Array(text.utf8))
            return nil
        } catch {
            #expect(!error.reason.isEmpty)
            return error.code
        }
    }

    static let minimalRecord = "<record><row><source_ip>192.0.2.1</source_ip><count>1</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com</header_from></identifiers><auth_results/></record>"
    static let minimalHead = "<report_metadata><org_name>o</org_name><email>e</email><report_id>r</report_id><date_range><begin>1</begin><end>2</end></date_range></report_metadata><policy_published><domain>example.com</domain><p>none</p></policy_published>"

    static func minimal(_ body: String = minimalHead + minimalRecord, root: String = "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">") -> String {
        root + body + "</feedback>"
    }

    @Test("the minimal report is read")
    func minimalReport() throws {
        #expect(Self.refusal(Self.minimal()) == nil)
        #expect(try AggregateReport(xml: Array(Self.minimal().utf8)).form == .rfc9990)
    }

    @Test("no DTD, no entities but the predefined five and character references")
    func entities() {
        #expect(Self.refusal("<!DOCTYPE feedback [<!ENTITY a \"aaaa\">]>" + Self.minimal()) == .malformedXML)
        #expect(Self.refusal("<!DOCTYPE feedback SYSTEM \"file:///etc/passwd\">" + Self.minimal()) == .malformedXML)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<org_name>o", with: "<org_name>&xxe;")) == .malformedXML)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<org_name>o", with: "<org_name>&#0;")) == .malformedXML)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<org_name>o", with: "<org_name>&#x41;&#66;&amp;&quot;&apos;")) == nil)
    }

    @Test("malformed XML")
    func malformed() {
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "</org_name>", with: "</orgname>")) == .malformedXML)
        #expect(Self.refusal(String(Self.minimal().dropLast())) == .malformedXML)
        #expect(Self.refusal(Self.minimal() + "<more/>") == .malformedXML)
        #expect(Self.refusal(Self.minimal(root: "<x:feedback>")) == .malformedXML)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<email>", with: "<email a='1' a='2'>")) == .malformedXML)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<email>e", with: "<email>\u{01}")) == .malformedXML)
        #expect(Self.refusal("") == .malformedXML)
    }

    @Test("not an aggregate report")
    func invalid() {
        #expect(Self.refusal(Self.minimal(Self.minimalHead)) == .invalidReport)
        #expect(Self.refusal(Self.minimal(root: "<feedback xmlns=\"urn:example:other\">")) == .invalidReport)
        #expect(Self.refusal("<report>" + Self.minimalHead + Self.minimalRecord + "</report>") == .invalidReport)
        #expect(Self.refusal(Self.minimal(Self.minimalHead + Self.minimalHead + Self.minimalRecord)) == .invalidReport)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<p>none</p>", with: "")) == .invalidReport)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<disposition>none", with: "<disposition>drop")) == .invalidReport)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<count>1", with: "<count>-1")) == .invalidReport)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<begin>1", with: "<begin>3")) == .invalidReport)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "192.0.2.1", with: "host.example")) == .invalidReport)
    }

    @Test("limits: size, depth, elements, attributes, name length")
    func limits() {
        let deep = String(repeating: "<a>", count: BoundedXML.maximumDepth) + String(repeating: "</a>", count: BoundedXML.maximumDepth)
        #expect(Self.refusal(Self.minimal(Self.minimalHead + Self.minimalRecord + "<x xmlns='urn:x'>" + deep + "</x>")) == .limitExceeded)
        let attributes = (0...BoundedXML.maximumAttributes).map { " a\($0)='v'" }.joined()
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<email>", with: "<email\(attributes)>")) == .limitExceeded)
        let name = String(repeating: "n", count: BoundedXML.maximumNameLength + 1)
        #expect(Self.refusal(Self.minimal(Self.minimalHead + Self.minimalRecord + "<\(name)/>")) == .limitExceeded)
        let many = String(repeating: "<e/>", count: BoundedXML.maximumElements)
        #expect(Self.refusal(Self.minimal(Self.minimalHead + Self.minimalRecord + many)) == .limitExceeded)
        let large = [UInt8](repeating: 0x20, count: BoundedXML.maximumSize + 1)
        #expect(throws: AggregateReportError.self) { try AggregateReport(xml: large) }
        let value = String(repeating: "v", count: AggregateReport.maximumValueLength + 1)
        #expect(Self.refusal(Self.minimal().replacingOccurrences(of: "<org_name>o", with: "<org_name>\(value)")) == .limitExceeded)
    }
}
