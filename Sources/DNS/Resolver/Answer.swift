/// The answer to one question, with what DNSSEC proved of it.
public struct Answer: Sendable, Hashable {
    /// How the final response travelled.
    public enum Transport: String, Sendable, Hashable {
        case udp, tcp, cache
    }

    public var question: Question
    public var responseCode: ResponseCode
    public var dnssec: DNSSECStatus
    /// The answer section in order: the CNAME chain (if any), then the records of the asked type.
    public var records: [ResourceRecord]
    /// The authority section of the last response (the SOA of a negative answer).
    public var authority: [ResourceRecord]
    /// The name the CNAME chain ended at; the question's name when there was none.
    public var canonicalName: DNSName
    public var extendedErrors: [ExtendedDNSError]
    /// The server that gave the last response, as `host:port`.
    public var server: String
    public var transport: Transport

    public init(question: Question, responseCode: ResponseCode, dnssec: DNSSECStatus, records: [ResourceRecord],
                authority: [ResourceRecord] = [], canonicalName: DNSName, extendedErrors: [ExtendedDNSError] = [],
                server: String, transport: Transport) {
        self.question = question
        self.responseCode = responseCode
        self.dnssec = dnssec
        self.records = records
        self.authority = authority
        self.canonicalName = canonicalName
        self.extendedErrors = extendedErrors
        self.server = server
        self.transport = transport
    }

    /// The records of the asked type at the canonical name: the RRset the question was about.
    public var rrset: [ResourceRecord] {
        records.filter { $0.type == question.type && $0.name == canonicalName }
    }

    /// The name does not exist (RFC 1035 §4.1.1 RCODE 3; RFC 2308 §2.1).
    public var isNXDomain: Bool { responseCode == .nameError }

    /// The name exists but has no records of the asked type (RFC 2308 §2.2).
    public var isNoData: Bool { responseCode == .noError && rrset.isEmpty }
}
