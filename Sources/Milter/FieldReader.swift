import NIOCore

/// Reads the fields of one command's data: big-endian integers, single octets and NUL-terminated strings.
struct FieldReader {
    private var buffer: ByteBuffer
    private let command: UInt8

    init(_ buffer: ByteBuffer, command: UInt8) {
        self.buffer = buffer
        self.command = command
    }

    var atEnd: Bool { buffer.readableBytes == 0 }

    mutating func integer() throws(MilterError) -> UInt32 {
        guard let value = buffer.readInteger(as: UInt32.self) else { throw malformed("a 4-octet integer is cut short") }
        return value
    }

    mutating func port() throws(MilterError) -> UInt16 {
        guard let value = buffer.readInteger(as: UInt16.self) else { throw malformed("the port is cut short") }
        return value
    }

    mutating func octet() throws(MilterError) -> UInt8 {
        guard let value = buffer.readInteger(as: UInt8.self) else { throw malformed("a letter is missing") }
        return value
    }

    /// The octets up to the next NUL, which is consumed.
    mutating func octets() throws(MilterError) -> [UInt8] {
        guard let end = buffer.readableBytesView.firstIndex(of: 0) else { throw malformed("a string lacks its NUL") }
        let octets = buffer.readBytes(length: end - buffer.readerIndex)!
        buffer.moveReaderIndex(forwardBy: 1)
        return octets
    }

    mutating func string() throws(MilterError) -> String {
        String(decoding: try octets(), as: UTF8.self)
    }

    mutating func rest() -> [UInt8] {
        buffer.readBytes(length: buffer.readableBytes)!
    }

    func expectEnd() throws(MilterError) {
        guard atEnd else { throw malformed("\(buffer.readableBytes) octets after the last field") }
    }

    /// The connect command's fields: host name, family, and for `4`, `6` and `L` a port and an address.
    mutating func client() throws(MilterError) -> MilterClient {
        let hostname = try string()
        let letter = try octet()
        guard let family = MilterClient.Family(rawValue: letter) else {
            throw malformed("address family 0x\(String(letter, radix: 16))")
        }
        guard family != .unknown else { return MilterClient(hostname: hostname, family: .unknown) }
        let port = try port()
        var address = try string()
        if family == .inet6, address.lowercased().hasPrefix("ipv6:") { address.removeFirst(5) }
        return MilterClient(hostname: hostname, family: family, port: port, address: address)
    }

    private func malformed(_ reason: String) -> MilterError {
        MilterError(.malformedCommand, "\(Character(Unicode.Scalar(command))): \(reason)")
    }
}
