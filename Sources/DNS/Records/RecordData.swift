public import NIOCore

/// The typed data of a resource record. Types without a case here are kept as opaque bytes and printed in
/// the generic form of RFC 3597 §5.
public enum RecordData: Sendable, Hashable {
    case a(IPv4Address)
    case aaaa(IPv6Address)
    case cname(DNSName)
    case ns(DNSName)
    case ptr(DNSName)
    case soa(SOA)
    case mx(MX)
    /// The character-strings of a TXT record, in order (RFC 1035 §3.3.14).
    case txt([[UInt8]])
    case srv(SRV)
    case caa(CAA)
    case tlsa(TLSA)
    case ds(DS)
    case dnskey(DNSKEY)
    case rrsig(RRSIG)
    case nsec(NSEC)
    case nsec3(NSEC3)
    /// A transferable public key (RFC 7929 §2.1).
    case openpgpkey([UInt8])
    case unknown([UInt8])

    /// Decodes data of `type` that starts at the reader index of `message` and is `length` octets long.
    ///
    /// `message` must be the whole message, so compression pointers resolve; its reader index moves past the data.
    public static func decode(type: RecordType, length: Int, from message: inout ByteBuffer) throws(DNSError) -> RecordData {
        var reader = RDataReader(message: message, type: type, length: length)
        guard reader.remaining <= message.readableBytes else { throw .truncatedMessage("record data") }
        let data: RecordData
        switch type {
        case .a:
            data = .a(IPv4Address(bytes: try reader.bytes(4, "address"))!)
        case .aaaa:
            data = .aaaa(IPv6Address(bytes: try reader.bytes(16, "address"))!)
        case .cname:
            data = .cname(try reader.name("target", compressed: true))
        case .ns:
            data = .ns(try reader.name("name server", compressed: true))
        case .ptr:
            data = .ptr(try reader.name("target", compressed: true))
        case .soa:
            data = .soa(SOA(
                primary: try reader.name("primary", compressed: true), mailbox: try reader.name("mailbox", compressed: true),
                serial: try reader.u32("serial"), refresh: try reader.u32("refresh"), retry: try reader.u32("retry"),
                expire: try reader.u32("expire"), minimum: try reader.u32("minimum")))
        case .mx:
            data = .mx(MX(preference: try reader.u16("preference"), exchange: try reader.name("exchange", compressed: true)))
        case .txt:
            var strings: [[UInt8]] = []
            repeat { strings.append(try reader.characterString("string")) } while reader.remaining > 0
            data = .txt(strings)
        case .srv:
            data = .srv(SRV(
                priority: try reader.u16("priority"), weight: try reader.u16("weight"), port: try reader.u16("port"),
                target: try reader.name("target", compressed: true)))
        case .caa:
            let flags = try reader.u8("flags")
            let tag = try reader.characterString("tag")
            guard !tag.isEmpty else { throw .badRecordData(type, "empty tag") }
            data = .caa(CAA(flags: flags, tag: tag, value: reader.rest()))
        case .tlsa:
            data = .tlsa(TLSA(usage: try reader.u8("usage"), selector: try reader.u8("selector"),
                              matchingType: try reader.u8("matching type"), data: reader.rest()))
        case .ds:
            data = .ds(DS(keyTag: try reader.u16("key tag"), algorithm: try reader.u8("algorithm"),
                          digestType: try reader.u8("digest type"), digest: reader.rest()))
        case .dnskey:
            data = .dnskey(DNSKEY(flags: try reader.u16("flags"), protocol: try reader.u8("protocol"),
                                  algorithm: try reader.u8("algorithm"), publicKey: reader.rest()))
        case .rrsig:
            data = .rrsig(RRSIG(
                typeCovered: RecordType(rawValue: try reader.u16("type covered")), algorithm: try reader.u8("algorithm"),
                labels: try reader.u8("labels"), originalTTL: try reader.u32("original TTL"),
                expiration: try reader.u32("expiration"), inception: try reader.u32("inception"),
                keyTag: try reader.u16("key tag"), signerName: try reader.name("signer", compressed: false),
                signature: reader.rest()))
        case .nsec:
            let next = try reader.name("next name", compressed: false)
            data = .nsec(NSEC(nextName: next, types: try TypeBitmap.decode(reader.rest(), for: type)))
        case .nsec3:
            let algorithm = try reader.u8("hash algorithm")
            let flags = try reader.u8("flags")
            let iterations = try reader.u16("iterations")
            let salt = try reader.characterString("salt")
            let next = try reader.characterString("next hashed owner")
            guard !next.isEmpty else { throw .badRecordData(type, "empty next hashed owner") }
            data = .nsec3(NSEC3(hashAlgorithm: algorithm, flags: flags, iterations: iterations, salt: salt,
                                nextHashedOwner: next, types: try TypeBitmap.decode(reader.rest(), for: type)))
        case .openpgpkey:
            data = .openpgpkey(reader.rest())
        default:
            data = .unknown(reader.rest())
        }
        try reader.finish()
        message.moveReaderIndex(forwardBy: length)
        return data
    }

    /// Writes the data (without its length prefix). Only the types of RFC 1035 compress names (RFC 3597 §4).
    public func write(to buffer: inout ByteBuffer, compressor: inout NameCompressor) {
        switch self {
        case .a(let address): buffer.writeBytes(address.bytes)
        case .aaaa(let address): buffer.writeBytes(address.bytes)
        case .cname(let name), .ns(let name), .ptr(let name): buffer.writeDNSName(name, compressor: &compressor)
        case .soa(let soa):
            buffer.writeDNSName(soa.primary, compressor: &compressor)
            buffer.writeDNSName(soa.mailbox, compressor: &compressor)
            buffer.writeMultipleIntegers(soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum)
        case .mx(let mx):
            buffer.writeInteger(mx.preference)
            buffer.writeDNSName(mx.exchange, compressor: &compressor)
        case .txt(let strings):
            for string in strings { buffer.writeCharacterString(string) }
        case .srv(let srv):
            buffer.writeMultipleIntegers(srv.priority, srv.weight, srv.port)
            buffer.writeDNSName(srv.target)
        case .caa(let caa):
            buffer.writeInteger(caa.flags)
            buffer.writeCharacterString(caa.tag)
            buffer.writeBytes(caa.value)
        case .tlsa(let tlsa):
            buffer.writeMultipleIntegers(tlsa.usage, tlsa.selector, tlsa.matchingType)
            buffer.writeBytes(tlsa.data)
        case .ds(let ds):
            buffer.writeMultipleIntegers(ds.keyTag, ds.algorithm, ds.digestType)
            buffer.writeBytes(ds.digest)
        case .dnskey(let key):
            buffer.writeMultipleIntegers(key.flags, key.protocol, key.algorithm)
            buffer.writeBytes(key.publicKey)
        case .rrsig(let sig):
            buffer.writeMultipleIntegers(sig.typeCovered.rawValue, sig.algorithm, sig.labels, sig.originalTTL)
            buffer.writeMultipleIntegers(sig.expiration, sig.inception, sig.keyTag)
            buffer.writeDNSName(sig.signerName)
            buffer.writeBytes(sig.signature)
        case .nsec(let nsec):
            buffer.writeDNSName(nsec.nextName)
            buffer.writeBytes(TypeBitmap.encode(nsec.types))
        case .nsec3(let nsec3):
            buffer.writeMultipleIntegers(nsec3.hashAlgorithm, nsec3.flags, nsec3.iterations)
            buffer.writeCharacterString(nsec3.salt)
            buffer.writeCharacterString(nsec3.nextHashedOwner)
            buffer.writeBytes(TypeBitmap.encode(nsec3.types))
        case .openpgpkey(let bytes), .unknown(let bytes):
            buffer.writeBytes(bytes)
        }
    }

    /// The data in uncompressed wire form, as hashed for DANE and DNSSEC.
    public var wireBytes: [UInt8] {
        var buffer = ByteBuffer()
        var none = NameCompressor.disabled
        write(to: &buffer, compressor: &none)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}

extension ByteBuffer {
    mutating func writeCharacterString(_ bytes: [UInt8]) {
        writeInteger(UInt8(min(bytes.count, 255)))
        writeBytes(bytes.prefix(255))
    }
}
