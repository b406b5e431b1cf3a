import NIOCore

/// Reads the fields of one record's data from the message buffer without going past the data's end.
struct RDataReader: ~Copyable {
    private var buffer: ByteBuffer
    let type: RecordType
    let end: Int

    /// `buffer` is the whole message with its reader index at the start of the data.
    init(message buffer: ByteBuffer, type: RecordType, length: Int) {
        self.buffer = buffer
        self.type = type
        self.end = buffer.readerIndex + length
    }

    var remaining: Int { end - buffer.readerIndex }
    var readerIndex: Int { buffer.readerIndex }

    private func bad(_ detail: String) -> DNSError { .badRecordData(type, detail) }

    mutating func u8(_ field: String) throws(DNSError) -> UInt8 {
        guard remaining >= 1, let value = buffer.readInteger(as: UInt8.self) else { throw bad("\(field) missing") }
        return value
    }

    mutating func u16(_ field: String) throws(DNSError) -> UInt16 {
        guard remaining >= 2, let value = buffer.readInteger(as: UInt16.self) else { throw bad("\(field) missing") }
        return value
    }

    mutating func u32(_ field: String) throws(DNSError) -> UInt32 {
        guard remaining >= 4, let value = buffer.readInteger(as: UInt32.self) else { throw bad("\(field) missing") }
        return value
    }

    mutating func bytes(_ count: Int, _ field: String) throws(DNSError) -> [UInt8] {
        guard count >= 0, remaining >= count, let value = buffer.readBytes(length: count) else { throw bad("\(field) truncated") }
        return value
    }

    mutating func rest() -> [UInt8] {
        buffer.readBytes(length: max(remaining, 0)) ?? []
    }

    /// A `<character-string>`: one length octet and that many octets (RFC 1035 §3.3).
    mutating func characterString(_ field: String) throws(DNSError) -> [UInt8] {
        let length = try u8(field)
        return try bytes(Int(length), field)
    }

    /// A name; pointers are followed only where `compressed` (RFC 3597 §4 forbids them in newer types).
    mutating func name(_ field: String, compressed: Bool) throws(DNSError) -> DNSName {
        let start = buffer.readerIndex
        let name = try buffer.readDNSName()
        guard buffer.readerIndex <= end else { throw bad("\(field) runs past the record data") }
        if !compressed, buffer.readerIndex - start != name.wireLength { throw bad("\(field) must not be compressed") }
        return name
    }

    func finish() throws(DNSError) {
        guard remaining == 0 else { throw .trailingData("\(type) record data") }
    }
}
