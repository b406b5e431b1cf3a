import Directory
import Foundation
import Logging
import OpenPGP
import Store
import StockadeServer
import TestSupport
import Testing

/// The newcomer's path through `config/demo.json` (issue 14): home page, the demo keys over WKD, an upload verified
/// through the development mail sink, the socketmap answering, and a restart that creates nothing again.
@Suite("the demo configuration")
struct DemoTests {
    /// `config/demo.json` with its folders in `data`, the HTTP listener on `port` and the socketmap on `socketmapPort`.
    static func demoConfiguration(data: URL, port: Int, socketmapPort: Int) throws -> [String: Any] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../config/demo.json")
        var configuration = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        #expect(configuration["demo"] as? Bool == true)
        configuration["listen"] = "127.0.0.1:\(port)"
        configuration["dataDirectory"] = data.path
        configuration["mail"] = ["sink": data.appendingPathComponent("mail").path]
        var keyServer = try #require(configuration["keyServer"] as? [String: Any])
        keyServer["baseURL"] = "http://127.0.0.1:\(port)"
        configuration["keyServer"] = keyServer
        var socketmap = try #require(configuration["socketmap"] as? [String: Any])
        socketmap["listen"] = "127.0.0.1:\(socketmapPort)"
        configuration["socketmap"] = socketmap
        var milter = try #require(configuration["milter"] as? [String: Any])
        milter["listen"] = "inet:127.0.0.1:\(freeLoopbackPort())"
        configuration["milter"] = milter
        return configuration
    }

    static let aliceHash = "kei1q4tipxxu1yj79k9kfukdhfy631xe"  // `stockade wkd hash alice@demo.test`

    @Test func newcomersPath() async throws {
        let port = freeLoopbackPort()
        let socketmapPort = freeLoopbackPort()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-demo-\(UUID().uuidString.prefix(8))")
        let server = try await ServerProcess(extra: try Self.demoConfiguration(data: data, port: port, socketmapPort: socketmapPort),
                                             dataDirectory: data, port: port)
        let home = try GnuPGHome()
        defer {
            server.stop()
            server.removeData()
            home.close()
        }

        // The home page links every part that is on.
        let page = try server.request("GET", "/")
        #expect(page.status == 200)
        for link in ["href=\"/search\"", "href=\"/upload\"", "href=\"/manage\"", "href=\"/dev/mail\"", "demo.test (provider)",
                     "mta-sts.demo.test", "socketmap:inet:127.0.0.1:\(socketmapPort):postfix", Self.aliceHash,
                     "<code>smtpd_milters = inet:127.0.0.1:", "<code>POST http://127.0.0.1:\(port)/reports/tlsrpt</code>",
                     "<code>/reports/demo.test</code> and <code>/reports/demo.test/dmarc</code>"] {
            #expect(page.text.contains(link), "home page lacks \(link)")
        }

        // The report inbox takes the demo's TLS report (config/demo-tlsrpt.json: 120 sessions succeeded and 3 failed
        // with certificate-expired on 2026-12-01) and its API shows it to the admin token.
        let report = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../config/demo-tlsrpt.json"))
        let posted = try server.request("POST", "/reports/tlsrpt", headers: ["Content-Type": "application/tlsrpt+json"], body: Array(report))
        #expect(posted.status == 201, "\(posted.text)")
        let summary = try server.request("GET", "/reports/api/demo.test?from=2026-12-01&to=2026-12-01",
                                         headers: ["Authorization": "Bearer demo-admin-token-not-secret"])
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(summary.body)) as? [String: Any], "\(summary.text)")
        #expect((shown["days"] as? [[String: Any]])?.map { "\($0["day"]!) \($0["successful"]!) \($0["failed"]!)" } == ["2026-12-01 120 3"])
        #expect((shown["resultTypes"] as? [[String: Any]])?.map { "\($0["value"]!) \($0["sessions"]!)" } == ["certificate-expired 3"])

        // alice's generated key is published over WKD with exactly her user ID, for Stockade and for GnuPG.
        let wkd = try server.request("GET", "/.well-known/openpgpkey/demo.test/hu/\(Self.aliceHash)", host: "openpgpkey.demo.test")
        #expect(wkd.status == 200)
        let alice = try Certificate(bytes: wkd.body)
        #expect(alice.userIDs.map { String(decoding: $0.userID.body, as: UTF8.self) } == ["Alice <alice@demo.test>"])
        #expect(alice.status(at: Date()).validity == .valid)
        #expect(try home.shownUserIDs(of: wkd.body) == ["Alice <alice@demo.test>"])

        // Upload a key through the page, ask for the mail, read it at /dev/mail, follow its link.
        let carol = try CertificateBuilder(userID: "Carol <carol@example.org>").generate()
        let uploaded = try server.form("/upload", [("keytext", carol.armored())])
        #expect(uploaded.status == 200)
        let token = try #require(snippet(after: "name=\"token\" value=\"", in: uploaded.text))
        let requested = try server.form("/upload/verify", [("token", token), ("address", "carol@example.org")])
        #expect(requested.status == 200, "\(requested.text)")
        var name: String?
        for _ in 0..<100 {
            let list = try server.request("GET", "/dev/mail")
            #expect(list.status == 200)
            if list.text.contains("carol@example.org") { name = snippet(after: "href=\"/dev/mail/", in: list.text); break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let message = try server.request("GET", "/dev/mail/\(try #require(name, "no mail in the sink"))")
        #expect(message.status == 200)
        #expect(message.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(message.text.contains("To: carol@example.org"))
        let link = try #require(snippet(after: "http://127.0.0.1:\(port)/verify/", in: message.text, until: { !$0.isWhitespace }))
        #expect(try server.request("GET", "/vks/v1/by-email/carol@example.org").status == 404)
        #expect(try server.request("POST", "/verify/\(link)").status == 200)
        #expect(try server.request("GET", "/vks/v1/by-email/carol@example.org").status == 200)
        // Only names of files the sink wrote are served.
        for path in ["/dev/mail/..%2F..%2Fstockade.sqlite", "/dev/mail/../stockade.sqlite", "/dev/mail/\(name!)x",
                     "/dev/mail/%2E%2E%2Fkeyserver.secret"] {
            #expect(try server.request("GET", path).status == 404, "\(path)")
        }

        // The socketmap answers at once for the demo domain (no policy: postmap's "not found").
        try await SocketmapServiceTests.waitForListener(port: socketmapPort)
        let started = ContinuousClock.now
        #expect(try SocketmapServiceTests.postmap("demo.test", port: socketmapPort) == nil)
        #expect(ContinuousClock.now - started < .seconds(30))

        // A second start on the same data creates nothing again.
        server.stop()
        try await server.restart()
        let again = try server.request("GET", "/.well-known/openpgpkey/demo.test/hu/\(Self.aliceHash)", host: "openpgpkey.demo.test")
        #expect(try Certificate(bytes: again.body).fingerprint == alice.fingerprint)
        server.stop()
        let directory = Directory(store: try SQLiteStore(path: data.appendingPathComponent("stockade.sqlite").path))
        #expect(try await directory.addresses(accountID: "alice").map(\.display).sorted() == ["alice.smith@demo.test", "alice@demo.test"])
        #expect(try await directory.addresses(accountID: "bob").map(\.display) == ["bob@demo.test"])
        #expect(try await directory.domains().map(\.name) == ["demo.test"])
    }

    @Test func devMailIsOffWithoutTheSink() async throws {
        let server = try await ServerProcess()
        defer {
            server.stop()
            server.removeData()
        }
        #expect(try server.request("GET", "/").status == 200)
        #expect(try server.request("GET", "/dev/mail").status == 404)
        #expect(try server.request("GET", "/dev/mail/20260101T000000Z-000000000001.eml").status == 404)
    }

    @Test func relayAndSinkExcludeEachOther() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-demo-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: data) }
        var configuration = ServerConfiguration(dataDirectory: data.path,
                                                keyServer: KeyServerSettings(baseURL: "http://127.0.0.1", mailFrom: "keys@example.org"),
                                                mail: MailSettings(relay: "127.0.0.1:25", sink: data.path))
        await #expect { _ = try await StockadeApplication.build(configuration: configuration, logger: .init(label: "test")) } throws: {
            ($0 as? ConfigurationError)?.reason == "mail.relay and mail.sink exclude each other: set one"
        }
        configuration.mail = MailSettings()
        await #expect { _ = try await StockadeApplication.build(configuration: configuration, logger: .init(label: "test")) } throws: {
            ($0 as? ConfigurationError)?.reason == "mail needs \"relay\": \"host:port\" or, for development only, \"sink\": \"DIR\""
        }
    }

    /// Stockade's own certificates read back by Stockade, GnuPG and Sequoia.
    @Test func certificateBuilderOutputIsValidEverywhere() throws {
        let certificate = try CertificateBuilder(userID: "Dana <dana@example.org>").generate()
        let parsed = try Certificate(bytes: certificate.serialized)
        let status = parsed.status(at: Date())
        #expect(status.validity == .valid)
        #expect(status.userIDs.map(\.validity) == [.valid])
        #expect(status.subkeys.map(\.validity) == [.valid])
        #expect(parsed.primaryKey.algorithm == .eddsaLegacy)
        #expect(parsed.subkeys.map(\.key.algorithm) == [.ecdh])
        let home = try GnuPGHome()
        defer { home.close() }
        #expect(try home.shownUserIDs(of: certificate.serialized) == ["Dana <dana@example.org>"])
        let listing = String(decoding: try home.gpg(["--with-colons", "--show-keys", try home.write(certificate.serialized, name: "d.pgp")]),
                             as: UTF8.self)
        let keys = listing.split(separator: "\n").filter { $0.hasPrefix("pub:") || $0.hasPrefix("sub:") }
            .map { $0.split(separator: ":", omittingEmptySubsequences: false) }
        #expect(keys.map { "\($0[0]):\($0[3]):\($0[11])" } == ["pub:22:scESC", "sub:18:e"])  // the primary may certify and sign, the subkey encrypt
        if let sq = try? locateTool("sq") {
            let file = try home.write(certificate.serialized, name: "d2.pgp")
            let inspected = String(decoding: try runTool(sq, ["inspect", file]), as: UTF8.self)
            #expect(inspected.contains("Dana <dana@example.org>"))
            #expect(!inspected.contains("Invalid"), "\(inspected)")
        }
    }
}
