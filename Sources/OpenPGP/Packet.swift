/// Resource limits the parsers enforce; every one is checked before the work it bounds.
public enum OpenPGPLimits: Sendable {
    /// Largest certificate accepted, and the default input limit of ``Packet/parseAll(_:maximumBytes:maximumPackets:)``:
    /// 1 MiB, the key upload limit.
    public static let maxInputBytes = 1 << 20
    /// Largest ASCII-armored input accepted by default (base64 of ``maxInputBytes`` plus line breaks and headers).
    public static let maxArmoredBytes = (1 << 20) * 3 / 2
    /// Most packets accepted in one certificate, and by default in one input.
    public static let maxPackets = 10_000
    /// Largest keyring ``Certificate/readAll(_:)`` reads (binary; armored may be half as large again). Each
    /// certificate in it is still held to ``maxInputBytes`` and to the bounds of `Certificate.bounded()`.
    public static let maxKeyringBytes = 64 << 20
    /// Most packets ``Certificate/readAll(_:)`` reads in one keyring.
    public static let maxKeyringPackets = 1_000_000
    /// Deepest chain of embedded signatures (RFC 9580 §5.2.3.34) accepted; a back-signature
    /// inside a subkey binding is depth 1.
    public static let maxEmbeddedSignatureDepth = 2
}

/// The type of an OpenPGP packet (RFC 9580 §5, "Packet Type IDs").
public struct PacketTag: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let publicKeyEncryptedSessionKey = PacketTag(rawValue: 1)
    public static let signature = PacketTag(rawValue: 2)
    public static let symmetricKeyEncryptedSessionKey = PacketTag(rawValue: 3)
    public static let onePassSignature = PacketTag(rawValue: 4)
    public static let secretKey = PacketTag(rawValue: 5)
    public static let publicKey = PacketTag(rawValue: 6)
    public static let secretSubkey = PacketTag(rawValue: 7)
    public static let compressedData = PacketTag(rawValue: 8)
    public static let symmetricallyEncryptedData = PacketTag(rawValue: 9)
    public static let marker = PacketTag(rawValue: 10)
    public static let literalData = PacketTag(rawValue: 11)
    public static let trust = PacketTag(rawValue: 12)
    public static let userID = PacketTag(rawValue: 13)
    public static let publicSubkey = PacketTag(rawValue: 14)
    public static let userAttribute = PacketTag(rawValue: 17)
    public static let symmetricallyEncryptedIntegrityProtectedData = PacketTag(rawValue: 18)
    public static let modificationDetectionCode = PacketTag(rawValue: 19)
    public static let ocbEncryptedData = PacketTag(rawValue: 20)
    public static let padding = PacketTag(rawValue: 21)

    /// Whether RFC 9580 §4.2.1.4 allows partial body lengths for this type (data packets only).
    public var allowsPartialLength: Bool {
        switch self {
        case .compressedData, .symmetricallyEncryptedData, .literalData,
             .symmetricallyEncryptedIntegrityProtectedData, .ocbEncryptedData:
            return true
        default:
            return false
        }
    }

    public var description: String { "tag \(rawValue)" }
}

/// The header format a packet was read in (RFC 9580 §4.2).
public enum PacketHeaderFormat: Hashable, Sendable {
    /// OpenPGP (current) format, RFC 9580 §4.2.1.
    case current
    /// Legacy format, RFC 9580 §4.2.2 (RFC 4880 "old format").
    case legacy
}

/// One packet of the generic packet list: a tag and its body bytes, nothing interpreted.
///
/// This is the first parsing layer (bytes → packet list); typed values such as
/// ``PublicKeyPacket`` and ``SignaturePacket`` are read from these nodes.
public struct Packet: Hashable, Sendable {
    public let tag: PacketTag
    /// The body as it was read (partial-length chunks already joined).
    public let body: [UInt8]
    /// The header format the packet arrived in; serialization always writes ``PacketHeaderFormat/current``.
    public let headerFormat: PacketHeaderFormat

    public init(tag: PacketTag, body: [UInt8], headerFormat: PacketHeaderFormat = .current) {
        self.tag = tag
        self.body = body
        self.headerFormat = headerFormat
    }

    /// Reads a whole input as a packet list (RFC 9580 §4).
    ///
    /// - Parameter bytes: binary OpenPGP data (not armored).
    /// - Throws: ``OpenPGPError`` when the input is larger than `maximumBytes`, holds more than `maximumPackets`
    ///   packets, is truncated, or uses a partial length where §4.2.1.4 forbids it.
    public static func parseAll(_ bytes: [UInt8], maximumBytes: Int = OpenPGPLimits.maxInputBytes,
                                maximumPackets: Int = OpenPGPLimits.maxPackets) throws -> [Packet] {
        guard bytes.count <= maximumBytes else {
            throw OpenPGPError.tooLarge.with("input of \(bytes.count) bytes exceeds \(maximumBytes)")
        }
        var reader = ByteReader(bytes)
        var packets: [Packet] = []
        while !reader.isAtEnd {
            guard packets.count < maximumPackets else {
                throw OpenPGPError.tooManyPackets.with("more than \(maximumPackets) packets")
            }
            packets.append(try Packet(parsing: &reader))
        }
        return packets
    }

    /// Reads one packet (header and body) from `reader` (RFC 9580 §4.2).
    init(parsing reader: inout ByteReader) throws {
        guard let first = reader.readByte() else { throw OpenPGPError.truncated }
        guard first & 0x80 != 0 else {
            throw OpenPGPError.malformedPacket.with("packet header bit 7 is not set")
        }
        if first & 0x40 != 0 {
            let tag = PacketTag(rawValue: first & 0x3F)
            guard tag.rawValue != 0 else { throw OpenPGPError.malformedPacket.with("packet tag 0 is reserved") }
            var body: [UInt8] = []
            var firstChunk = true
            while true {
                guard let l0 = reader.readByte() else { throw OpenPGPError.truncated }
                let length: Int
                var partial = false
                switch l0 {
                case 0..<192:
                    length = Int(l0)
                case 192..<224:
                    guard let l1 = reader.readByte() else { throw OpenPGPError.truncated }
                    length = (Int(l0) - 192) << 8 + Int(l1) + 192
                case 255:
                    guard let l = reader.readUInt32() else { throw OpenPGPError.truncated }
                    length = Int(l)
                default:
                    guard tag.allowsPartialLength else {
                        throw OpenPGPError.partialLengthNotAllowed.with("partial body length on packet \(tag.rawValue)")
                    }
                    length = 1 << Int(l0 & 0x1F)
                    partial = true
                    if firstChunk && length < 512 {
                        throw OpenPGPError.malformedPacket.with("first partial body chunk shorter than 512 octets")
                    }
                }
                guard let chunk = reader.readBytes(length) else { throw OpenPGPError.truncated }
                body.append(contentsOf: chunk)
                firstChunk = false
                if !partial { break }
            }
            self.init(tag: tag, body: body, headerFormat: .current)
        } else {
            let tag = PacketTag(rawValue: (first >> 2) & 0x0F)
            guard tag.rawValue != 0 else { throw OpenPGPError.malformedPacket.with("packet tag 0 is reserved") }
            let length: Int
            switch first & 0x03 {
            case 0:
                guard let l = reader.readByte() else { throw OpenPGPError.truncated }
                length = Int(l)
            case 1:
                guard let l = reader.readUInt16() else { throw OpenPGPError.truncated }
                length = Int(l)
            case 2:
                guard let l = reader.readUInt32() else { throw OpenPGPError.truncated }
                length = Int(l)
            default:
                guard tag.allowsPartialLength else {
                    throw OpenPGPError.partialLengthNotAllowed.with("indeterminate length on packet \(tag.rawValue)")
                }
                length = reader.remaining
            }
            guard let body = reader.readBytes(length) else { throw OpenPGPError.truncated }
            self.init(tag: tag, body: Array(body), headerFormat: .legacy)
        }
    }

    /// Appends this packet in the current format with a definite length (RFC 9580 §4.2.1).
    public func write(to out: inout [UInt8]) {
        out.append(0xC0 | tag.rawValue)
        let n = body.count
        if n < 192 {
            out.append(UInt8(n))
        } else if n < 8384 {
            let v = n - 192
            out.append(UInt8(v >> 8 + 192))
            out.append(UInt8(v & 0xFF))
        } else {
            out.append(0xFF)
            out.appendUInt32(n)
        }
        out.append(contentsOf: body)
    }

    /// The length of ``serialized``, without building it.
    var serializedCount: Int {
        let n = body.count
        return 1 + (n < 192 ? 1 : n < 8384 ? 2 : 5) + n
    }

    /// The packet in the current format.
    public var serialized: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }
}

extension [Packet] {
    /// All packets, each in the current format, concatenated.
    public var serialized: [UInt8] {
        var out: [UInt8] = []
        for p in self { p.write(to: &out) }
        return out
    }
}
