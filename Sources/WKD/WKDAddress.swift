import Crypto

/// An email address as the Web Key Directory sees it (draft-koch-openpgp-webkey-service-22 §3.1).
public struct WKDAddress: Sendable, Hashable, CustomStringConvertible {
    /// The local part as written; WKD lower-cases only ASCII letters, as GnuPG does.
    public let localPart: String
    /// The domain, lower-cased.
    public let domain: String

    /// Splits `address` at its last `@`. Refuses an empty local part, and a domain that is not dot-separated
    /// non-empty labels of letters, digits, `-`, `_` or non-ASCII (IDN) characters: the domain goes into the host and
    /// the path of the URLs unescaped, so `?`, `#`, `%`, `/`, `:` or whitespace there would change what is fetched.
    public init(_ address: String) throws(WKDError) {
        guard let at = address.lastIndex(of: "@") else { throw .invalidAddress(address, "no @") }
        let local = String(address[..<at])
        let domain = String(address[address.index(after: at)...])
        guard !local.isEmpty else { throw .invalidAddress(address, "empty local part") }
        guard !domain.isEmpty, !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains(".."),
              domain.utf8.allSatisfy({ $0 >= 0x80 || Self.isDomainCharacter($0) }) else {
            throw .invalidAddress(address, "invalid domain")
        }
        self.localPart = local
        self.domain = WKDAddress.asciiLowercased(domain)
    }

    public var description: String { "\(localPart)@\(domain)" }

    /// The local part with ASCII letters lower-cased and everything else kept (§3.1: "mapped to lowercase";
    /// GnuPG maps only A–Z).
    public var normalizedLocalPart: String { Self.asciiLowercased(localPart) }

    /// The 32-character z-base-32 SHA-1 of the normalized local part (§3.1).
    public var hash: String {
        ZBase32.encode(Array(Insecure.SHA1.hash(data: Array(normalizedLocalPart.utf8))))
    }

    /// An ASCII letter or digit, `-`, `_` or `.`.
    static func isDomainCharacter(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }

    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

/// z-base-32 (RFC 6189 §5.1.6 alphabet), as WKD writes the hashed local part.
enum ZBase32 {
    private static let alphabet = Array("ybndrfg8ejkmcpqxot1uwisza345h769".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int(buffer >> UInt32(bits - 5) & 0x1F)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int(buffer << UInt32(5 - bits) & 0x1F)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
