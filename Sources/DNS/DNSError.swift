/// Every error the `DNS` library throws: a stable code and a human-readable reason.
///
/// Errors mean "the lookup could not run" (bad input, no server answered). A DNS answer that says
/// NXDOMAIN or SERVFAIL is not an error: it is an ``Answer`` with its ``ResponseCode`` and ``DNSSECStatus``.
public struct DNSError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case truncatedMessage
        case nameTooLong
        case labelTooLong
        case badLabelType
        case compressionLoop
        case forwardPointer
        case badRecordData
        case trailingData
        case tooManyRecords
        case invalidName
        case invalidRecord
        case timeout
        case network
        case noServers
        case cnameLoop
        case cnameChainTooLong
        case mismatchedResponse
        case invalidConfiguration
    }

    private let code: Code
    /// What went wrong, for people.
    public let reason: String

    private init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    /// The code as a stable word (`timeout`, `network`, `badRecordData`, …), for metrics and logs.
    public var category: String { String(describing: code) }

    public static func == (lhs: DNSError, rhs: DNSError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The message ended before a field it announced (RFC 1035 §4.1).
    public static func truncatedMessage(_ what: String) -> DNSError { .init(.truncatedMessage, "message truncated while reading \(what)") }
    /// A name longer than 255 octets in wire form (RFC 1035 §2.3.4).
    public static let nameTooLong = DNSError(.nameTooLong, "domain name longer than 255 octets")
    /// A label longer than 63 octets (RFC 1035 §2.3.4).
    public static let labelTooLong = DNSError(.labelTooLong, "label longer than 63 octets")
    /// A label type other than a length or a compression pointer (RFC 6891 §5 retired the others).
    public static let badLabelType = DNSError(.badLabelType, "unsupported label type")
    /// Compression pointers that revisit an offset (RFC 1035 §4.1.4).
    public static let compressionLoop = DNSError(.compressionLoop, "compression pointer loop")
    /// A compression pointer that points at or after itself (RFC 1035 §4.1.4 allows only prior occurrences).
    public static let forwardPointer = DNSError(.forwardPointer, "compression pointer does not point backwards")
    /// Record data that does not match its type's format.
    public static func badRecordData(_ type: RecordType, _ detail: String) -> DNSError {
        .init(.badRecordData, "malformed \(type) record data: \(detail)")
    }
    /// Bytes left over inside a record's data or after the message.
    public static func trailingData(_ what: String) -> DNSError { .init(.trailingData, "unexpected bytes after \(what)") }
    /// A section count larger than the library's limit.
    public static func tooManyRecords(_ count: Int) -> DNSError { .init(.tooManyRecords, "message announces \(count) records, more than the limit") }
    /// A name given as text that cannot be a domain name.
    public static func invalidName(_ text: String, _ detail: String) -> DNSError { .init(.invalidName, "invalid domain name \"\(text)\": \(detail)") }
    /// A record given in presentation format that cannot be read.
    public static func invalidRecord(_ detail: String) -> DNSError { .init(.invalidRecord, "invalid record: \(detail)") }
    /// No server answered in time.
    public static func timeout(_ detail: String) -> DNSError { .init(.timeout, "timed out: \(detail)") }
    /// A socket-level failure.
    public static func network(_ detail: String) -> DNSError { .init(.network, "network error: \(detail)") }
    /// The configuration names no server.
    public static let noServers = DNSError(.noServers, "no DNS server configured")
    /// CNAME records that lead back to a name already visited.
    public static func cnameLoop(_ name: String) -> DNSError { .init(.cnameLoop, "CNAME loop at \(name)") }
    /// More CNAME hops than ``Resolver/maximumCNAMEHops``.
    public static let cnameChainTooLong = DNSError(.cnameChainTooLong, "CNAME chain too long")
    /// A reply whose ID or question does not match the query.
    public static let mismatchedResponse = DNSError(.mismatchedResponse, "response does not match the query")
    /// A resolver configuration that cannot be used.
    public static func invalidConfiguration(_ detail: String) -> DNSError { .init(.invalidConfiguration, "invalid resolver configuration: \(detail)") }
}
