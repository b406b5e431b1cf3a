public import Audit

/// The audit of a mail domain as HTML (`audit.mustache`): the page `/audit/DOMAIN` and `stockade check --html`.
public enum AuditPage {
    /// What `audit.mustache` shows; every field is escaped when rendered.
    struct View {
        struct Line { let severity, id, message, reference: String }
        struct Section { let id, title, grade: String; let findings: [Line] }

        let overall: String
        let findingCount: Int
        let areas: [Section]

        init(_ report: AuditReport) {
            overall = report.overall.rawValue
            findingCount = report.findings.count
            areas = report.grades.map { area, grade in
                Section(id: area.rawValue, title: area.title, grade: grade.rawValue, findings: report.findings(in: area).map {
                    Line(severity: $0.severity.rawValue, id: $0.id, message: $0.message, reference: $0.reference)
                })
            }
        }
    }

    /// The page title for a domain.
    static func title(_ report: AuditReport) -> String { "Audit of \(report.domain)" }

    /// A whole HTML document for `report`, without the server's navigation (for `stockade check --html`).
    /// - Throws: ``ConfigurationError`` when the page templates are not installed next to the binary.
    public static func html(_ report: AuditReport) async throws -> String {
        let templates = try await PageTemplates.load(navigation: .init(keyServer: false, devMail: false))
        return templates.render(.audit, title: title(report), view: View(report))
    }
}
