import Directory
import Foundation
import Hummingbird
import Store

/// `GET /`: what this server runs, with a link to each part that is on (key server pages, WKD of the served domains,
/// MTA-STS policies, the socketmap, the development mail sink and the demo's keys). Everything interpolated is escaped.
struct HomePage {
    let configuration: ServerConfiguration
    let directory: Directory
    let sinkOn: Bool
    /// The demo's addresses with their WKD hashes (``DemoData``), shown when the demo is on.
    let demoAddresses: [(address: String, wkdHash: String)]

    func add(to router: Router<StockadeRequestContext>) {
        router.get("/") { _, _ in
            // "Search" when the key server is on: its search form leads the page, as it did before the page existed.
            HTMLPage.response(title: configuration.keyServer != nil ? "Search" : "Stockade", body: try await body())
        }
    }

    func body() async throws -> String {
        var sections: [String] = []
        if configuration.keyServer != nil {
            sections.append("""
                <h2>Key server</h2>
                <form method="get" action="/search">
                <label for="q">Email address, fingerprint or key ID</label>
                <input id="q" name="q" type="search" size="50" required>
                <button type="submit">Search</button>
                </form>
                <ul id="keyserver"><li><a href="/search">Search</a></li><li><a href="/upload">Upload a key</a></li>\
                <li><a href="/manage">Manage a published key</a></li></ul>
                """)
        }
        if sinkOn {
            sections.append("""
                <h2>Development mail</h2>
                <p>Mail is not sent: every message is kept and shown at <a id="devmail" href="/dev/mail">/dev/mail</a>.</p>
                """)
        }
        let domains = try await directory.domains()
        if !domains.isEmpty {
            let items = domains.map { domain in
                let name = HTMLPage.escape(domain.name)
                return "<li class=\"domain\">\(name) (\(HTMLPage.escape(domain.kind.rawValue))): WKD at "
                    + "<code>openpgpkey.\(name)/.well-known/openpgpkey/\(name)/…</code></li>"
            }.joined()
            sections.append("<h2>Domains</h2>\n<ul id=\"domains\">\(items)</ul>")
        }
        if !demoAddresses.isEmpty {
            let items = demoAddresses.map { entry in
                let domain = entry.address.split(separator: "@").last.map(String.init) ?? ""
                let path = "/.well-known/openpgpkey/\(domain)/hu/\(entry.wkdHash)"
                return "<li class=\"demo\">\(HTMLPage.escape(entry.address)): <code>curl -s -H 'Host: openpgpkey.\(HTMLPage.escape(domain))' "
                    + "http://\(HTMLPage.escape(configuration.listen))\(HTMLPage.escape(path)) | gpg --show-keys</code></li>"
            }.joined()
            sections.append("<h2>Demo keys (WKD)</h2>\n<ul id=\"demo\">\(items)</ul>")
        }
        if !configuration.mtaSTS.isEmpty {
            let items = configuration.mtaSTS.map { policy in
                "<li class=\"mtasts\">\(HTMLPage.escape(policy.domain)) (\(HTMLPage.escape(policy.mode))): <code>curl -s -H 'Host: mta-sts."
                    + "\(HTMLPage.escape(policy.domain))' http://\(HTMLPage.escape(configuration.listen))/.well-known/mta-sts.txt</code></li>"
            }.joined()
            sections.append("<h2>MTA-STS policies</h2>\n<ul id=\"mtasts\">\(items)</ul>")
        }
        if let socketmap = configuration.socketmap {
            sections.append("""
                <h2>Postfix policy service</h2>
                <p id="socketmap"><code>postmap -q example.org socketmap:inet:\(HTMLPage.escape(socketmap.listen)):postfix</code></p>
                """)
        }
        sections.append("<p><a href=\"/health\">/health</a></p>")
        return sections.joined(separator: "\n")
    }
}
