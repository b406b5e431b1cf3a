/// Every error the `TLSRPT` library throws: a stable ``code`` and a human-readable ``reason``.
///
/// Errors mean "this record or report cannot be used". Equality is on the code only, so
/// `#expect(throws: TLSRPTError.duplicateMember(""))` matches any duplicate member; tests that care about the text
/// compare ``reason``.
public struct TLSRPTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of error this is; new codes may be added.
    public enum Code: String, Sendable, Hashable {
        // The `_smtp._tls` record (RFC 8460 §3).
        case noRecord, multipleRecords, malformedRecord, missingRUA, invalidURI, lookupFailed
        // I-JSON (RFC 7493) and the limits of the JSON reader.
        case notUTF8, malformedJSON, duplicateMember, forbiddenCodePoint, tooDeep, tooManyValues, tooLarge
        // The report (RFC 8460 §4).
        case missingField, wrongType, negativeCount, invalidValue, invalidDate, invertedDateRange
        // gzip (RFC 1952) with an inflate limit.
        case corruptGzip, truncatedGzip, trailingData, inflateLimitExceeded, compressionFailed
        // The mail form (RFC 8460 §5.3).
        case malformedMail, notAReport, noReportPart, multipleReportParts, tooManyParts, badTransferEncoding
    }

    /// The kind of error.
    public let code: Code
    /// What went wrong, for people; tests assert it exactly.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
    public static func == (lhs: TLSRPTError, rhs: TLSRPTError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    // MARK: Record

    static let noRecord = TLSRPTError(.noRecord, "no TXT record begins with v=TLSRPTv1")
    static func multipleRecords(_ count: Int) -> TLSRPTError {
        TLSRPTError(.multipleRecords, "\(count) TXT records begin with v=TLSRPTv1; exactly one is allowed")
    }
    static func malformedRecord(_ why: String) -> TLSRPTError { TLSRPTError(.malformedRecord, why) }
    static let missingRUA = TLSRPTError(.missingRUA, "the record has no rua field")
    static func invalidURI(_ uri: String, _ why: String) -> TLSRPTError { TLSRPTError(.invalidURI, "rua URI \"\(uri)\": \(why)") }
    static func lookupFailed(_ why: String) -> TLSRPTError { TLSRPTError(.lookupFailed, why) }

    // MARK: JSON

    static let notUTF8 = TLSRPTError(.notUTF8, "the report is not valid UTF-8 (RFC 7493 §2.1)")
    static func malformedJSON(_ why: String, at offset: Int) -> TLSRPTError {
        TLSRPTError(.malformedJSON, "malformed JSON at offset \(offset): \(why)")
    }
    static func duplicateMember(_ name: String, at offset: Int) -> TLSRPTError {
        TLSRPTError(.duplicateMember, "duplicate member \"\(name)\" at offset \(offset) (RFC 7493 §2.3)")
    }
    static func forbiddenCodePoint(_ why: String, at offset: Int) -> TLSRPTError {
        TLSRPTError(.forbiddenCodePoint, "\(why) at offset \(offset) (RFC 7493 §2.1)")
    }
    static func tooDeep(_ limit: Int) -> TLSRPTError { TLSRPTError(.tooDeep, "JSON nested deeper than \(limit) levels") }
    static func tooManyValues(_ limit: Int) -> TLSRPTError { TLSRPTError(.tooManyValues, "more than \(limit) JSON values") }
    static func tooLarge(_ what: String, _ limit: Int) -> TLSRPTError { TLSRPTError(.tooLarge, "\(what) is larger than \(limit) octets") }
    static func tooMany(_ path: String, _ limit: Int) -> TLSRPTError { TLSRPTError(.tooManyValues, "\(path): more than \(limit) entries") }

    // MARK: Report

    static func missingField(_ path: String, _ name: String) -> TLSRPTError {
        TLSRPTError(.missingField, "\(path): missing \"\(name)\"")
    }
    static func wrongType(_ path: String, expected: String) -> TLSRPTError {
        TLSRPTError(.wrongType, "\(path): expected \(expected)")
    }
    static func negativeCount(_ path: String) -> TLSRPTError { TLSRPTError(.negativeCount, "\(path): negative count") }
    static func invalidValue(_ path: String, _ why: String) -> TLSRPTError { TLSRPTError(.invalidValue, "\(path): \(why)") }
    static func invalidDate(_ path: String, _ text: String) -> TLSRPTError {
        TLSRPTError(.invalidDate, "\(path): \"\(text)\" is not an RFC 3339 date-time")
    }
    static let invertedDateRange = TLSRPTError(.invertedDateRange, "date-range: end-datetime is before start-datetime")

    // MARK: gzip

    static let corruptGzip = TLSRPTError(.corruptGzip, "the gzip stream is corrupt")
    static let truncatedGzip = TLSRPTError(.truncatedGzip, "the gzip stream ends early")
    static let trailingData = TLSRPTError(.trailingData, "data follows the end of the gzip stream")
    static func inflateLimitExceeded(_ limit: Int) -> TLSRPTError {
        TLSRPTError(.inflateLimitExceeded, "the gzip stream inflates to more than \(limit) octets")
    }

    static func compressionFailed(_ why: String) -> TLSRPTError { TLSRPTError(.compressionFailed, "gzip compression failed: \(why)") }

    // MARK: Mail

    static func malformedMail(_ why: String) -> TLSRPTError { TLSRPTError(.malformedMail, why) }
    static func notAReport(_ contentType: String) -> TLSRPTError {
        TLSRPTError(.notAReport, "the mail is \(contentType), not multipart/report; report-type=tlsrpt (RFC 8460 §5.3)")
    }
    static let noReportPart = TLSRPTError(.noReportPart, "no application/tlsrpt+json or application/tlsrpt+gzip part")
    static let multipleReportParts = TLSRPTError(.multipleReportParts, "more than one application/tlsrpt part")
    static func tooManyParts(_ limit: Int) -> TLSRPTError { TLSRPTError(.tooManyParts, "more than \(limit) MIME parts") }
    static func badTransferEncoding(_ why: String) -> TLSRPTError { TLSRPTError(.badTransferEncoding, why) }
}
