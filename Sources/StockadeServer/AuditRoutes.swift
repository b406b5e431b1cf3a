import Audit
import DNS
import Directory
import Foundation
import Hummingbird
import Store
import Synchronization

/// `GET /audit/DOMAIN`: the audit of a served domain as a page (`audit.mustache`), the same checks as `stockade check`
/// through the configured resolver and the system's trust roots. A domain the directory does not serve is 404. One
/// report per domain is kept for ``AuditRoutes/reuseInterval``, so requests cannot make the server probe hosts at will.
struct AuditRoutes: Sendable {
    /// How long a report is shown again instead of auditing anew.
    static let reuseInterval: TimeInterval = 60

    let directory: Directory
    let resolver: String?
    let templates: PageTemplates
    private let reports = ReportCache()

    /// The last report of each domain and when it was made.
    private final class ReportCache: Sendable {
        let entries = Mutex<[String: (at: Date, report: AuditReport)]>([:])
    }

    init(directory: Directory, resolver: String?, templates: PageTemplates) {
        self.directory = directory
        self.resolver = resolver
        self.templates = templates
    }

    func add(to router: Router<StockadeRequestContext>) {
        router.get("/audit/:domain") { _, context in
            let asked = try context.parameters.require("domain").lowercased()
            let domain = asked.hasSuffix(".") ? String(asked.dropLast()) : asked
            guard try await directory.domains().contains(where: { $0.name == domain }) else {
                return templates.response(.error, title: "Not found", view: ["message": "This server does not serve that domain."],
                                          status: .notFound)
            }
            let report = try await report(for: domain)
            return templates.response(.audit, title: AuditPage.title(report), view: AuditPage.View(report))
        }
    }

    private func report(for domain: String) async throws -> AuditReport {
        let now = Date()
        if let kept = reports.entries.withLock({ $0[domain] }), now.timeIntervalSince(kept.at) < Self.reuseInterval { return kept.report }
        let configuration = try resolver.map { try ResolverConfiguration(servers: [$0]) } ?? ResolverConfiguration.fromResolvConf()
        let report = await (try DomainAuditor(resolver: Resolver(configuration: configuration))).audit(domain)
        reports.entries.withLock { $0[domain] = (now, report) }
        return report
    }
}
