import OpenPGP

/// The `search` parameter of an HKP request (draft-shaw-openpgp-hkp-00 §3.1.1), as far as a validating key
/// server answers it: a fingerprint, a long key ID, or one exact address. Short key IDs and free text are refused
/// because they let anyone enumerate the directory.
public enum HKPSearch: Sendable, Hashable {
    /// 40 (v4) or 64 (v6) hex digits, upper-cased.
    case fingerprint(String)
    /// 16 hex digits, upper-cased.
    case keyID(String)
    /// An address, ASCII letters lower-cased (the WKD comparison form).
    case email(String)

    /// Parses `0x…` hex (the prefix optional) or an address, bare or in `<…>`; nil for anything else.
    public init?(_ text: String) {
        let trimmed = text.trimmingSpaces
        var hex = Substring(trimmed)
        if hex.hasPrefix("0x") || hex.hasPrefix("0X") { hex = hex.dropFirst(2) }
        if !hex.isEmpty, hex.utf8.allSatisfy(\.isHexDigit) {
            switch hex.count {
            case 40, 64: self = .fingerprint(hex.uppercased())
            case 16: self = .keyID(hex.uppercased())
            default: return nil
            }
            return
        }
        var address = Substring(trimmed)
        if address.hasPrefix("<") && address.hasSuffix(">") { address = address.dropFirst().dropLast() }
        // Octets, not Characters: an `@` or `.` followed by a combining mark is one Character that is neither.
        let octets = address.utf8
        guard let at = octets.firstIndex(of: UInt8(ascii: "@")), at != octets.startIndex,
              !octets[octets.index(after: at)...].contains(UInt8(ascii: "@")),
              octets[octets.index(after: at)...].contains(UInt8(ascii: ".")),
              !octets.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") })
        else { return nil }
        self = .email(asciiLowercased(String(address)))
    }
}

extension UInt8 {
    /// `0-9`, `A-F` or `a-f`: shared with the server's VKS routes.
    package var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}

extension String {
    var trimmingSpaces: String {
        String(decoding: utf8.drop(while: { $0 == 0x20 || $0 == 0x09 }).reversed().drop(while: { $0 == 0x20 || $0 == 0x09 }).reversed(),
               as: UTF8.self)
    }
}

extension HKPSearch {
    /// The WKD comparison form of an address given alone, or nil if `text` is not one address.
    public static func emailKey(_ text: String) -> String? {
        if case .email(let key) = HKPSearch(text) { key } else { nil }
    }
}
