import Directory
import Foundation
import Mustache
import OpenPGP
import Store
@testable import StockadeServer
import TestSupport
import Testing

/// Every field a page echoes, fed `<script>alert(1)</script>"'&`: the page shows it escaped, exactly, and carries no raw
/// `<script`. Through a real `stockade serve` (key server, development mail sink, an MTA-STS policy) for what a request,
/// the store, the sink or the configuration can bring; in process for the home page's directory domains and listen
/// strings, which a running server refuses or cannot bind.
@Suite("Page escaping")
struct PageEscapingTests {
    static let payload = #"<script>alert(1)</script>"'&"#
    static let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/StockadeServer/Templates")

    @Test func mustacheEscapesTheFiveHTMLCharacters() throws {
        let rendered = try MustacheTemplate(string: #"<p title="{{x}}">{{x}}</p>"#).render(["x": Self.payload])
        #expect(rendered == #"<p title="\#(Self.escaped)">\#(Self.escaped)</p>"#)
    }

    /// `{{{x}}}` and `{{&x}}` would echo unescaped, a content-type switch could turn escaping off, and a single-quoted
    /// attribute would rely on `'` being escaped: none appears in the templates.
    @Test func templatesUseOnlyEscapedVariables() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.templates.path).filter { $0.hasSuffix(".mustache") }.sorted()
        #expect(names == ["audit", "confirm", "dev-mail", "error", "home", "layout", "manage-link-sent", "manage", "managed-key",
                          "managed", "published", "report-dashboard", "report-dmarc", "search-form", "search", "upload-result",
                          "upload", "uploaded", "verification-sent"].map { $0 + ".mustache" })
        for name in names {
            let text = try String(contentsOf: Self.templates.appendingPathComponent(name), encoding: .utf8)
            for unsafe in ["{{{", "{{&", "CONTENT_TYPE", "='", "= '"] { #expect(!text.contains(unsafe), "\(name) contains \(unsafe)") }
        }
    }

    @Test func pagesEscapeWhatRequestsStoreSinkAndConfigurationBring() async throws {
        let port = freeLoopbackPort()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-escaping-\(UUID().uuidString.prefix(8))")
        // The sink's folder, shown on /dev/mail, has the payload in its path (two folders, split at the slash).
        let sink = data.appendingPathComponent(Self.payload)
        let server = try await ServerProcess(extra: [
            "keyServer": ["baseURL": "http://127.0.0.1:\(port)", "mailFrom": "keys@example.test"],
            "mail": ["sink": sink.path],
            "mtaSTS": [["domain": Self.payload, "mode": "testing", "mx": ["mail.example.test"]]],
        ], dataDirectory: data, port: port)
        defer {
            server.stop()
            server.removeData()
        }
        let e = Self.escaped

        // Configuration: the MTA-STS policy's domain on the home page.
        try expectPage(try server.request("GET", "/"), 200, shows: [
            "<li class=\"mtasts\">\(e) (testing): <code>curl -s -H 'Host: mta-sts.\(e)' http://127.0.0.1:\(port)/.well-known/mta-sts.txt</code></li>",
        ])

        // Request: the search query, in the form and in "No key found".
        try expectPage(try server.request("GET", "/search?q=\(formEncoded(Self.payload))"), 400, shows: ["value=\"\(e)\""])
        let quoteAddress = #""'&x@example.org"#
        try expectPage(try server.request("GET", "/search?q=\(formEncoded(quoteAddress))"), 404, shows: [
            "value=\"&quot;&#39;&amp;x@example.org\"", "No key found for &quot;&#39;&amp;x@example.org.",
        ])

        // Request: upload refusals, addresses in the verify and manage forms, tokens in URLs.
        try expectPage(try server.form("/upload", [("keytext", Self.payload)]), 400, shows: ["<p id=\"error\">not an OpenPGP public key"])
        let carol = try CertificateBuilder(userID: "Carol <carol@example.org>").generate()
        let uploaded = try server.form("/upload", [("keytext", carol.armored())])
        try expectPage(uploaded, 200, shows: ["<td class=\"address\">carol@example.org</td>"])
        let token = try #require(snippet(after: "name=\"token\" value=\"", in: uploaded.text))
        try expectPage(try server.form("/upload/verify", [("token", token), ("address", Self.payload)]), 400,
                       shows: ["<p id=\"error\">\(e) is not a valid user ID of key "])
        try expectPage(try server.form("/manage", [("email", Self.payload)]), 400, shows: ["<p id=\"error\">\(e) is not an email address</p>"])
        for (method, path) in [("GET", "/verify/"), ("POST", "/verify/"), ("GET", "/manage/"), ("POST", "/manage/")] {
            try expectPage(try server.request(method, path + formEncoded(Self.payload)), 404, shows: [])
        }

        // Store: a published address removed through a manage link, with the payload as the address to remove.
        try expectPage(try server.form("/upload/verify", [("token", token), ("address", "carol@example.org")]), 200,
                       shows: ["A verification link is on its way to <b>carol@example.org</b>."])
        let verify = try await mailedPath("verify", in: sink)
        try expectPage(try server.request("GET", verify), 200, shows: ["<form method=\"post\" action=\"\(verify)\">"])
        try expectPage(try server.request("POST", verify), 200, shows: ["<b>carol@example.org</b> is now published"])
        try expectPage(try server.form("/manage", [("email", "carol@example.org")]), 200, shows: ["<b>carol@example.org</b>"])
        let manage = try await mailedPath("manage", in: sink)
        try expectPage(try server.request("GET", manage), 200, shows: ["<span class=\"address\">carol@example.org</span>"])
        try expectPage(try server.form(manage, [("address", Self.payload)]), 400, shows: ["<p id=\"error\">\(e) is not an email address</p>"])

        // Sink: a message whose To, Subject, Date and link carry the payload (the link ends at its `>`).
        let message = "From: keys@example.test\r\nTo: \(Self.payload)\r\nSubject: \(Self.payload)\r\nDate: \(Self.payload)\r\n\r\n"
            + "Open http://example.test/\(Self.payload)\r\n"
        let name = "29991231T235959Z-999999999999.eml"
        try Data(message.utf8).write(to: sink.appendingPathComponent(name))
        try expectPage(try server.request("GET", "/dev/mail"), 200, shows: [
            "kept in <code>\(sink.path.replacingOccurrences(of: Self.payload, with: e))</code>",
            "<tr class=\"message\"><td class=\"date\">\(e)</td><td class=\"to\">\(e)</td><td class=\"subject\"><a href=\"/dev/mail/\(name)\">\(e)</a></td>"
                + "<td><a class=\"link\" href=\"http://example.test/&lt;script\">http://example.test/&lt;script</a></td></tr>",
        ])
    }

    /// The home page's fields that a running server cannot be given: directory domain names (the directory refuses
    /// them, so one is written to the store directly), the HTTP and socketmap listen strings, the demo's addresses.
    @Test func homePageEscapesDomainsListenersAndDemoKeys() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("stockade-escaping-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try SQLiteStore(path: data.appendingPathComponent("stockade.sqlite").path)
        try await store.insertDomain(DomainRecord(name: Self.payload, kind: .hosted, createdAt: Date()))
        let configuration = ServerConfiguration(listen: Self.payload, socketmap: SocketmapSettings(listen: Self.payload),
                                                mtaSTS: [PublishedPolicySetting(domain: "example.org", mode: Self.payload, mx: [])])
        let templates = try await PageTemplates.load(navigation: .init(keyServer: false, devMail: false))
        let page = HomePage(configuration: configuration, directory: Directory(store: store), sinkOn: false,
                            demoAddresses: [(address: "\(Self.payload)@\(Self.payload)", wkdHash: Self.payload)], templates: templates)
        let html = templates.render(.home, title: "Home", view: try await page.view())
        let e = Self.escaped
        for shown in [
            "<li class=\"domain\">\(e) (hosted): WKD at <code>openpgpkey.\(e)/.well-known/openpgpkey/\(e)/…</code></li>",
            "<li class=\"demo\">\(e)@\(e): <code>curl -s -H 'Host: openpgpkey.\(e)' http://\(e)/.well-known/openpgpkey/\(e)/hu/\(e) | gpg --show-keys</code></li>",
            "<li class=\"mtasts\">example.org (\(e)): <code>curl -s -H 'Host: mta-sts.example.org' http://\(e)/.well-known/mta-sts.txt</code></li>",
            "<p id=\"socketmap\"><code>postmap -q example.org socketmap:inet:\(e):postfix</code></p>",
        ] {
            #expect(html.contains(shown), "the home page lacks \(shown)")
        }
        #expect(!html.contains("<script"))
        // The key server and the sink are off: no link to them, in the navigation or on the page.
        #expect(!html.contains("href=\"/search\"") && !html.contains("href=\"/dev/mail\""))
    }

    /// The page has `status`, is uncached HTML, shows each of `shows` and has no `<script` anywhere.
    func expectPage(_ page: HTTPExchange, _ status: Int, shows: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(page.status == status, "\(page.text)", sourceLocation: sourceLocation)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8", sourceLocation: sourceLocation)
        #expect(page.headers["cache-control"] == "no-store", sourceLocation: sourceLocation)
        #expect(!page.text.contains("<script"), "raw <script in \(page.text)", sourceLocation: sourceLocation)
        for text in shows { #expect(page.text.contains(text), "the page lacks \(text): \(page.text)", sourceLocation: sourceLocation) }
    }

    /// The `/verify/…` or `/manage/…` path in the newest message of the sink with such a link, waiting up to 10 s.
    func mailedPath(_ kind: String, in sink: URL) async throws -> String {
        for _ in 0..<100 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: sink.path))?.filter { $0.hasSuffix(".eml") }.sorted() ?? []
            for name in names.reversed() {
                let text = try String(contentsOf: sink.appendingPathComponent(name), encoding: .utf8).replacingOccurrences(of: "=\r\n", with: "")
                if let token = snippet(after: "/\(kind)/", in: text, until: { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                    return "/\(kind)/\(token)"
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MailNotInSink(kind: kind)
    }

    struct MailNotInSink: Error { let kind: String }
}
