/// Key flags (RFC 9580 §5.2.3.29).
public struct KeyFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let certify = KeyFlags(rawValue: 0x01)
    public static let sign = KeyFlags(rawValue: 0x02)
    public static let encryptCommunications = KeyFlags(rawValue: 0x04)
    public static let encryptStorage = KeyFlags(rawValue: 0x08)
    public static let split = KeyFlags(rawValue: 0x10)
    public static let authenticate = KeyFlags(rawValue: 0x20)
    public static let group = KeyFlags(rawValue: 0x80)
    /// Second octet 0x04: additional decryption subkey.
    public static let adsk = KeyFlags(rawValue: 0x0400)
    /// Second octet 0x08: timestamping.
    public static let timestamping = KeyFlags(rawValue: 0x0800)

    /// GnuPG-style letters: `c`ertify, `s`ign, `e`ncrypt, `a`uthenticate.
    public var description: String {
        var s = ""
        if contains(.certify) { s += "c" }
        if contains(.sign) { s += "s" }
        if !isDisjoint(with: [.encryptCommunications, .encryptStorage]) { s += "e" }
        if contains(.authenticate) { s += "a" }
        return s
    }
}

/// A reason for revocation (RFC 9580 §5.2.3.31).
public struct RevocationReason: Hashable, Sendable {
    /// 0 no reason, 1 superseded, 2 compromised, 3 retired, 32 user ID no longer valid.
    public let code: UInt8
    public let text: String

    public init(code: UInt8, text: String) {
        self.code = code
        self.text = text
    }

    /// Hard revocations (no reason, compromised, or unknown codes) apply to all times;
    /// soft ones (superseded, retired, user ID no longer valid) only from their creation on (RFC 9580 §5.2.3.31).
    public var isHard: Bool { ![1, 3, 32].contains(code) }

    /// A short name: `unspecified`, `superseded`, `compromised`, `retired`, `userIDInvalid`, `code(N)`.
    public var name: String {
        switch code {
        case 0: "unspecified"
        case 1: "superseded"
        case 2: "compromised"
        case 3: "retired"
        case 32: "userIDInvalid"
        default: "code(\(code))"
        }
    }
}

/// The typed value of a signature subpacket (RFC 9580 §5.2.3.7); types this library does not
/// interpret stay ``unknown``.
public indirect enum SubpacketValue: Hashable, Sendable {
    case signatureCreationTime(UInt32)
    case signatureExpirationTime(UInt32)
    case exportable(Bool)
    case revocable(Bool)
    case keyExpirationTime(UInt32)
    case preferredSymmetricAlgorithms([UInt8])
    case issuerKeyID(KeyID)
    case preferredHashAlgorithms([UInt8])
    case preferredCompressionAlgorithms([UInt8])
    case primaryUserID(Bool)
    case keyFlags(KeyFlags)
    case reasonForRevocation(RevocationReason)
    case features([UInt8])
    case embeddedSignature(SignaturePacket)
    case issuerFingerprint(version: UInt8, Fingerprint)
    case preferredAEADCiphersuites([UInt8])
    case unknown
}

/// One signature subpacket: its type, critical bit, body as read, and typed value (RFC 9580 §5.2.3.7).
public struct Subpacket: Hashable, Sendable {
    /// The type without the critical bit.
    public let type: UInt8
    public let isCritical: Bool
    public let body: [UInt8]
    public let value: SubpacketValue

    /// Subpacket types whose meaning this library understands, or which are harmless to ignore,
    /// for the purpose of the critical bit (RFC 9580 §5.2.3.7).
    static let understood: Set<UInt8> = [2, 3, 4, 7, 9, 11, 12, 16, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 37, 38, 39]

    /// Reads a subpacket area.
    static func parseArea(_ bytes: ArraySlice<UInt8>, depth: Int) throws -> [Subpacket] {
        var r = ByteReader(bytes)
        var out: [Subpacket] = []
        while !r.isAtEnd {
            guard let l0 = r.readByte() else { throw OpenPGPError.truncated }
            let length: Int
            switch l0 {
            case 0..<192: length = Int(l0)
            case 192..<255:
                guard let l1 = r.readByte() else { throw OpenPGPError.truncated }
                length = (Int(l0) - 192) << 8 + Int(l1) + 192
            default:
                guard let l = r.readUInt32() else { throw OpenPGPError.truncated }
                length = Int(l)
            }
            guard length >= 1, let content = r.readBytes(length) else {
                throw OpenPGPError.malformedPacket.with("bad subpacket length")
            }
            let typeOctet = content[content.startIndex]
            let body = Array(content.dropFirst())
            let type = typeOctet & 0x7F
            out.append(Subpacket(type: type, isCritical: typeOctet & 0x80 != 0, body: body,
                                 value: try parseValue(type: type, body: body, depth: depth)))
        }
        return out
    }

    private static func parseValue(type: UInt8, body: [UInt8], depth: Int) throws -> SubpacketValue {
        func u32() throws -> UInt32 {
            guard body.count == 4 else { throw OpenPGPError.malformedPacket.with("subpacket \(type) must be 4 octets") }
            return body.reduce(0) { $0 << 8 | UInt32($1) }
        }
        func flag() throws -> Bool {
            guard body.count == 1 else { throw OpenPGPError.malformedPacket.with("subpacket \(type) must be 1 octet") }
            return body[0] != 0
        }
        switch type {
        case 2: return .signatureCreationTime(try u32())
        case 3: return .signatureExpirationTime(try u32())
        case 4: return .exportable(try flag())
        case 7: return .revocable(try flag())
        case 9: return .keyExpirationTime(try u32())
        case 11: return .preferredSymmetricAlgorithms(body)
        case 16:
            guard body.count == 8 else { throw OpenPGPError.malformedPacket.with("issuer key ID must be 8 octets") }
            return .issuerKeyID(KeyID(bytes: body))
        case 21: return .preferredHashAlgorithms(body)
        case 22: return .preferredCompressionAlgorithms(body)
        case 25: return .primaryUserID(try flag())
        case 27:
            var raw: UInt16 = 0
            if let a = body.first { raw |= UInt16(a) }
            if body.count > 1 { raw |= UInt16(body[1]) << 8 }
            return .keyFlags(KeyFlags(rawValue: raw))
        case 29:
            guard let code = body.first else { throw OpenPGPError.malformedPacket.with("empty reason for revocation") }
            return .reasonForRevocation(RevocationReason(code: code, text: String(decoding: body.dropFirst(), as: UTF8.self)))
        case 30: return .features(body)
        case 32: return .embeddedSignature(try SignaturePacket(body: body, depth: depth + 1))
        case 33:
            guard let v = body.first, (v == 4 && body.count == 21) || (v == 6 && body.count == 33) else {
                throw OpenPGPError.malformedPacket.with("bad issuer fingerprint")
            }
            return .issuerFingerprint(version: v, Fingerprint(bytes: Array(body.dropFirst())))
        case 39: return .preferredAEADCiphersuites(body)
        default: return .unknown
        }
    }
}
