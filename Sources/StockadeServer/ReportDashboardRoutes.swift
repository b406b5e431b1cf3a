import Foundation
import HTTPTypes
import Hummingbird
import Store

/// What the inbox shows, behind the admin token: `GET /reports/api/DOMAIN?from=YYYY-MM-DD&to=YYYY-MM-DD` (the JSON of
/// ``TLSRPTSummary``), `GET /reports/api/DOMAIN/raw/ID` (a stored report as it came) and `GET /reports/DOMAIN` (the
/// dashboard page of the same data); `GET /reports/api/DOMAIN/dmarc` and `GET /reports/DOMAIN/dmarc` likewise for DMARC
/// aggregate reports (``DMARCSummary``). The range defaults to the 30 days up to today (UTC).
struct ReportDashboardRoutes {
    let store: any ReportStore
    let token: String
    let templates: PageTemplates
    var now: @Sendable () -> Date = Date.init

    /// The longest range a request may ask for.
    static let maximumDays = 366

    func add(to router: Router<StockadeRequestContext>) {
        let reports = router.group("/reports").add(middleware: BearerTokenMiddleware(token: token))
        reports.get("/api/:domain") { request, context in
            let domain = try AdminRoutes.parameter("domain", context).lowercased()
            let (from, to) = try range(request)
            return ReportSummaryView(domain: domain, from: from, to: to, summary: try await summary(domain, from, to))
        }
        reports.get("/api/:domain/raw/:id") { _, context in
            let domain = try AdminRoutes.parameter("domain", context).lowercased()
            guard let id = Int64(try AdminRoutes.parameter("id", context)) else { throw JSONError(status: .notFound, message: "no such report") }
            let stored = try await load { () async throws(StoreError) in try await store.storedReport(id: id, domain: domain) }
            guard let report = stored else { throw JSONError(status: .notFound, message: "no such report") }
            let type = report.rawFormat == "mail" ? "message/rfc822" : "application/json"
            // Served as an attachment, never rendered: the content is the reporter's.
            return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"report-\(id)\"",
                                                   .init("X-Content-Type-Options")!: "nosniff"],
                            body: .init(byteBuffer: ByteBuffer(bytes: report.raw)))
        }
        reports.get("/api/:domain/dmarc") { request, context in
            let domain = try AdminRoutes.parameter("domain", context).lowercased()
            let (from, to) = try range(request)
            return DMARCSummaryView(domain: domain, from: from, to: to, summary: try await dmarcSummary(domain, from, to))
        }
        reports.get("/:domain/dmarc") { request, context in
            let domain = try AdminRoutes.parameter("domain", context).lowercased()
            let (from, to) = try range(request)
            let view = DMARCSummaryView(domain: domain, from: from, to: to, summary: try await dmarcSummary(domain, from, to))
            return templates.response(.reportDMARC, title: "DMARC reports for \(domain)", view: view)
        }
        reports.get("/:domain") { request, context in
            let domain = try AdminRoutes.parameter("domain", context).lowercased()
            let (from, to) = try range(request)
            let view = ReportDashboardView(domain: domain, from: from, to: to, summary: try await summary(domain, from, to))
            return templates.response(.reportDashboard, title: "TLS reports for \(domain)", view: view)
        }
    }

    private func summary(_ domain: String, _ from: String, _ to: String) async throws -> TLSRPTSummary {
        try await load { () async throws(StoreError) in try await store.tlsrptSummary(domain: domain, from: from, to: to) }
    }

    private func dmarcSummary(_ domain: String, _ from: String, _ to: String) async throws -> DMARCSummary {
        try await load { () async throws(StoreError) in try await store.dmarcSummary(domain: domain, from: from, to: to) }
    }

    private func load<T>(_ body: () async throws(StoreError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw JSONError(status: .serviceUnavailable, message: "the reports cannot be read now")
        }
    }

    /// `from` and `to` of the query, `YYYY-MM-DD`, at most ``maximumDays`` apart.
    private func range(_ request: Request) throws -> (String, String) {
        let today = Self.day(now())
        let to = request.uri.queryParameters.get("to") ?? today
        let from = request.uri.queryParameters.get("from") ?? Self.day(now().addingTimeInterval(-29 * 86_400))
        guard let start = Self.date(from), let end = Self.date(to) else {
            throw JSONError(status: .badRequest, message: "from and to must be dates written YYYY-MM-DD")
        }
        guard start <= end, end.timeIntervalSince(start) < Double(Self.maximumDays) * 86_400 else {
            throw JSONError(status: .badRequest, message: "from must not be after to, and at most \(Self.maximumDays) days before it")
        }
        return (from, to)
    }

    private static func formatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }

    static func day(_ date: Date) -> String { formatter().string(from: date) }

    /// A date from exactly `YYYY-MM-DD`.
    static func date(_ text: String) -> Date? {
        guard text.utf8.count == 10, let date = formatter().date(from: text), day(date) == text else { return nil }
        return date
    }
}
