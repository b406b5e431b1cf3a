extension RecordData {
    /// How wide dig prints long hex and base64 fields before breaking them with a space.
    static let digChunkWidth = 56

    /// The presentation format of the data, exactly as `dig +short` prints it.
    public var presentation: String {
        switch self {
        case .a(let address): address.description
        case .aaaa(let address): address.description
        case .cname(let name), .ns(let name), .ptr(let name): name.description
        case .soa(let soa):
            "\(soa.primary) \(soa.mailbox) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)"
        case .mx(let mx): "\(mx.preference) \(mx.exchange)"
        case .txt(let strings): strings.map(Encoding.quoted).joined(separator: " ")
        case .srv(let srv): "\(srv.priority) \(srv.weight) \(srv.port) \(srv.target)"
        case .caa(let caa): "\(caa.flags) \(String(decoding: caa.tag, as: UTF8.self)) \(Encoding.quoted(caa.value))"
        case .tlsa(let tlsa):
            "\(tlsa.usage) \(tlsa.selector) \(tlsa.matchingType) \(Self.hexField(tlsa.data))"
        case .ds(let ds): "\(ds.keyTag) \(ds.algorithm) \(ds.digestType) \(Self.hexField(ds.digest))"
        case .dnskey(let key): "\(key.flags) \(key.protocol) \(key.algorithm) \(Self.base64Field(key.publicKey))"
        case .rrsig(let sig):
            "\(sig.typeCovered) \(sig.algorithm) \(sig.labels) \(sig.originalTTL) \(Encoding.timestamp(sig.expiration)) "
                + "\(Encoding.timestamp(sig.inception)) \(sig.keyTag) \(sig.signerName) \(Self.base64Field(sig.signature))"
        case .nsec(let nsec): ([nsec.nextName.description] + nsec.types.map(\.description)).joined(separator: " ")
        case .nsec3(let nsec3):
            ([
                "\(nsec3.hashAlgorithm)", "\(nsec3.flags)", "\(nsec3.iterations)",
                nsec3.salt.isEmpty ? "-" : Encoding.hex(nsec3.salt), Encoding.base32Hex(nsec3.nextHashedOwner),
            ] + nsec3.types.map(\.description)).joined(separator: " ")
        case .openpgpkey(let bytes): Self.base64Field(bytes)
        case .unknown(let bytes): bytes.isEmpty ? "\\# 0" : "\\# \(bytes.count) \(Self.hexField(bytes))"
        }
    }

    static func hexField(_ bytes: [UInt8]) -> String {
        Encoding.chunked(Encoding.hex(bytes), width: digChunkWidth)
    }

    static func base64Field(_ bytes: [UInt8]) -> String {
        Encoding.chunked(Encoding.base64(bytes), width: digChunkWidth)
    }
}
