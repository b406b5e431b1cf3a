/// Bytes as a set or dictionary key, hashed in one pass over their memory (an `[UInt8]` key hashes byte by byte,
/// which made de-duplicating a flood of packets cost more than parsing it).
struct Octets: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
