import Foundation
import Store
import TestSupport
import Testing

/// The sending side of RFC 8460 against Stockade's own receiving side, all real: a `stockade serve` with `tlsrpt`
/// (the libtlsrpt collector socket) and `reportInbox` (HTTPS on self.tlsrpt.test = 127.0.13.1:443 with a CA this test
/// makes with openssl, LMTP behind the lab's Postfix). The libtlsrpt datagrams are written to the collector socket,
/// `stockade tlsrpt send` sends the day's reports, and the inbox's JSON API shows exactly the sessions sent: the
/// report about self.tlsrpt.test by HTTPS POST (its `_smtp._tls` rua is https, RFC 8460 §5.3.2), the one about
/// mail.self.tlsrpt.test by DKIM-signed mail through the outbox, Postfix and LMTP (rua mailto, §5.3.1).
@Suite("TLS reports sent by stockade tlsrpt send into Stockade's own inbox (lab)", .serialized)
struct TLSRPTSendingEndToEndTests {
    /// self.tlsrpt.test's A record (lab/zones/tlsrpt.test.zone); the inbox listens there on 443.
    static let inboxAddress = "127.0.13.1"
    static let smtpdAddress = "127.0.13.25"
    static let token = "tlsrpt-sending-admin-token-0123456789"
    static let organization = "Stockade Lab Sender"

    /// The libtlsrpt datagrams of `Tests/TLSRPTTests/Fixtures/collector` (recorded from a libtlsrpt 0.5.1rc2 build, see
    /// `Tests/TLSRPTTests/CollectorDatagramTests.swift`), moved into the lab: company-y.example becomes self.tlsrpt.test
    /// (8 datagrams, 11 sessions, 6 failed), other.example becomes mail.self.tlsrpt.test (3 datagrams, 3 sessions,
    /// 2 failed); the totals are tlsrpt-collectd's for the original datagrams (TLSRPTCollectorTests).
    static func datagrams(filePath: String = #filePath) throws -> [[UInt8]] {
        let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TLSRPTTests/Fixtures/collector")
        return try (1...11).map { number in
            let text = try String(contentsOf: folder.appendingPathComponent(String(format: "example-%02d.json", number)), encoding: .utf8)
            return Array(text.replacingOccurrences(of: "company-y.example", with: "self.tlsrpt.test")
                .replacingOccurrences(of: "other.example", with: "mail.self.tlsrpt.test").utf8)
        }
    }

    /// A CA and a certificate for self.tlsrpt.test signed by it, made with openssl; returns the CA's PEM path.
    static func makeCertificates(in folder: URL) throws -> String {
        let path = folder.path
        try runTool("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                "-keyout", "\(path)/ca.key", "-out", "\(path)/ca.pem", "-days", "2", "-subj", "/CN=Stockade TLSRPT test CA",
                                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try runTool("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                "-keyout", "\(path)/server.key", "-out", "\(path)/server.csr", "-subj", "/CN=self.tlsrpt.test"])
        try Data("""
            subjectAltName = DNS:self.tlsrpt.test
            basicConstraints = critical,CA:FALSE
            keyUsage = critical,digitalSignature
            extendedKeyUsage = serverAuth
            subjectKeyIdentifier = hash
            authorityKeyIdentifier = keyid

            """.utf8).write(to: folder.appendingPathComponent("server.ext"))
        try runTool("openssl", ["x509", "-req", "-in", "\(path)/server.csr", "-CA", "\(path)/ca.pem", "-CAkey", "\(path)/ca.key",
                                "-CAcreateserial", "-days", "2", "-extfile", "\(path)/server.ext", "-out", "\(path)/server.pem"])
        return "\(path)/ca.pem"
    }

    /// GET over HTTPS from the inbox, trusting the test's CA, with the admin token.
    static func inbox(_ path: String, ca: String) throws -> String {
        String(decoding: try runTool("curl", ["-sS", "--max-time", "10", "--cacert", ca, "--resolve", "self.tlsrpt.test:443:\(inboxAddress)",
                                              "-H", "Authorization: Bearer \(token)", "https://self.tlsrpt.test\(path)"]), as: UTF8.self)
    }

    /// `json` with its object members sorted, for exact comparison.
    static func sorted(_ json: String) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(json.utf8)),
                                                     options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    @Test func reportsGoByHTTPSAndByMailAndTheInboxShowsExactlyTheSessionsSent() async throws {
        let folder = URL(fileURLWithPath: "/tmp/stockade-tlsrpt-send-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ca = try Self.makeCertificates(in: folder)
        let dkimKey = try MilterPostfixTests.writeKey(in: folder)
        let collector = folder.appendingPathComponent("collector.sock").path
        let lmtpPort = freeLoopbackPort()

        // The lab's Postfix: mail for self.tlsrpt.test goes to the inbox over LMTP (Postfix's own lmtp service).
        let postfix = try PostfixMilterHost.deliveringOverLMTP(address: Self.smtpdAddress, domain: "self.tlsrpt.test", lmtpPort: lmtpPort)
        defer { postfix.stop() }

        let server = try await ServerProcess(extra: [
            "listen": "\(Self.inboxAddress):443",
            "tls": ["certificates": [["hosts": ["self.tlsrpt.test"], "certificate": "\(folder.path)/server.pem", "key": "\(folder.path)/server.key"]]],
            "resolver": try labVariable("STOCKADE_RESOLVER"),
            "adminToken": Self.token,
            "mail": ["relay": "\(Self.smtpdAddress):\(postfix.port)", "tls": "none"],
            "reportInbox": ["domains": ["self.tlsrpt.test", "mail.self.tlsrpt.test"], "lmtp": "127.0.0.1:\(lmtpPort)",
                            "addresses": ["tlsrpt@self.tlsrpt.test"]],
            "tlsrpt": ["collector": collector, "orgName": Self.organization, "submitter": "mx.mail.test",
                       "contact": "mailto:postmaster@mail.test", "from": "tlsrpt@mail.test", "caFile": ca,
                       "signing": ["domain": "mail.test", "selector": "s1", "key": dkimKey]],
        ], errorLog: folder.appendingPathComponent("serve.log"))
        defer { server.stop(); server.removeData() }

        // The sessions, as Postfix 3.10 would report them through libtlsrpt; counted by the server's collector.
        let start = Date()
        let dayStart = Date(timeIntervalSince1970: TimeInterval(Int64(start.timeIntervalSince1970) / 86_400 * 86_400))
        let day = String(ISO8601DateFormatter().string(from: dayStart).prefix(10))
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: collector) { try await Task.sleep(for: .milliseconds(50)) }
        try await sendUnixDatagrams(try Self.datagrams(), to: collector)
        let store = try SQLiteStore(path: server.dataDirectory.appendingPathComponent("stockade.sqlite").path)
        var sessions = 0
        for _ in 0..<100 {
            sessions = 0
            for domain in try await store.tlsSessionDomains(day: dayStart) {
                sessions += try await store.tlsSessionCounts(domain: domain, day: dayStart).reduce(0) { $0 + $1.sessions }
            }
            if sessions == 14 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(sessions == 14, "\(server.errorLog.map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" } ?? "")")

        // Send the day's reports now: one POST (self), one mail queued (mail.self).
        let sent = try CLI.run(["tlsrpt", "send", "--config", server.configFile.path, "--date", day])
        #expect(sent.output == #"{"reports":2,"posts":1,"mails":1,"noRecord":0,"failures":0}"# + "\n", "\(sent.error)")
        #expect(sent.status == 0)
        #expect(TimeInterval(Int64(Date().timeIntervalSince1970) / 86_400 * 86_400) == dayStart.timeIntervalSince1970,
                "the test ran across midnight UTC; run it again")
        // Sent once: a second run finds the domain and day claimed.
        let again = try CLI.run(["tlsrpt", "send", "--config", server.configFile.path, "--date", day])
        #expect(again.output == #"{"reports":0,"posts":0,"mails":0,"noRecord":0,"failures":0}"# + "\n" && again.status == 0)

        // (a) The report POSTed over HTTPS, as the inbox stored it: the hand-written report, byte for byte.
        let posted = try Self.sorted(try Self.inbox("/reports/api/self.tlsrpt.test?from=\(day)&to=\(day)", ca: ca))
        let details = #""additional-information":"This is additional information","failure-reason-code":"999 TEST ERROR""#
        let expectedSummary: String = [
            #"{"days":[{"day":"\#(day)","failed":6,"successful":5}],"domain":"self.tlsrpt.test","from":"\#(day)","#,
            #""policies":[{"failed":1,"organization":"\#(Self.organization)","strings":[],"successful":1,"type":"no-policy-found"},"#,
            #"{"failed":0,"organization":"\#(Self.organization)","strings":["version: STSv1","mode: testing and will contain  no failures","#,
            #""mx: *.mail.self.tlsrpt.test","max_age: 86400"],"successful":1,"type":"sts"},"#,
            #"{"failed":3,"organization":"\#(Self.organization)","strings":["version: STSv1","mode: testing","mx: *.mail.self.tlsrpt.test","#,
            #""max_age: 86400"],"successful":1,"type":"sts"},"#,
            #"{"failed":2,"organization":"\#(Self.organization)","strings":["3 0 1 1F850A337E6DB9C609C522D136A475638CC43E1ED424F8EEC8513D747D1D085D","#,
            #""3 0 1 12350A337E6DB9C6123522D136A475638CC43E1ED424F8EEC8513D747D1D1234"],"successful":2,"type":"tlsa"}],"#,
            // The no-policy-found failure names no MX host (libtlsrpt lets the MTA leave it out).
            #""receivingMXs":[{"sessions":8,"value":"mailin.example.com"},{"sessions":1,"value":"unknown"}],"#,
            #""reports":[{"begin":"\#(day)T00:00:00Z","channel":"https","end":"\#(day)T23:59:59Z","failed":6,"id":1,"#,
            #""organization":"\#(Self.organization)","reportID":"\#(day).self.tlsrpt.test@mx.mail.test","successful":5}],"#,
            #""resultTypes":[{"sessions":3,"value":"sts-policy-invalid"},{"sessions":3,"value":"sts-webpki-invalid"},"#,
            #"{"sessions":2,"value":"certificate-expired"},{"sessions":1,"value":"validation-failure"}],"#,
            #""sendingMTAs":[{"sessions":5,"value":"1.2.3.4"},{"sessions":3,"value":"1.2.3.5"},{"sessions":1,"value":"192.168.25.25"}],"#,
            #""to":"\#(day)"}"#,
        ].joined()
        #expect(posted == expectedSummary)
        let raw = try Self.inbox("/reports/api/self.tlsrpt.test/raw/1", ca: ca)
        let expectedReport: String = [
            #"{"organization-name":"\#(Self.organization)","date-range":{"start-datetime":"\#(day)T00:00:00Z","#,
            #""end-datetime":"\#(day)T23:59:59Z"},"contact-info":"mailto:postmaster@mail.test","#,
            #""report-id":"\#(day).self.tlsrpt.test@mx.mail.test","policies":["#,
            #"{"policy":{"policy-type":"no-policy-found","policy-string":[],"policy-domain":"self.tlsrpt.test"},"#,
            #""summary":{"total-successful-session-count":1,"total-failure-session-count":1},"#,
            #""failure-details":[{"result-type":"validation-failure","sending-mta-ip":"192.168.25.25","receiving-ip":"11.22.33.55","#,
            #""failed-session-count":1,"additional-information":"Something unexpected happened","failure-reason-code":"http://www.google.com/"}]},"#,
            #"{"policy":{"policy-type":"tlsa","policy-string":["3 0 1 1F850A337E6DB9C609C522D136A475638CC43E1ED424F8EEC8513D747D1D085D","#,
            #""3 0 1 12350A337E6DB9C6123522D136A475638CC43E1ED424F8EEC8513D747D1D1234"],"policy-domain":"self.tlsrpt.test"},"#,
            #""summary":{"total-successful-session-count":2,"total-failure-session-count":2},"#,
            #""failure-details":[{"result-type":"certificate-expired","sending-mta-ip":"1.2.3.4","receiving-mx-hostname":"mailin.example.com","#,
            #""receiving-mx-helo":"tes-ehlo.example.com","receiving-ip":"11.22.33.55","failed-session-count":2,\#(details)}]},"#,
            #"{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: testing","mx: *.mail.self.tlsrpt.test","max_age: 86400"],"#,
            #""policy-domain":"self.tlsrpt.test","mx-host":["*.mail.self.tlsrpt.test","*.mail2.self.tlsrpt.test"]},"#,
            #""summary":{"total-successful-session-count":1,"total-failure-session-count":3},"#,
            #""failure-details":[{"result-type":"sts-policy-invalid","sending-mta-ip":"1.2.3.4","receiving-mx-hostname":"mailin.example.com","#,
            #""receiving-mx-helo":"test-ehlo.example.com","receiving-ip":"11.22.33.44","failed-session-count":3,\#(details)},"#,
            #"{"result-type":"sts-webpki-invalid","sending-mta-ip":"1.2.3.5","receiving-mx-hostname":"mailin.example.com","#,
            #""receiving-mx-helo":"test-ehlo.example.com","receiving-ip":"11.22.33.55","failed-session-count":3,\#(details)}]},"#,
            #"{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: testing and will contain  no failures","#,
            #""mx: *.mail.self.tlsrpt.test","max_age: 86400"],"policy-domain":"self.tlsrpt.test","mx-host":["*.mail.self.tlsrpt.test"]},"#,
            #""summary":{"total-successful-session-count":1,"total-failure-session-count":0},"failure-details":[]}]}"#,
        ].joined()
        #expect(raw == expectedReport)

        // (b) The report mailed through the outbox, Postfix and LMTP: the same sessions, its DKIM signature verified.
        var mailed = ""
        for _ in 0..<300 {
            mailed = try Self.inbox("/reports/api/mail.self.tlsrpt.test?from=\(day)&to=\(day)", ca: ca)
            if mailed.contains("\"reportID\"") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let expectedMailed: String = [
            #"{"days":[{"day":"\#(day)","failed":2,"successful":1}],"domain":"mail.self.tlsrpt.test","#,
            #""from":"\#(day)","policies":[{"failed":1,"organization":"\#(Self.organization)","strings":[],"successful":0,"type":"no-policy-found"},"#,
            #"{"failed":0,"organization":"\#(Self.organization)","strings":["3 1 1 0123456789ABCDEF"],"successful":1,"type":"tlsa"},"#,
            #"{"failed":1,"organization":"\#(Self.organization)","strings":["3 1 1 AB\"quote\\back\tslash\u0001 é"],"successful":0,"type":"tlsa"}],"#,
            // The starttls-not-supported failure names neither address nor MX host.
            #""receivingMXs":[{"sessions":1,"value":"mx.mail.self.tlsrpt.test"},{"sessions":1,"value":"unknown"}],"#,
            #""reports":[{"begin":"\#(day)T00:00:00Z","channel":"mail","dkim":"pass","end":"\#(day)T23:59:59Z","failed":2,"id":2,"#,
            #""organization":"\#(Self.organization)","reportID":"\#(day).mail.self.tlsrpt.test@mx.mail.test","successful":1}],"#,
            #""resultTypes":[{"sessions":1,"value":"dane-required"},{"sessions":1,"value":"starttls-not-supported"}],"#,
            #""sendingMTAs":[{"sessions":1,"value":"2001:db8::1"},{"sessions":1,"value":"unknown"}],"to":"\#(day)"}"#,
        ].joined()
        let mailedSorted = try Self.sorted(mailed)
        #expect(mailedSorted == expectedMailed, "\(postfix.log())")
    }
}
