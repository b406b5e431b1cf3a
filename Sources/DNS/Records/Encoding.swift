import CivilDate

/// Text encodings used by record presentation formats, written here to keep `DNS` free of Foundation.
enum Encoding {
    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let base32HexAlphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUV".utf8)
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Upper-case hexadecimal, as dig prints digests.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes from hexadecimal text of either case; nil for odd length or other characters.
    static func bytes(hex text: some StringProtocol) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Base64 with padding (RFC 4648 §4).
    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            out.append(base64Alphabet[Int(triple >> 18 & 0x3F)])
            out.append(base64Alphabet[Int(triple >> 12 & 0x3F)])
            out.append(index + 1 < bytes.count ? base64Alphabet[Int(triple >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? base64Alphabet[Int(triple & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base32 with the extended hex alphabet and no padding, as NSEC3 hashes are written (RFC 5155 §3.3).
    static func base32Hex(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(base32HexAlphabet[Int(buffer >> UInt32(bits - 5) & 0x1F)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(base32HexAlphabet[Int(buffer << UInt32(5 - bits) & 0x1F)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A quoted character-string as dig prints it: `"` and `\` escaped, other non-printable octets as `\DDD`.
    static func quoted(_ bytes: [UInt8]) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                text.append("\\")
                text.append(Character(Unicode.Scalar(byte)))
            case 0x20...0x7E:
                text.append(Character(Unicode.Scalar(byte)))
            default:
                text.append(decimalEscape(byte))
            }
        }
        return text + "\""
    }

    /// A UTC time as `YYYYMMDDHHmmSS`, the RRSIG form of RFC 4034 §3.2.
    static func timestamp(_ secondsSinceEpoch: UInt32) -> String {
        let (civil, secondOfDay) = CivilDate.of(secondsSince1970: Int64(secondsSinceEpoch))
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(civil.year)" + two(civil.month) + two(civil.day) + two(secondOfDay / 3600) + two(secondOfDay / 60 % 60)
            + two(secondOfDay % 60)
    }

    /// Splits text into space-separated chunks of `width` characters, as dig does for long hex and base64 fields.
    static func chunked(_ text: String, width: Int) -> String {
        guard text.count > width else { return text }
        var chunks: [Substring] = []
        var rest = text[...]
        while !rest.isEmpty {
            chunks.append(rest.prefix(width))
            rest = rest.dropFirst(width)
        }
        return chunks.joined(separator: " ")
    }
}
