/// Content-Transfer-Encoding decoders for report parts (RFC 2045 §6): base64, quoted-printable, and the
/// identity encodings 7bit, 8bit and binary.
package enum TransferEncoding {
    /// Decodes `body` according to the (case-insensitive) encoding name; no name means 7bit.
    package static func decode(_ body: ArraySlice<UInt8>, encoding: String?) throws(TLSRPTError) -> [UInt8] {
        switch encoding?.lowercased() {
        case nil, "7bit", "8bit", "binary": Array(body)
        case "base64": try base64(body)
        case "quoted-printable": try quotedPrintable(body)
        case let other?: throw .badTransferEncoding("unknown Content-Transfer-Encoding \"\(other)\"")
        }
    }

    /// Base64 (RFC 2045 §6.8): line breaks and spaces are skipped; any other character outside the alphabet, or
    /// data after the padding, is an error.
    static func base64(_ text: ArraySlice<UInt8>) throws(TLSRPTError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            case 0x0D, 0x0A, 0x20, 0x09: continue
            default: throw .badTransferEncoding("invalid base64 character")
            }
            guard padding == 0 else { throw .badTransferEncoding("base64 data after padding") }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard bits < 6, padding <= 2 else { throw .badTransferEncoding("truncated base64") }
        return output
    }

    /// Quoted-printable (RFC 2045 §6.7): `=XX` octets (either case of hex), `=` at a line end joins lines, and
    /// line ends are kept as CRLF.
    static func quotedPrintable(_ text: ArraySlice<UInt8>) throws(TLSRPTError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            guard byte == UInt8(ascii: "=") else {
                output.append(byte)
                index += 1
                continue
            }
            // A soft line break: "=" then optional spaces, then CRLF or LF.
            var next = index + 1
            while next < text.endIndex, text[next] == 0x20 || text[next] == 0x09 { next += 1 }
            if next < text.endIndex, text[next] == 0x0D, next + 1 < text.endIndex, text[next + 1] == 0x0A {
                index = next + 2
                continue
            }
            if next < text.endIndex, text[next] == 0x0A {
                index = next + 1
                continue
            }
            if next == text.endIndex {
                index = next
                continue
            }
            guard text.endIndex - index >= 3, let high = hex(text[index + 1]), let low = hex(text[index + 2]) else {
                throw .badTransferEncoding("invalid quoted-printable escape")
            }
            output.append(high << 4 | low)
            index += 3
        }
        return output
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
