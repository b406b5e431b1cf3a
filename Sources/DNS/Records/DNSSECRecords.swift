/// A delegation signer (RFC 4034 §5).
public struct DS: Sendable, Hashable {
    public var keyTag: UInt16
    public var algorithm: UInt8
    public var digestType: UInt8
    public var digest: [UInt8]

    public init(keyTag: UInt16, algorithm: UInt8, digestType: UInt8, digest: [UInt8]) {
        self.keyTag = keyTag
        self.algorithm = algorithm
        self.digestType = digestType
        self.digest = digest
    }
}

/// A zone key (RFC 4034 §2).
public struct DNSKEY: Sendable, Hashable {
    public var flags: UInt16
    public var `protocol`: UInt8
    public var algorithm: UInt8
    public var publicKey: [UInt8]

    public init(flags: UInt16, protocol: UInt8, algorithm: UInt8, publicKey: [UInt8]) {
        self.flags = flags
        self.protocol = `protocol`
        self.algorithm = algorithm
        self.publicKey = publicKey
    }

    /// Whether the Secure Entry Point flag marks this as a key-signing key (RFC 4034 §2.1.1).
    public var isSecureEntryPoint: Bool { flags & 0x0001 != 0 }

    /// The key tag of RFC 4034 Appendix B.
    public var keyTag: UInt16 {
        var rdata: [UInt8] = [UInt8(flags >> 8), UInt8(flags & 0xFF), `protocol`, algorithm]
        rdata += publicKey
        var accumulator: UInt32 = 0
        for (index, byte) in rdata.enumerated() {
            accumulator += index & 1 == 0 ? UInt32(byte) << 8 : UInt32(byte)
        }
        accumulator += (accumulator >> 16) & 0xFFFF
        return UInt16(accumulator & 0xFFFF)
    }
}

/// A signature over an RRset (RFC 4034 §3).
public struct RRSIG: Sendable, Hashable {
    public var typeCovered: RecordType
    public var algorithm: UInt8
    public var labels: UInt8
    public var originalTTL: UInt32
    /// Seconds since the epoch, modulo 2^32 (RFC 4034 §3.1.5).
    public var expiration: UInt32
    public var inception: UInt32
    public var keyTag: UInt16
    public var signerName: DNSName
    public var signature: [UInt8]

    public init(
        typeCovered: RecordType, algorithm: UInt8, labels: UInt8, originalTTL: UInt32, expiration: UInt32,
        inception: UInt32, keyTag: UInt16, signerName: DNSName, signature: [UInt8]
    ) {
        self.typeCovered = typeCovered
        self.algorithm = algorithm
        self.labels = labels
        self.originalTTL = originalTTL
        self.expiration = expiration
        self.inception = inception
        self.keyTag = keyTag
        self.signerName = signerName
        self.signature = signature
    }
}

/// Authenticated denial of existence (RFC 4034 §4).
public struct NSEC: Sendable, Hashable {
    public var nextName: DNSName
    public var types: [RecordType]

    public init(nextName: DNSName, types: [RecordType]) {
        self.nextName = nextName
        self.types = types
    }
}

/// Hashed authenticated denial of existence (RFC 5155 §3).
public struct NSEC3: Sendable, Hashable {
    public var hashAlgorithm: UInt8
    public var flags: UInt8
    public var iterations: UInt16
    public var salt: [UInt8]
    public var nextHashedOwner: [UInt8]
    public var types: [RecordType]

    public init(hashAlgorithm: UInt8, flags: UInt8, iterations: UInt16, salt: [UInt8], nextHashedOwner: [UInt8], types: [RecordType]) {
        self.hashAlgorithm = hashAlgorithm
        self.flags = flags
        self.iterations = iterations
        self.salt = salt
        self.nextHashedOwner = nextHashedOwner
        self.types = types
    }
}

/// The type bit maps field shared by NSEC and NSEC3 (RFC 4034 §4.1.2).
enum TypeBitmap {
    static func decode(_ bytes: [UInt8], for type: RecordType) throws(DNSError) -> [RecordType] {
        var types: [RecordType] = []
        var index = 0
        var lastWindow = -1
        while index < bytes.count {
            guard index + 2 <= bytes.count else { throw .badRecordData(type, "type bitmap window truncated") }
            let window = Int(bytes[index])
            let length = Int(bytes[index + 1])
            guard window > lastWindow else { throw .badRecordData(type, "type bitmap windows out of order") }
            guard (1...32).contains(length), index + 2 + length <= bytes.count else {
                throw .badRecordData(type, "type bitmap length \(length) invalid")
            }
            for octet in 0..<length {
                let bits = bytes[index + 2 + octet]
                for bit in 0..<8 where bits & (0x80 >> UInt8(bit)) != 0 {
                    types.append(RecordType(rawValue: UInt16(window << 8 | octet << 3 | bit)))
                }
            }
            lastWindow = window
            index += 2 + length
        }
        return types
    }

    static func encode(_ types: [RecordType]) -> [UInt8] {
        let values = Set(types.map(\.rawValue)).sorted()
        var out: [UInt8] = []
        var windowIndex = 0
        while windowIndex < values.count {
            let window = values[windowIndex] >> 8
            var bitmap = [UInt8](repeating: 0, count: 32)
            var maxOctet = 0
            while windowIndex < values.count && values[windowIndex] >> 8 == window {
                let low = Int(values[windowIndex] & 0xFF)
                bitmap[low >> 3] |= 0x80 >> UInt8(low & 7)
                maxOctet = max(maxOctet, low >> 3)
                windowIndex += 1
            }
            out.append(UInt8(window))
            out.append(UInt8(maxOctet + 1))
            out += bitmap[...maxOctet]
        }
        return out
    }
}
