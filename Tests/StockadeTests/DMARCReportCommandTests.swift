import DMARC
import Foundation
@testable import StockadeServer
import Store
import TestSupport
import Testing

/// `stockade dmarc report --domain D --date DAY --database PATH`: the XML of the stored results, and the aggregation
/// the store does (one row per distinct key, counted, in first-seen order; other days and domains left out).
@Suite("stockade dmarc report")
struct DMARCReportCommandTests {
    @Test func printsTheDaysReport() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let store = try SQLiteStore(path: path)
        let record = "v=DMARC1; p=quarantine; rua=mailto:agg@reject.dmarc.test"
        for (offset, ip, domain) in [(10.0, "192.0.2.1", "reject.dmarc.test"), (20, "2001:db8::1", "reject.dmarc.test"),
                                     (30, "192.0.2.1", "reject.dmarc.test"), (40, "192.0.2.1", "other.test"),
                                     (86_400 + 5, "192.0.2.1", "reject.dmarc.test")] {
            var result = DMARCReportJobTests.result(at: offset, ip: ip, domain: domain, record: record)
            result.key.signatures = [.init(domain: "x.test", selector: "k", result: "fail"), .init(domain: domain, selector: "s", result: "pass")]
            result.key.dkimAligned = true
            result.key.disposition = "pass"
            try await store.recordDMARCResult(result)
        }
        let output = try CLI.run(["dmarc", "report", "--domain", "Reject.dmarc.test", "--date", "2026-12-05", "--database", path])
        #expect(output.status == 0)
        let expected = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
              <version>1.0</version>
              <report_metadata>
                <org_name>Stockade</org_name>
                <email>postmaster@localhost</email>
                <report_id>1796428800.reject.dmarc.test@localhost</report_id>
                <date_range>
                  <begin>1796428800</begin>
                  <end>1796515199</end>
                </date_range>
                <generator>Stockade \(StockadeApplication.version)</generator>
              </report_metadata>
              <policy_published>
                <domain>reject.dmarc.test</domain>
                <discovery_method>treewalk</discovery_method>
                <p>quarantine</p>
                <fo>0</fo>
                <adkim>r</adkim>
                <aspf>r</aspf>
                <testing>n</testing>
              </policy_published>
              <record>
                <row>
                  <source_ip>192.0.2.1</source_ip>
                  <count>2</count>
                  <policy_evaluated>
                    <disposition>pass</disposition>
                    <dkim>pass</dkim>
                    <spf>fail</spf>
                  </policy_evaluated>
                </row>
                <identifiers>
                  <header_from>reject.dmarc.test</header_from>
                  <envelope_from>reject.dmarc.test</envelope_from>
                  <envelope_to>receiver.test</envelope_to>
                </identifiers>
                <auth_results>
                  <dkim>
                    <domain>reject.dmarc.test</domain>
                    <selector>s</selector>
                    <result>pass</result>
                  </dkim>
                  <dkim>
                    <domain>x.test</domain>
                    <selector>k</selector>
                    <result>fail</result>
                  </dkim>
                  <spf>
                    <domain>reject.dmarc.test</domain>
                    <scope>mfrom</scope>
                    <result>fail</result>
                  </spf>
                </auth_results>
              </record>
              <record>
                <row>
                  <source_ip>2001:db8::1</source_ip>
                  <count>1</count>
                  <policy_evaluated>
                    <disposition>pass</disposition>
                    <dkim>pass</dkim>
                    <spf>fail</spf>
                  </policy_evaluated>
                </row>
                <identifiers>
                  <header_from>reject.dmarc.test</header_from>
                  <envelope_from>reject.dmarc.test</envelope_from>
                  <envelope_to>receiver.test</envelope_to>
                </identifiers>
                <auth_results>
                  <dkim>
                    <domain>reject.dmarc.test</domain>
                    <selector>s</selector>
                    <result>pass</result>
                  </dkim>
                  <dkim>
                    <domain>x.test</domain>
                    <selector>k</selector>
                    <result>fail</result>
                  </dkim>
                  <spf>
                    <domain>reject.dmarc.test</domain>
                    <scope>mfrom</scope>
                    <result>fail</result>
                  </spf>
                </auth_results>
              </record>
            </feedback>

            """
        #expect(output.output == expected)
        let none = try CLI.run(["dmarc", "report", "--domain", "reject.dmarc.test", "--date", "2026-12-04", "--database", path])
        #expect(none.status == 1)
        #expect(none.error == "error: no DMARC results for reject.dmarc.test on 2026-12-04\n")
        #expect(try CLI.run(["dmarc", "report", "--domain", "x.test", "--date", "2026-13-01", "--database", path]).status == 64)
    }
}
