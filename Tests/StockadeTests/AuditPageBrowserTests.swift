import Foundation
import TestSupport
import Testing

/// `GET /audit/DOMAIN` of `stockade serve` in headless Chromium (Debian `chromium` and `chromium-driver`, Selenium from
/// PyPI), for a served domain of the lab (audit.test) through the lab's resolver, with JavaScript off; an unserved domain
/// is 404. The browser script prints what it read from the DOM.
@Suite("Audit page in Chromium")
struct AuditPageBrowserTests {
    /// Read from the DOM: the title, the overall grade, each area's grade and finding ids, an unserved domain's error.
    static let script = """
        browser.get(sys.argv[1] + "/audit/audit.test")
        print("title", browser.title)
        print("overall", browser.find_element(By.ID, "overall").text)
        for section in browser.find_elements(By.CSS_SELECTOR, "section.area"):
            grade = section.find_element(By.CSS_SELECTOR, "span.grade").text
            ids = [row.get_attribute("data-id") for row in section.find_elements(By.CSS_SELECTOR, "tr.finding")]
            print("area", section.get_attribute("id"), grade, " ".join(ids))
        browser.get(sys.argv[1] + "/audit/unserved.test")
        print("unserved", browser.find_element(By.ID, "error").text)
        """

    @Test func servedDomainAuditInTheBrowser() async throws {
        let server = try await ServerProcess(extra: ["domains": ["audit.test"], "resolver": try CLI.labResolver()])
        defer {
            server.stop()
            server.removeData()
        }
        let output = try runInChromium(Self.script, arguments: ["http://127.0.0.1:\(server.port)"])
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.first == "title Audit of audit.test · Stockade")
        #expect(lines.dropFirst().first?.hasPrefix("overall Overall: fail · ") == true)
        // The page trusts only the system's roots, so certificate findings are not asserted; the DNS-only areas are.
        #expect(lines.contains("area area-dnssec pass dnssec-signed dnssec-mx-signed dnssec-mx-signed"))
        #expect(lines.contains("area area-mx pass mx-present"))
        #expect(lines.contains("area area-tlsrpt pass tlsrpt-record"))
        #expect(lines.contains("area area-spf warn spf-record spf-void-lookup spf-lookups spf-neutral-all"))
        #expect(lines.contains("area area-dmarc fail dmarc-record dmarc-policy-none dmarc-rua dmarc-rua-unauthorized"))
        #expect(lines.contains("area area-caa pass caa-none caa-present caa-present caa-present"))
        #expect(lines.last == "unserved This server does not serve that domain.")
    }
}
