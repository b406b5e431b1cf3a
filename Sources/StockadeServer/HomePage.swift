import Directory
import Foundation
import Hummingbird
import Store

/// `GET /`: what this server runs, with a link to each part that is on (key server pages, WKD of the served domains,
/// MTA-STS policies, the socketmap, the milter, the report inbox, the development mail sink and the demo's keys);
/// `home.mustache`.
struct HomePage {
    let configuration: ServerConfiguration
    let directory: Directory
    let sinkOn: Bool
    /// The demo's addresses with their WKD hashes (``DemoData``), shown when the demo is on.
    let demoAddresses: [(address: String, wkdHash: String)]
    let templates: PageTemplates

    func add(to router: Router<StockadeRequestContext>) {
        router.get("/") { _, _ in templates.response(.home, title: "Home", view: try await view()) }
    }

    /// What `home.mustache` shows; every field is escaped when rendered.
    struct View {
        struct Domain { let name, kind: String }
        struct DemoKey { let address, domain, path: String }
        struct Policy { let domain, mode: String }
        struct Socketmap { let listen: String }
        struct Milter { let listen: String }
        struct ReportInbox { let path: String; let domains: [String]; let dashboards: Bool }

        let keyServer: Bool
        let devMail: Bool
        /// The HTTP listener, `host:port`, in the `curl` lines.
        let listen: String
        let domains: [Domain]
        let demoKeys: [DemoKey]
        let policies: [Policy]
        let socketmap: Socketmap?
        let milter: Milter?
        let reportInbox: ReportInbox?
    }

    func view() async throws -> View {
        View(
            keyServer: configuration.keyServer != nil,
            devMail: sinkOn,
            listen: configuration.listen,
            domains: try await directory.domains().map { View.Domain(name: $0.name, kind: $0.kind.rawValue) },
            demoKeys: demoAddresses.map { entry in
                let domain = entry.address.split(separator: "@").last.map(String.init) ?? ""
                return View.DemoKey(address: entry.address, domain: domain, path: "/.well-known/openpgpkey/\(domain)/hu/\(entry.wkdHash)")
            },
            policies: configuration.mtaSTS.map { View.Policy(domain: $0.domain, mode: $0.mode) },
            socketmap: configuration.socketmap.map { View.Socketmap(listen: $0.listen) },
            milter: configuration.milter.map { View.Milter(listen: $0.listen) },
            reportInbox: configuration.reportInbox.map {
                View.ReportInbox(path: $0.path ?? ReportInboxSetup.defaultPath, domains: $0.domains, dashboards: configuration.adminToken != nil)
            })
    }
}
