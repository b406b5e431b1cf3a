/// Every error the `MTASTS` library throws: a stable code and a human-readable reason.
///
/// Errors mean "this TXT record or policy file cannot be used" (RFC 8461 §3.1: a sender "MUST assume the recipient
/// domain does not have an available MTA-STS policy"). Equality is on the code only, so
/// `#expect(throws: MTASTSError.invalidMode(""))` matches any bad `mode`. Errors about one line of a policy file
/// carry its number in ``line`` and name it (number and text) in ``reason``.
public struct MTASTSError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case noRecord
        case multipleRecords
        case notASCII
        case malformedRecord
        case missingID
        case invalidID
        case invalidExtension
        case policyTooLarge
        case notUTF8
        case malformedLine
        case unsupportedVersion
        case invalidMode
        case invalidMaxAge
        case invalidMX
        case missingField
    }

    private let code: Code
    /// What went wrong, for people. For a policy-file line it starts with `line N "…":`.
    public let reason: String
    /// The 1-based line of the policy file the error is about; `nil` for TXT-record errors and whole-file errors.
    public let line: Int?

    private init(_ code: Code, _ reason: String, line: Int? = nil) {
        self.code = code
        self.reason = reason
        self.line = line
    }

    public var description: String { reason }
    public static func == (lhs: MTASTSError, rhs: MTASTSError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The same error about line `number` (1-based) whose text is `text`: the reason names both.
    func located(line number: Int, text: String) -> MTASTSError {
        MTASTSError(code, "line \(number) \(Self.quoted(text)): \(reason)", line: number)
    }

    /// `text` in double quotes, control characters escaped and cut to ``quotedLimit`` characters, for messages.
    static func quoted(_ text: String) -> String {
        var result = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == quotedLimit {
                result += "…"
                break
            }
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return result + "\""
    }

    /// How many characters of a line or value an error message quotes.
    static let quotedLimit = 80

    // MARK: TXT record (RFC 8461 §3.1)

    /// No TXT record begins with `v=STSv1`: the domain has no MTA-STS policy (RFC 8461 §3.1).
    public static let noRecord = MTASTSError(.noRecord, "no TXT record begins with \"v=STSv1\"")
    /// More than one TXT record begins with `v=STSv1` (RFC 8461 §3.1: "If the number of resulting records is not one").
    public static func multipleRecords(_ count: Int) -> MTASTSError {
        .init(.multipleRecords, "\(count) TXT records begin with \"v=STSv1\"; exactly one is allowed")
    }
    /// The record has a character outside US-ASCII (RFC 8461 §3.1: records "MUST be US-ASCII").
    public static func notASCII(_ record: String) -> MTASTSError {
        .init(.notASCII, "TXT record \(quoted(record)) is not US-ASCII")
    }
    /// The record does not follow the `sts-text-record` grammar (RFC 8461 §3.1): bad delimiter, empty field, no `=`.
    public static func malformedRecord(_ record: String, _ detail: String) -> MTASTSError {
        .init(.malformedRecord, "malformed TXT record \(quoted(record)): \(detail)")
    }
    /// The record has no `id` field (RFC 8461 §3.1: `id` is required).
    public static let missingID = MTASTSError(.missingID, "TXT record has no id field")
    /// The `id` is not 1 to 32 letters and digits (RFC 8461 §3.1 `sts-id`).
    public static func invalidID(_ id: String) -> MTASTSError {
        .init(.invalidID, "id \(quoted(id)) is not 1 to 32 letters and digits")
    }
    /// An extension field whose name or value breaks `sts-ext-name` / `sts-ext-value` (RFC 8461 §3.1).
    public static func invalidExtension(_ field: String, _ detail: String) -> MTASTSError {
        .init(.invalidExtension, "invalid field \(quoted(field)): \(detail)")
    }

    // MARK: Policy file (RFC 8461 §3.2)

    /// The policy body is larger than ``MTASTSPolicy/maximumSize`` (RFC 8461 §3.3 suggests 64 kilobytes).
    public static func policyTooLarge(_ size: Int) -> MTASTSError {
        .init(.policyTooLarge, "policy is \(size) bytes, more than the limit of \(MTASTSPolicy.maximumSize)")
    }
    /// A line that is not UTF-8 (RFC 8461 §3.2 `sts-policy-vchar` allows UTF-8 only).
    public static let notUTF8 = MTASTSError(.notUTF8, "not valid UTF-8")
    /// A line that is not `key: value` (RFC 8461 §3.2 `sts-policy-record`).
    public static func malformedLine(_ detail: String) -> MTASTSError { .init(.malformedLine, detail) }
    /// A `version` other than `STSv1` (RFC 8461 §3.2).
    public static func unsupportedVersion(_ version: String) -> MTASTSError {
        .init(.unsupportedVersion, "version \(quoted(version)) is not \"STSv1\"")
    }
    /// A `mode` other than `enforce`, `testing` or `none` (RFC 8461 §3.2, case-sensitive).
    public static func invalidMode(_ mode: String) -> MTASTSError {
        .init(.invalidMode, "mode \(quoted(mode)) is not \"enforce\", \"testing\" or \"none\"")
    }
    /// A `max_age` that is not 1 to 10 digits or is above ``MTASTSPolicy/maximumMaxAge`` (RFC 8461 §3.2).
    public static func invalidMaxAge(_ maxAge: String) -> MTASTSError {
        .init(.invalidMaxAge, "max_age \(quoted(maxAge)) is not a number of seconds from 0 to \(MTASTSPolicy.maximumMaxAge)")
    }
    /// An `mx` pattern that is not a host name or `*.` and a host name (RFC 8461 §3.2 `sts-policy-mx-value`).
    public static func invalidMX(_ pattern: String, _ detail: String) -> MTASTSError {
        .init(.invalidMX, "mx \(quoted(pattern)) \(detail)")
    }
    /// A required field is absent: `version`, `mode`, `max_age`, or `mx` when the mode is not `none` (RFC 8461 §3.2).
    public static func missingField(_ name: String) -> MTASTSError {
        .init(.missingField, name == "mx" ? "policy has no mx field, required unless mode is none" : "policy has no \(name) field")
    }
}
