/// Every error the `Reports` library throws: a stable ``code`` and a human-readable ``reason``.
public struct ReportsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is; new codes may be added.
    public enum Code: String, Sendable, Hashable {
        case malformedZip, unsupportedZip, tooLarge, corruptCompression
        case notAReport, malformedMail, notOurDomain, unsupported
    }

    public let code: Code
    /// What went wrong, for people and for the 4xx/5xx reply; tests assert it exactly.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (lhs: ReportsError, rhs: ReportsError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    static func malformedZip(_ why: String) -> ReportsError { ReportsError(.malformedZip, "malformed zip archive: \(why)") }
    static func unsupportedZip(_ why: String) -> ReportsError { ReportsError(.unsupportedZip, "unsupported zip archive: \(why)") }
    static func tooLarge(_ what: String, _ limit: Int) -> ReportsError { ReportsError(.tooLarge, "\(what) is larger than \(limit) octets") }
    static func corruptCompression(_ why: String) -> ReportsError { ReportsError(.corruptCompression, why) }
    static func notAReport(_ why: String) -> ReportsError { ReportsError(.notAReport, why) }
    static func malformedMail(_ why: String) -> ReportsError { ReportsError(.malformedMail, why) }
    static let notOurDomain = ReportsError(.notOurDomain, "the report is about no domain this inbox accepts reports for")
    static func unsupported(_ why: String) -> ReportsError { ReportsError(.unsupported, why) }
}
