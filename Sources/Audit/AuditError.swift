/// Why a zone-file fragment given to `stockade check --expect` cannot be read: a stable ``code`` and a ``reason``.
public struct AuditError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is; new codes may be added.
    public enum Code: String, Sendable, Hashable {
        case tooLarge, tooManyRecords, lineTooLong, malformedLine, relativeName, unknownType
    }

    public let code: Code
    /// What went wrong, for people, with the line number.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (lhs: AuditError, rhs: AuditError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
