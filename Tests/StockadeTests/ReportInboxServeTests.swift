import Crypto
import DKIM
import Foundation
import TestSupport
import Testing

/// `"reportInbox"` in `stockade serve`: TLSRPT reports delivered by Postfix over LMTP (`transport_maps` →
/// `lmtp:inet:…`) and uploaded over HTTP, shown by the JSON API and the dashboard, counted in the metrics.
@Suite("report inbox in stockade serve (lab)", .serialized)
struct ReportInboxServeTests {
    static let smtpdAddress = "127.0.12.27"
    static let token = "report-inbox-admin-token-0123456789"

    /// A file of `Tests/TLSRPTTests/Fixtures` (origins in its README).
    static func fixture(_ name: String, filePath: String = #filePath) throws -> [UInt8] {
        let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TLSRPTTests/Fixtures")
        return Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    /// `mail` signed by the lab zone mail.test's selector s1 (lab/zones/mail.test.zone).
    static func signedByMailTest(_ mail: [UInt8]) throws -> [UInt8] {
        let key = try DKIMSigningKey(ed25519Seed: Array(SHA256.hash(data: Data("stockade mail.test ed25519 selector s1".utf8))))
        return try DKIMSigner(domain: "mail.test", selector: "s1", key: key).sign(DKIMMessage(parsing: mail), at: Date()).bytes
    }

    static func server(lmtpPort: Int, metricsPort: Int) async throws -> ServerProcess {
        try await ServerProcess(extra: [
            "resolver": try labVariable("STOCKADE_RESOLVER"),
            "adminToken": token,
            "metrics": ["listen": "127.0.0.1:\(metricsPort)"],
            "reportInbox": ["domains": ["example.test"], "lmtp": "127.0.0.1:\(lmtpPort)", "addresses": ["tlsrpt@example.test", "dmarc@example.test"]],
        ])
    }

    /// A DMARC aggregate report of receiver.test about example.test for 2026-12-04 (RFC 9990 §5.2, XML as the message
    /// body): 192.0.2.10 sent 4 messages that passed on DKIM, 198.51.100.7 sent 2 that failed and were rejected.
    static var dmarcReportMail: String {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0</version>
            <report_metadata><org_name>receiver.test</org_name><email>dmarc@receiver.test</email><report_id>r-1</report_id>
            <date_range><begin>1796342400</begin><end>1796428799</end></date_range></report_metadata>
            <policy_published><domain>example.test</domain><p>reject</p></policy_published>
            <record><row><source_ip>192.0.2.10</source_ip><count>4</count><policy_evaluated><disposition>none</disposition>
            <dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.test</header_from></identifiers>
            <auth_results><dkim><domain>example.test</domain><selector>s1</selector><result>pass</result></dkim>
            <spf><domain>example.test</domain><result>fail</result></spf></auth_results></record>
            <record><row><source_ip>198.51.100.7</source_ip><count>2</count><policy_evaluated><disposition>reject</disposition>
            <dkim>fail</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.test</header_from></identifiers>
            <auth_results><spf><domain>example.test</domain><result>fail</result></spf></auth_results></record>
            </feedback>
            """
        return "From: dmarc@receiver.test\r\nTo: dmarc@example.test\r\nSubject: Report Domain: example.test\r\n"
            + "Content-Type: text/xml\r\n\r\n" + xml.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
    }

    /// Delivers `mail` to the inbox's LMTP listener on `port` with swaks (as Postfix's lmtp client would).
    static func deliverOverLMTP(_ mail: String, port: Int) async throws -> (status: Int32, transcript: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-dmarc-\(UUID().uuidString.prefix(8)).eml")
        try Data(mail.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        for _ in 0..<100 where !canConnect(host: "127.0.0.1", port: port) { try await Task.sleep(for: .milliseconds(50)) }
        return try swaks(["--protocol", "LMTP", "--server", "127.0.0.1", "--port", "\(port)", "--helo", "postfix.test",
                          "--from", "dmarc@receiver.test", "--to", "dmarc@example.test", "--data", file.path])
    }

    static func api(_ server: ServerProcess, _ path: String) throws -> HTTPExchange {
        try HTTPExchange.send(port: server.port, method: "GET", path: path, headers: ["Authorization": "Bearer \(token)"])
    }

    @Test func postfixDeliversOverLMTPAndTheAPIShowsIt() async throws {
        let lmtpPort = freeLoopbackPort(), metricsPort = freeLoopbackPort()
        let server = try await Self.server(lmtpPort: lmtpPort, metricsPort: metricsPort)
        defer { server.stop(); server.removeData() }
        let postfix = try PostfixMilterHost.deliveringOverLMTP(address: Self.smtpdAddress, domain: "example.test", lmtpPort: lmtpPort)
        defer { postfix.stop() }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-report-serve-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let google = try Self.fixture("google-shaped-mail.eml")
        // Date and Message-ID first: Postfix would add them to a mail without, and the signature covers their absence.
        let microsoft = try Self.signedByMailTest(Array("Date: Sat, 05 Dec 2026 01:00:00 +0000\r\nMessage-ID: <1@microsoft.test>\r\n".utf8)
                                                  + Self.fixture("microsoft-shaped-mail.eml"))
        for (name, mail) in [("google", google), ("microsoft", microsoft)] {
            let file = folder.appendingPathComponent("\(name).eml").path
            try Data(mail).write(to: URL(fileURLWithPath: file))
            let sent = try swaks(["--server", Self.smtpdAddress, "--port", "\(postfix.port)", "--ehlo", "reporter.test", "--timeout", "20",
                                  "--from", "reports@\(name).test", "--to", "tlsrpt@example.test", "--data", file])
            #expect(sent.status == 0, "\(sent.transcript)\n\(postfix.log())")
        }
        var summary: [String: Any] = [:]
        for _ in 0..<200 {
            let response = try Self.api(server, "/reports/api/example.test?from=2026-12-01&to=2026-12-31")
            summary = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            if (summary["reports"] as? [Any])?.count == 2 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let reports = try #require(summary["reports"] as? [[String: Any]], "\(postfix.log())")
        #expect(reports.map { "\($0["organization"]!)|\($0["channel"]!)|\($0["dkim"]!)|\($0["successful"]!)" }
                == ["Google Inc.|mail|none|48", "Microsoft Corporation|mail|pass|12"], "\(postfix.log())")
        #expect((summary["days"] as? [[String: Any]])?.map { "\($0["day"]!) \($0["successful"]!) \($0["failed"]!)" }
                == ["2026-12-03 48 0", "2026-12-04 12 0"])
        // Drill-down: the mail as Postfix delivered it, its Received field on top of the reporter's message.
        let raw = try Self.api(server, "/reports/api/example.test/raw/\(reports[0]["id"]!)")
        #expect(raw.status == 200 && raw.headers["content-type"] == "message/rfc822")
        #expect(raw.text.hasPrefix("Received: from reporter.test"), "\(raw.text.prefix(200))")
        // swaks sends CRLF "." CRLF after the file's own final CRLF: the delivered message ends in one empty line more.
        #expect(raw.text.hasSuffix(String(decoding: google, as: UTF8.self) + "\r\n"), "\(raw.text.suffix(300).debugDescription)")
        #expect(try Self.api(server, "/reports/api/other.test/raw/\(reports[0]["id"]!)").status == 404)
        let samples = try MetricsTests.scrape(port: metricsPort)
        #expect(samples[#"stockade_reports_received_total{kind="tlsrpt",result="stored"}"#] == 2)
    }

    /// RFC 8460 §5.3 over HTTP: 201 stored, 200 already stored, 415 wrong type, 413 for a 512 MiB gzip bomb (refused
    /// at 16 MiB inflated, quickly), 422 for another domain; the admin token guards the API; the dashboard escapes.
    @Test func uploadsOverHTTP() async throws {
        let server = try await Self.server(lmtpPort: freeLoopbackPort(), metricsPort: freeLoopbackPort())
        defer { server.stop(); server.removeData() }
        func upload(_ body: [UInt8], _ type: String) throws -> HTTPExchange {
            try HTTPExchange.send(port: server.port, method: "POST", path: "/reports/tlsrpt", headers: ["Content-Type": type], body: body)
        }
        let json = try Self.fixture("google-shaped.json")
        let stored = try upload(json, "application/tlsrpt+json")
        #expect(stored.status == 201 && stored.text == #"{"result":"tlsrpt report stored"}"#)
        let again = try upload(json, "application/tlsrpt+json")
        #expect(again.status == 200 && again.text == #"{"result":"tlsrpt report already stored"}"#)
        let wrongType = try upload(json, "application/json")
        #expect(wrongType.status == 415, "\(wrongType.text)")
        let other = try upload(Self.fixture("rfc8460-example.json"), "application/tlsrpt+json")
        #expect(other.status == 422 && other.text == #"{"error":"the report is about no domain this inbox accepts reports for"}"#)

        var bomb: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF] + (try Self.fixture("bomb-first.deflate"))
        let repeated = try Self.fixture("bomb-repeat.deflate")
        for _ in 0..<511 { bomb += repeated }
        bomb += try Self.fixture("bomb-final.deflate") + [0x20, 0x83, 0xB8, 0x6D, 0x00, 0x00, 0x00, 0x20]
        let started = ContinuousClock.now
        let refused = try upload(bomb, "application/tlsrpt+gzip")
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(refused.status == 413 && refused.text == #"{"error":"the gzip stream inflates to more than 16777216 octets"}"#)

        let hostile = String(decoding: json, as: UTF8.self).replacingOccurrences(of: "\"Google Inc.\"", with: "\"<b>Evil</b> & Co\"")
        #expect(try upload(Array(hostile.utf8), "application/tlsrpt+json").status == 201)

        #expect(try HTTPExchange.send(port: server.port, method: "GET", path: "/reports/api/example.test", headers: [:]).status == 401)
        let page = try Self.api(server, "/reports/example.test?from=2026-12-04&to=2026-12-04")
        #expect(page.status == 200)
        #expect(page.text.contains(#"<b id="successful">82</b> sessions succeeded, <b id="failed">4</b> failed."#))
        #expect(page.text.contains("<td>&lt;b&gt;Evil&lt;/b&gt; &amp; Co</td>") && !page.text.contains("<b>Evil</b>"))
        #expect(page.text.contains("<tr><td><code>validation-failure</code></td><td>4</td></tr>"))
        #expect(try Self.api(server, "/reports/api/example.test?from=2026-12-31&to=2026-12-01").status == 400)
    }

    /// Behind a trusted reverse proxy the hourly upload allowance is counted per forwarded client, read from the right
    /// of `X-Forwarded-For` past the trusted hops, so entries a client writes itself on the left change nothing; an
    /// entry that is no address is refused at start with the setting's name.
    @Test func uploadAllowanceBehindATrustedProxy() async throws {
        let server = try await ServerProcess(extra: [
            "reportInbox": ["domains": ["example.test"], "uploadsPerHour": 2, "trustedProxies": ["127.0.0.0/8"]],
        ])
        defer { server.stop(); server.removeData() }
        let json = try Self.fixture("google-shaped.json")
        func upload(forwardedFor: String) throws -> Int {
            try HTTPExchange.send(port: server.port, method: "POST", path: "/reports/tlsrpt",
                                  headers: ["Content-Type": "application/tlsrpt+json", "X-Forwarded-For": forwardedFor], body: json).status
        }
        #expect(try upload(forwardedFor: "192.0.2.1") == 201)
        #expect(try upload(forwardedFor: "198.51.100.9, 192.0.2.1") == 200)
        #expect(try upload(forwardedFor: "203.0.113.5, 192.0.2.1") == 429, "the third upload of 192.0.2.1 this hour")
        #expect(try upload(forwardedFor: "192.0.2.2") == 200, "another client behind the same proxy has its own allowance")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-proxies-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = folder.appendingPathComponent("config.json")
        try JSONSerialization.data(withJSONObject: ["listen": "127.0.0.1:\(freeLoopbackPort())", "dataDirectory": folder.path,
                                                    "reportInbox": ["domains": ["example.test"], "trustedProxies": ["proxy.example"]]])
            .write(to: configuration)
        let refused = try CLI.run(["serve", "--config", configuration.path])
        #expect(refused.status == 1)
        #expect(refused.error.contains("reportInbox.trustedProxies: proxy.example is not an IP address or CIDR prefix"), "\(refused.error)")
    }

    /// A DMARC aggregate report (RFC 9990 §5.2, XML as the message body) delivered by swaks over LMTP, shown by the
    /// DMARC API and page: passed and failed per source address and per From domain.
    @Test func dmarcReportOverLMTP() async throws {
        let lmtpPort = freeLoopbackPort()
        let server = try await Self.server(lmtpPort: lmtpPort, metricsPort: freeLoopbackPort())
        defer { server.stop(); server.removeData() }
        let sent = try await Self.deliverOverLMTP(Self.dmarcReportMail, port: lmtpPort)
        #expect(sent.transcript.contains("<-  250 2.0.0 Report stored"), "\(sent.transcript)")
        let api = try Self.api(server, "/reports/api/example.test/dmarc?from=2026-12-04&to=2026-12-04")
        let sorted = String(decoding: try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(api.body)),
                                                                  options: [.sortedKeys]), as: UTF8.self)
        #expect(sorted == #"{"days":[{"failed":2,"passed":4,"value":"2026-12-04"}],"domain":"example.test","from":"2026-12-04","#
                + #""reporters":[{"failed":2,"passed":4,"value":"receiver.test"}],"senders":[{"failed":2,"passed":4,"value":"example.test"}],"#
                + #""sources":[{"failed":0,"passed":4,"value":"192.0.2.10"},{"failed":2,"passed":0,"value":"198.51.100.7"}],"to":"2026-12-04"}"#,
                "\(api.text)")
        let page = try Self.api(server, "/reports/example.test/dmarc?from=2026-12-04&to=2026-12-04")
        #expect(page.text.contains("<tr><td><code>198.51.100.7</code></td><td>0</td><td>2</td></tr>"), "\(page.text)")
    }
}
