import Foundation
import TestSupport
import Testing

/// The report inbox's pages (`GET /reports/DOMAIN` and `/reports/DOMAIN/dmarc`) in headless Chromium (Debian `chromium`
/// and `chromium-driver`, Selenium from PyPI) with JavaScript off: a TLSRPT report uploaded over HTTP and a DMARC
/// aggregate report delivered over LMTP, read back from the DOM; the links between the two pages followed by the
/// browser; the admin token sent as an `Authorization` header (DevTools `Network.setExtraHTTPHeaders`), and without it
/// the browser gets 401.
@Suite("Report pages in Chromium (lab)")
struct ReportPagesBrowserTests {
    static let script = """
        def rows(table):
            for row in browser.find_elements(By.CSS_SELECTOR, "table#" + table + " tr"):
                cells = [cell.text.replace("\\n", " / ") for cell in row.find_elements(By.TAG_NAME, "td")]
                if cells:
                    print(table, " | ".join(cells))
        base, token = sys.argv[1], sys.argv[2]
        browser.get(base + "/reports/example.test?from=2026-12-04&to=2026-12-04")
        print("anonymous", browser.find_element(By.TAG_NAME, "body").text)
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Bearer " + token}})
        browser.get(base + "/reports/example.test?from=2026-12-04&to=2026-12-04")
        print("title", browser.title)
        print("totals", browser.find_element(By.ID, "successful").text, browser.find_element(By.ID, "failed").text)
        for table in ("days", "result-types", "sending-mtas", "receiving-mxs", "policies", "reports"):
            rows(table)
        print("raw", browser.find_element(By.CSS_SELECTOR, "table#reports a.link").get_attribute("href").replace(base, ""))
        browser.find_element(By.LINK_TEXT, "DMARC reports").click()
        print("title", browser.title)
        for table in ("days", "sources", "senders", "reporters"):
            rows(table)
        browser.find_element(By.LINK_TEXT, "TLS reports").click()
        print("back", browser.title, browser.current_url.replace(base, ""))
        """

    @Test func theInboxPagesInTheBrowser() async throws {
        let lmtpPort = freeLoopbackPort()
        let server = try await ReportInboxServeTests.server(lmtpPort: lmtpPort, metricsPort: freeLoopbackPort())
        defer { server.stop(); server.removeData() }
        let uploaded = try HTTPExchange.send(port: server.port, method: "POST", path: "/reports/tlsrpt",
                                             headers: ["Content-Type": "application/tlsrpt+json"],
                                             body: try ReportInboxServeTests.fixture("google-shaped.json"))
        #expect(uploaded.status == 201, "\(uploaded.text)")
        let delivered = try await ReportInboxServeTests.deliverOverLMTP(ReportInboxServeTests.dmarcReportMail, port: lmtpPort)
        #expect(delivered.transcript.contains("<-  250 2.0.0 Report stored"), "\(delivered.transcript)")
        let summary = try ReportInboxServeTests.api(server, "/reports/api/example.test?from=2026-12-04&to=2026-12-04")
        let reports = try #require((try JSONSerialization.jsonObject(with: Data(summary.body)) as? [String: Any])?["reports"] as? [[String: Any]])
        let reportID = try #require(reports.first?["id"] as? Int)

        let output = try runInChromium(Self.script, arguments: ["http://127.0.0.1:\(server.port)", ReportInboxServeTests.token])
        // google-shaped.json: Google Inc., one sts policy for example.test on 2026-12-04, 41 sessions succeeded and 2
        // failed with validation-failure from 192.0.2.201 to mx1.example.test.
        #expect(output.split(separator: "\n").map(String.init) == [
            #"anonymous {"error":"a valid bearer token is required"}"#,
            "title TLS reports for example.test · Stockade",
            "totals 41 2",
            "days 2026-12-04 | 41 | 2",
            "result-types validation-failure | 2",
            "sending-mtas 192.0.2.201 | 2",
            "receiving-mxs mx1.example.test | 2",
            "policies Google Inc. | sts | version: STSv1 / mode: enforce / mx: *.example.test / max_age: 2592000 | 41 | 2",
            "reports Google Inc. | 2026-12-04T00:00:00Z_example.test | 2026-12-04T00:00:00Z | https |  | 41 | 2",
            "raw /reports/api/example.test/raw/\(reportID)",
            "title DMARC reports for example.test · Stockade",
            "days 2026-12-04 | 4 | 2",
            "sources 192.0.2.10 | 4 | 0",
            "sources 198.51.100.7 | 0 | 2",
            "senders example.test | 4 | 2",
            "reporters receiver.test | 4 | 2",
            "back TLS reports for example.test · Stockade /reports/example.test?from=2026-12-04&to=2026-12-04",
        ], "\(output)")
    }
}
