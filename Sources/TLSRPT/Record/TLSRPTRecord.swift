/// The `_smtp._tls` TXT record of a domain (RFC 8460 §3): where senders deliver their aggregate reports.
///
/// ```
/// _smtp._tls.example.com.  IN TXT "v=TLSRPTv1; rua=mailto:reports@example.com,https://reporting.example.com/v1"
/// ```
public struct TLSRPTRecord: Sendable, Hashable {
    /// The only record version (RFC 8460 §3 `tlsrpt-version`).
    public static let version = "TLSRPTv1"
    /// The longest record read (TXT data of a UDP answer is far smaller; this bounds work on odd input).
    public static let maximumLength = 4096
    /// The most `rua` URIs kept.
    public static let maximumURIs = 16

    /// A reporting URI: `mailto:` (RFC 6068) or `https:` (RFC 8460 §3 `tlsrpt-uri`).
    public struct ReportingURI: Sendable, Hashable, CustomStringConvertible {
        /// The two schemes RFC 8460 §3 allows.
        public enum Scheme: String, Sendable, Hashable {
            case mailto, https
        }

        /// `mailto` or `https`.
        public let scheme: Scheme
        /// The URI as published.
        public let text: String
        public var description: String { text }

        /// Checks the scheme and the minimum shape: `mailto:` with an address containing `@`, or `https://` with a host.
        public init(_ text: String) throws(TLSRPTError) {
            let lower = text.lowercased()
            if lower.hasPrefix("mailto:") {
                let address = text.dropFirst("mailto:".count).prefix { $0 != "?" }
                guard let at = address.firstIndex(of: "@"), at != address.startIndex, address.index(after: at) != address.endIndex else {
                    throw .invalidURI(text, "mailto: needs an address with \"@\"")
                }
                scheme = .mailto
            } else if lower.hasPrefix("https://") {
                let host = text.dropFirst("https://".count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
                guard !host.isEmpty else { throw .invalidURI(text, "https: needs a host") }
                scheme = .https
            } else {
                throw .invalidURI(text, "the scheme is not mailto: or https:")
            }
            guard text.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != 0x2C && $0 != 0x3B }) else {
                throw .invalidURI(text, "a space, control, non-ASCII, \",\" or \";\" must be percent-encoded")
            }
            self.text = text
        }
    }

    /// `rua`: where to send reports, in record order.
    public let rua: [ReportingURI]

    /// A record for publishing.
    public init(rua: [ReportingURI]) throws(TLSRPTError) {
        guard !rua.isEmpty else { throw .missingRUA }
        self.rua = rua
    }

    /// The record as published: `v=TLSRPTv1; rua=uri,uri`.
    public var text: String { "v=\(Self.version); rua=" + rua.map(\.text).joined(separator: ",") }

    /// Selects and reads the record from the TXT RRset of `_smtp._tls.<domain>` (RFC 8460 §3): records not starting
    /// with `v=TLSRPTv1` are discarded, and exactly one must remain.
    /// - Parameter txt: each record as its character-strings, concatenated without spaces.
    public init(parsing txt: [[String]]) throws(TLSRPTError) {
        let candidates = txt.map { $0.joined() }.filter(Self.beginsWithVersion)
        guard let record = candidates.first else { throw .noRecord }
        guard candidates.count == 1 else { throw .multipleRecords(candidates.count) }
        try self.init(parsing: record)
    }

    /// Reads one record against the `tlsrpt-record` grammar (RFC 8460 §3): `v=TLSRPTv1`, then fields separated by
    /// `;` with optional spaces or tabs, an optional final `;`. `rua` is required, once; other fields must be
    /// well-formed extensions (`tlsrpt-extension`) and are ignored.
    public init(parsing record: String) throws(TLSRPTError) {
        guard Self.beginsWithVersion(record) else { throw .noRecord }
        guard record.utf8.count <= Self.maximumLength else { throw .malformedRecord("the record is longer than \(Self.maximumLength) octets") }
        var rua: [ReportingURI]?
        let allFields = record.split(separator: ";", omittingEmptySubsequences: false)
        guard allFields[0].trimmingCharacters(in: [" ", "\t"]) == "v=\(Self.version)" else {
            throw .malformedRecord("expected \";\" after v=\(Self.version)")
        }
        let fields = allFields.dropFirst()
        for (position, raw) in fields.enumerated() {
            let field = raw.trimmingCharacters(in: [" ", "\t"])
            if field.isEmpty {
                guard position == fields.count - 1 else { throw .malformedRecord("an empty field") }
                continue
            }
            guard let equals = field.firstIndex(of: "=") else { throw .malformedRecord("field \"\(field)\" has no \"=\"") }
            let name = field[..<equals], value = field[field.index(after: equals)...]
            if name == "rua" {
                guard rua == nil else { throw .malformedRecord("rua appears more than once") }
                let uris = value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: [" ", "\t"]) }
                guard uris.count <= Self.maximumURIs else { throw .malformedRecord("more than \(Self.maximumURIs) rua URIs") }
                rua = try uris.map { (uri) throws(TLSRPTError) in try ReportingURI(uri) }
            } else {
                guard Self.isExtensionName(name), Self.isExtensionValue(value) else {
                    throw .malformedRecord("field \"\(field)\" is not a valid extension")
                }
            }
        }
        guard let rua else { throw .missingRUA }
        self.rua = rua
    }

    /// `v=TLSRPTv1` followed by the end, a space, a tab or `;`.
    static func beginsWithVersion(_ record: String) -> Bool {
        let prefix = "v=\(version)"
        guard record.hasPrefix(prefix) else { return false }
        guard let next = record.utf8.dropFirst(prefix.utf8.count).first else { return true }
        return next == 0x3B || next == 0x20 || next == 0x09
    }

    /// `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`.
    static func isExtensionName(_ name: Substring) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (1...32).contains(bytes.count), isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }
    }

    /// `1*(%x21-3A / %x3C / %x3E-7E)`: visible ASCII except `;` and `=`.
    static func isExtensionValue(_ value: Substring) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != 0x3B && $0 != 0x3D }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}

extension StringProtocol {
    /// The text without the given leading and trailing characters.
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
