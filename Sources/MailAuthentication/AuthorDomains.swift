public import DKIM

/// The Author Domain of a message: the domain of its RFC5322.From field (RFC 9989, "Determine the Author Domain").
///
/// DMARC applies to a message with exactly one From field naming exactly one domain. A message with no From field or
/// several (RFC 5322 §3.6 requires exactly one) is outside DMARC and is reported as ``AuthorProblem/fromFieldCount(_:)``;
/// one field naming several domains gives them all (RFC 9989, "Denial of DMARC Processing Attacks": apply DMARC to
/// each, the strictest failing policy wins), at most ``maximumDomains``.
public enum AuthorDomains {
    /// The most mailboxes read from one From field, and the most distinct domains evaluated.
    public static let maximumDomains = 5
    /// The longest From field value read; a longer one is refused as malformed.
    public static let maximumFieldLength = 4096

    /// The distinct domains of the one From field, lower-cased, in order of appearance.
    public static func of(_ headers: [HeaderField]) -> Result<[String], AuthorProblem> {
        let fields = headers.filter { $0.lowercasedName == "from" }
        guard fields.count == 1 else { return .failure(.fromFieldCount(fields.count)) }
        let value = fields[0].rawValue
        guard value.count <= maximumFieldLength else { return .failure(.malformedFrom("longer than \(maximumFieldLength) octets")) }
        var reader = AddressListReader(Array(value))
        var domains: [String] = []
        do {
            while let domain = try reader.nextDomain() {
                if !domains.contains(domain) { domains.append(domain) }
                guard domains.count <= maximumDomains else { return .failure(.tooManyDomains(maximumDomains)) }
            }
        } catch {
            return .failure(.malformedFrom(error.reason))
        }
        guard !domains.isEmpty else { return .failure(.malformedFrom("no address")) }
        return .success(domains)
    }
}

/// Why a message has no single Author Domain.
public enum AuthorProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message has this many From fields instead of one (RFC 5322 §3.6).
    case fromFieldCount(Int)
    /// The From field names no address that can be read.
    case malformedFrom(String)
    /// The From field names more distinct domains than are evaluated.
    case tooManyDomains(Int)

    public var description: String {
        switch self {
        case .fromFieldCount(let count): "the message has \(count) From fields; RFC 5322 §3.6 requires exactly one"
        case .malformedFrom(let detail): "the From field is malformed: \(detail)"
        case .tooManyDomains(let limit): "the From field names more than \(limit) domains"
        }
    }
}
