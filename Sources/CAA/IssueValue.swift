/// The value of an `issue` or `issuewild` property (RFC 8659 §4.2):
/// `*WSP [issuer-domain-name *WSP] [";" *WSP [parameters *WSP]]`.
public struct IssueValue: Sendable, Hashable {
    /// One `tag=value` parameter, such as RFC 8657's `accounturi`.
    public struct Parameter: Sendable, Hashable {
        /// The tag as written (matched case-insensitively).
        public var tag: String
        public var value: String

        public init(tag: String, value: String) {
            self.tag = tag
            self.value = value
        }
    }

    /// The issuer's domain name in lower case; nil when the value names no issuer (`";"`), which forbids issuance.
    public var issuerDomain: String?
    public var parameters: [Parameter]

    public init(issuerDomain: String?, parameters: [Parameter] = []) {
        self.issuerDomain = issuerDomain
        self.parameters = parameters
    }

    /// The values of every parameter whose tag is `tag` (case-insensitive), in order.
    public func values(of tag: String) -> [String] {
        parameters.filter { $0.tag.lowercased() == tag }.map(\.value)
    }

    /// Parses a property value by the grammar of RFC 8659 §4.2, within ``CAALimits``.
    public init(parsing bytes: [UInt8]) throws(CAAError) {
        guard bytes.count <= CAALimits.maximumIssueValueLength else { throw .valueTooLong(bytes.count) }
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        var issuer: String?
        if let first = scanner.peek, first != UInt8(ascii: ";") {
            issuer = try scanner.domainName()
            scanner.skipWhitespace()
        }
        var parameters: [Parameter] = []
        if scanner.peek == UInt8(ascii: ";") {
            scanner.index += 1
            scanner.skipWhitespace()
            while scanner.peek != nil {
                guard parameters.count < CAALimits.maximumParameters else { throw .tooManyParameters }
                parameters.append(try scanner.parameter())
                scanner.skipWhitespace()
                guard scanner.peek != nil else { break }
                // Another parameter must follow a ";" (no trailing separator in the grammar).
                guard scanner.peek == UInt8(ascii: ";") else { throw .malformedParameter(at: scanner.index) }
                scanner.index += 1
                scanner.skipWhitespace()
                guard scanner.peek != nil else { throw .malformedParameter(at: scanner.index) }
            }
        }
        guard scanner.peek == nil else { throw .malformedIssuerDomain(at: scanner.index) }
        self.init(issuerDomain: issuer, parameters: parameters)
    }
}

/// A cursor over the octets of an issue value.
private struct Scanner {
    let bytes: [UInt8]
    var index = 0

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 { index += 1 }
    }

    /// `label *("." label)`, lower-cased.
    mutating func domainName() throws(CAAError) -> String {
        var labels: [String] = []
        repeat {
            if !labels.isEmpty { index += 1 }
            guard let label = self.label() else { throw .malformedIssuerDomain(at: index) }
            labels.append(label)
        } while peek == UInt8(ascii: ".")
        return labels.joined(separator: ".").lowercased()
    }

    /// `(ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT))`: letters and digits, hyphens only inside.
    mutating func label() -> String? {
        let start = index
        guard let first = peek, first.isAlphanumeric else { return nil }
        index += 1
        var lastAlphanumeric = index
        while let byte = peek, byte.isAlphanumeric || byte == UInt8(ascii: "-") {
            index += 1
            if byte.isAlphanumeric { lastAlphanumeric = index }
        }
        // A trailing hyphen is not part of the label: the grammar cannot end on one.
        guard lastAlphanumeric == index else { return nil }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// `tag *WSP "=" *WSP value`, where value is `*(%x21-3A / %x3C-7E)`.
    mutating func parameter() throws(CAAError) -> IssueValue.Parameter {
        guard let tag = label() else { throw .malformedParameter(at: index) }
        skipWhitespace()
        guard peek == UInt8(ascii: "=") else { throw .malformedParameter(at: index) }
        index += 1
        skipWhitespace()
        let start = index
        while let byte = peek, (0x21...0x7E).contains(byte), byte != UInt8(ascii: ";") { index += 1 }
        return IssueValue.Parameter(tag: tag, value: String(decoding: bytes[start..<index], as: UTF8.self))
    }
}

extension UInt8 {
    var isAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
