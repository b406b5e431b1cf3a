import struct Foundation.Data

/// One ASCII-armored block (RFC 9580 §6).
public struct ArmorBlock: Hashable, Sendable {
    /// What the armor header line names (RFC 9580 §6.2).
    public enum Kind: Hashable, Sendable {
        case publicKey
        case privateKey
        case signature
        case message
        /// Any other `BEGIN PGP …` label, kept as written.
        case other(String)

        init(label: String) {
            switch label {
            case "PUBLIC KEY BLOCK": self = .publicKey
            case "PRIVATE KEY BLOCK": self = .privateKey
            case "SIGNATURE": self = .signature
            case "MESSAGE": self = .message
            default: self = .other(label)
            }
        }

        /// The label between `BEGIN PGP ` and `-----`.
        public var label: String {
            switch self {
            case .publicKey: "PUBLIC KEY BLOCK"
            case .privateKey: "PRIVATE KEY BLOCK"
            case .signature: "SIGNATURE"
            case .message: "MESSAGE"
            case .other(let s): s
            }
        }
    }

    /// What became of the optional CRC24 checksum (RFC 9580 §6.1).
    public enum Checksum: Hashable, Sendable {
        case absent
        case valid
        /// Present but wrong; RFC 9580 §6.1 says not to reject the data for this.
        case mismatch
    }

    public let kind: Kind
    /// Armor headers (RFC 9580 §6.2.2) in order, e.g. `("Comment", "…")`.
    public let headers: [ArmorHeader]
    /// The decoded binary data.
    public let data: [UInt8]
    public let checksum: Checksum

    public init(kind: Kind, headers: [ArmorHeader] = [], data: [UInt8], checksum: Checksum = .absent) {
        self.kind = kind
        self.headers = headers
        self.data = data
        self.checksum = checksum
    }
}

/// One armor header line `Key: Value` (RFC 9580 §6.2.2).
public struct ArmorHeader: Hashable, Sendable {
    public let key: String
    public let value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// ASCII armor decoding and encoding (RFC 9580 §6).
public enum Armor: Sendable {
    /// Whether `bytes` look like armor: not starting with a packet header, and a `-----BEGIN PGP ` line in the first 64 KiB.
    public static func isArmored(_ bytes: [UInt8]) -> Bool {
        let marker: [UInt8] = Array("-----BEGIN PGP ".utf8)
        let limit = min(bytes.count, 65536)
        // Binary OpenPGP data starts with a packet header, which always has bit 7 set (RFC 9580 §4.2).
        guard limit >= marker.count, let first = bytes.first, first & 0x80 == 0 else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            while i + marker.count <= limit {
                if buffer[i] == 0x2D && buffer[i + 14] == 0x20 {
                    var k = 1
                    while k < marker.count && buffer[i + k] == marker[k] { k += 1 }
                    if k == marker.count { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// Decodes every armored block in `text`, in order; text outside blocks is ignored (RFC 9580 §6.2).
    ///
    /// A missing CRC24 is accepted and a wrong one only reported in ``ArmorBlock/checksum`` (RFC 9580 §6.1).
    /// - Throws: ``OpenPGPError/invalidArmor`` for a block without end line or with bad base64,
    ///   ``OpenPGPError/tooLarge`` for text over `maximumBytes`.
    public static func decode(_ text: String, maximumBytes: Int = OpenPGPLimits.maxArmoredBytes) throws -> [ArmorBlock] {
        guard text.utf8.count <= maximumBytes else {
            throw OpenPGPError.tooLarge.with("armored input of \(text.utf8.count) bytes")
        }
        // Lines as byte ranges with ASCII white space trimmed: the body is handled as bytes (a flood of armor costs a
        // pass over its bytes, not a String per line); the few BEGIN, header and END lines become strings.
        let bytes = Array(text.utf8)
        let lines = asciiLines(bytes)
        func string(_ range: Range<Int>) -> Substring { Substring(String(decoding: bytes[range], as: UTF8.self)) }
        var blocks: [ArmorBlock] = []
        var i = 0
        while i < lines.count {
            let line = string(lines[i])
            i += 1
            guard line.hasPrefix("-----BEGIN PGP "), line.hasSuffix("-----"), line.count > 20 else { continue }
            let label = String(line.dropFirst(15).dropLast(5))
            var headers: [ArmorHeader] = []
            // Headers until the blank line; a line that is not `Key: Value` starts the body.
            if label == "SIGNED MESSAGE" { continue }  // cleartext framework: its SIGNATURE block follows
            while i < lines.count, !lines[i].isEmpty, !bytes[lines[i]].starts(with: [0x2D, 0x2D, 0x2D, 0x2D, 0x2D]) {
                let l = string(lines[i])
                guard let colon = l.firstIndex(of: ":") else { break }
                let key = l[..<colon]
                let after = l.index(after: colon)
                guard !key.isEmpty, !key.contains(" "), after == l.endIndex || l[after] == " " else { break }
                headers.append(ArmorHeader(key: String(key), value: String(l[after...].trimmingWhitespace())))
                i += 1
            }
            if i < lines.count, lines[i].isEmpty { i += 1 }
            var body: [UInt8] = []
            var crc: [UInt8]?
            var ended = false
            let endPrefix = Array("-----END PGP ".utf8)
            while i < lines.count {
                let l = bytes[lines[i]]
                i += 1
                if l.starts(with: endPrefix) {
                    guard l.elementsEqual("-----END PGP \(label)-----".utf8) else {
                        throw OpenPGPError.invalidArmor.with("end line does not match BEGIN PGP \(label)")
                    }
                    ended = true
                    break
                }
                if l.first == 0x3D, l.count == 5 { crc = Array(l.dropFirst()); continue }
                body += l
            }
            guard ended else { throw OpenPGPError.invalidArmor.with("no END PGP \(label) line") }
            guard let data = Data(base64Encoded: Data(body)) else {
                throw OpenPGPError.invalidArmor.with("invalid base64 in PGP \(label)")
            }
            let bytes = [UInt8](data)
            var checksum = ArmorBlock.Checksum.absent
            if let crc {
                if let c = Data(base64Encoded: Data(crc)), c.count == 3 {
                    let expected = UInt32(c[0]) << 16 | UInt32(c[1]) << 8 | UInt32(c[2])
                    checksum = expected == crc24(bytes) ? .valid : .mismatch
                } else {
                    checksum = .mismatch
                }
            }
            blocks.append(ArmorBlock(kind: .init(label: label), headers: headers, data: bytes, checksum: checksum))
        }
        return blocks
    }

    /// The lines of `bytes` (split at LF) as ranges without leading and trailing ASCII white space (CR included).
    private static func asciiLines(_ bytes: [UInt8]) -> [Range<Int>] {
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C }
        var lines: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            for end in 0...buffer.count where end == buffer.count || buffer[end] == 0x0A {
                var lower = start, upper = end
                while lower < upper, isBlank(buffer[lower]) { lower += 1 }
                while upper > lower, isBlank(buffer[upper - 1]) { upper -= 1 }
                lines.append(lower..<upper)
                start = end + 1
            }
        }
        return lines
    }

    /// Encodes one block (RFC 9580 §6.2): 64-character lines, the CRC24 line only if `includeChecksum`.
    /// RFC 9580 §6.1 says not to emit the checksum for v6 data; GnuPG 2.2 accepts either.
    public static func encode(_ data: [UInt8], kind: ArmorBlock.Kind, headers: [ArmorHeader] = [],
                              includeChecksum: Bool) -> String {
        var out = "-----BEGIN PGP \(kind.label)-----\n"
        for h in headers { out += "\(h.key): \(h.value)\n" }
        out += "\n"
        let b64 = Data(data).base64EncodedString()
        var start = b64.startIndex
        while start < b64.endIndex {
            let end = b64.index(start, offsetBy: 64, limitedBy: b64.endIndex) ?? b64.endIndex
            out += b64[start..<end] + "\n"
            start = end
        }
        if includeChecksum {
            let c = crc24(data)
            out += "=" + Data([UInt8(c >> 16 & 0xFF), UInt8(c >> 8 & 0xFF), UInt8(c & 0xFF)]).base64EncodedString() + "\n"
        }
        out += "-----END PGP \(kind.label)-----\n"
        return out
    }

    /// The CRC24 of RFC 9580 §6.1.1.
    public static func crc24(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xB704CE
        data.withUnsafeBufferPointer { buffer in
            for b in buffer {
                crc = (crc << 8) ^ crc24Table[Int((crc >> 16 ^ UInt32(b)) & 0xFF)]
            }
        }
        return crc & 0xFFFFFF
    }

    /// CRC24 of each octet value, polynomial 0x1864CFB (RFC 9580 §6.1.1).
    private static let crc24Table: [UInt32] = (0..<256).map { (i: Int) -> UInt32 in
        var crc = UInt32(i) << 16
        for _ in 0..<8 {
            crc <<= 1
            if crc & 0x1000000 != 0 { crc ^= 0x1864CFB }
        }
        return crc & 0xFFFFFF
    }
}
