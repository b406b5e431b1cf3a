import Audit
import DNS
import Foundation
import TestSupport

/// Runs the auditor against the lab: its resolver, its CA, its SMTP and HTTPS ports.
enum LabAudit {
    static func auditor(dkimSelectors: [String] = [], expected: [ExpectedRecord] = []) throws -> DomainAuditor {
        var configuration = DomainAuditor.Configuration()
        configuration.smtpPort = Int(try labVariable("STOCKADE_LAB_MTA_PORT")) ?? 25
        configuration.httpsPort = Int(try labVariable("STOCKADE_LAB_HTTPS_PORT")) ?? 443
        configuration.timeout = .seconds(5)
        configuration.dkimSelectors = dkimSelectors
        configuration.expected = expected
        let resolver = Resolver(configuration: try ResolverConfiguration(servers: [try labVariable("STOCKADE_RESOLVER")]))
        return try DomainAuditor(resolver: resolver, trustAnchorFiles: [try labVariable("STOCKADE_LAB_CA")], configuration: configuration)
    }

    static func audit(_ domain: String, dkimSelectors: [String] = []) async throws -> AuditReport {
        await (try auditor(dkimSelectors: dkimSelectors)).audit(domain)
    }

    /// `severity id: message` of each finding in `area`, for exact comparisons.
    static func lines(_ report: AuditReport, _ area: Area) -> [String] {
        report.findings(in: area).map { "\($0.severity.rawValue) \($0.id): \($0.message) (\($0.reference))" }
    }
}
