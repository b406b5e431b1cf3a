public import NIOCore

/// Postfix's socketmap framing (socketmap_table(5)): each request and reply is a netstring,
/// `<decimal length>:<bytes>,` (D. J. Bernstein's netstrings). Requests longer than ``maximumLength`` are refused.
public enum Netstring {
    /// The longest request accepted: 10 000 octets, far above `name key` for any mail domain.
    public static let maximumLength = 10_000

    /// `<length>:<payload>,`.
    public static func encode(_ payload: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeString("\(payload.utf8.count):")
        buffer.writeString(payload)
        buffer.writeString(",")
        return buffer
    }
}

/// Why a byte stream is not a sequence of acceptable netstrings.
public struct NetstringError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }

    public init(reason: String) { self.reason = reason }
}

/// Splits a byte stream into netstring payloads; anything malformed or too long is a ``NetstringError``.
public struct NetstringDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    public init() {}

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let payload = try Self.next(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(payload))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 && seenEOF {
            throw NetstringError(reason: "the connection ended inside a netstring")
        }
        return .needMoreData
    }

    /// Reads one netstring's payload from the front of `buffer`; nil (and `buffer` untouched) if incomplete.
    public static func next(_ buffer: inout ByteBuffer) throws(NetstringError) -> ByteBuffer? {
        let view = buffer.readableBytesView
        var length = 0
        var digits = 0
        var index = view.startIndex
        while index < view.endIndex, view[index] != UInt8(ascii: ":") {
            let byte = view[index]
            guard (0x30...0x39).contains(byte) else {
                throw NetstringError(reason: "expected a decimal length, found byte 0x\(String(byte, radix: 16))")
            }
            guard digits == 0 || length > 0 else { throw NetstringError(reason: "a length with a leading zero") }
            length = length * 10 + Int(byte - 0x30)
            digits += 1
            guard length <= Netstring.maximumLength else {
                throw NetstringError(reason: "a netstring longer than \(Netstring.maximumLength) octets")
            }
            index += 1
        }
        guard index < view.endIndex else { return nil }
        guard digits > 0 else { throw NetstringError(reason: "a netstring without a length") }
        let payloadStart = index + 1
        guard view.endIndex - payloadStart >= length + 1 else { return nil }
        guard view[payloadStart + length] == UInt8(ascii: ",") else {
            throw NetstringError(reason: "a netstring not ended by a comma")
        }
        buffer.moveReaderIndex(forwardBy: payloadStart - view.startIndex)
        let payload = buffer.readSlice(length: length)
        buffer.moveReaderIndex(forwardBy: 1)
        return payload
    }
}
