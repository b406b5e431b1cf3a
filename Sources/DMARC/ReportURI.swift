/// A DMARC Reporting URI from `rua` or `ruf` (RFC 9989 §4.6, §4.8 `dmarc-uri` / `obs-dmarc-uri`).
public struct ReportURI: Sendable, Hashable {
    /// The longest URI kept, in octets; longer ones are discarded.
    public static let maximumLength = 2048
    /// The most digits read in an obsolete size suffix (`!10m`); more would overflow a 64-bit octet count.
    public static let maximumSizeDigits = 12

    /// The URI, without the obsolete size suffix; the scheme is lower-cased.
    public let uri: String
    /// The scheme, lower case (`mailto`, `https`, …).
    public let scheme: String
    /// The obsolete `!size[k|m|g|t]` suffix in octets, when present. RFC 9989 §4.8 says reporters should ignore it.
    public let obsoleteSizeLimit: UInt64?
    /// The list element as published, size suffix included.
    public let text: String

    /// Reads one list element: an RFC 3986 URI with an optional `!size` suffix; `nil` when it is not one.
    ///
    /// The check is RFC 3986's character set and `scheme ":"` prefix, with `%` followed by two hex digits;
    /// commas and `!` must be percent-encoded inside the URI (RFC 9989 §4.8 `dmarc-uri`).
    public init?(_ text: Substring) {
        guard text.utf8.count <= Self.maximumLength else { return nil }
        var body = text
        var size: UInt64?
        if let bang = text.firstIndex(of: "!") {
            body = text[..<bang]
            guard let parsed = Self.size(text[text.index(after: bang)...]) else { return nil }
            size = parsed
        }
        guard let colon = body.firstIndex(of: ":") else { return nil }
        let scheme = body[..<colon]
        guard let first = scheme.utf8.first, Self.isAlpha(first),
              scheme.utf8.allSatisfy({ Self.isAlpha($0) || Self.isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { return nil }
        let rest = Array(body[body.index(after: colon)...].utf8)
        guard !rest.isEmpty, Self.isURIText(rest) else { return nil }
        self.scheme = scheme.lowercased()
        self.uri = self.scheme + ":" + String(decoding: rest, as: UTF8.self)
        self.obsoleteSizeLimit = size
        self.text = String(text)
    }


    /// `1*DIGIT [ "k" / "m" / "g" / "t" ]` in octets.
    private static func size(_ text: Substring) -> UInt64? {
        var digits = text.utf8[...]
        var multiplier: UInt64 = 1
        if let last = digits.last, !isDigit(last) {
            switch last | 0x20 {
            case UInt8(ascii: "k"): multiplier = 1 << 10
            case UInt8(ascii: "m"): multiplier = 1 << 20
            case UInt8(ascii: "g"): multiplier = 1 << 30
            case UInt8(ascii: "t"): multiplier = 1 << 40
            default: return nil
            }
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.count <= maximumSizeDigits, digits.allSatisfy(isDigit) else { return nil }
        let value = digits.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 0x30) }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }

    /// RFC 3986 unreserved / reserved (minus `,` and `!`) / pct-encoded.
    private static func isURIText(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return false }
                index += 3
                continue
            }
            guard isAlpha(byte) || isDigit(byte) || allowedPunctuation.contains(byte) else { return false }
            index += 1
        }
        return true
    }

    private static let allowedPunctuation = Set("-._~:/?#[]@$&'()*+;=".utf8)
    private static func isAlpha(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    private static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (0x61...0x66).contains(byte | 0x20) }
}
