public import NIOCore

/// One milter packet: a 4-octet big-endian length, then that many octets: a command (or reply) letter and its data.
///
/// The same framing carries the MTA's commands and the filter's replies (Sendmail's `mfdef.h`, Postfix's `milter8.c`).
public struct MilterFrame: Sendable, Equatable {
    /// The largest length field accepted (command letter + data): 128 KiB. Postfix sends a body in chunks of at most
    /// 65 535 octets (`MILTER_CHUNK_SIZE`) and each header in one frame, and a header may be as long as
    /// `header_size_limit` (102 400 octets by default); 128 KiB holds either with room for the name.
    public static let maximumLength = 131_072

    /// The command or reply letter, e.g. `O`, `C`, `B`.
    public var command: UInt8
    /// The octets after the letter.
    public var data: ByteBuffer

    public init(command: UInt8, data: ByteBuffer = ByteBuffer()) {
        self.command = command
        self.data = data
    }

    /// Reads one whole frame from the front of `buffer`.
    ///
    /// - Returns: nil, with `buffer` untouched, while the frame is incomplete.
    /// - Throws: ``MilterError/Code/emptyFrame`` or ``MilterError/Code/frameTooLarge`` from the length field alone,
    ///   before its data has arrived.
    public static func next(_ buffer: inout ByteBuffer) throws(MilterError) -> MilterFrame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length > 0 else { throw MilterError(.emptyFrame, "frame length 0") }
        guard length <= maximumLength else {
            throw MilterError(.frameTooLarge, "frame length \(length) above \(maximumLength)")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let command = buffer.readInteger(as: UInt8.self)!
        return MilterFrame(command: command, data: buffer.readSlice(length: Int(length) - 1)!)
    }

    /// Appends the frame, length first.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(1 + data.readableBytes))
        buffer.writeInteger(command)
        buffer.writeImmutableBuffer(data)
    }
}

/// Splits a milter connection's bytes into ``MilterFrame``s (``MilterFrame/next(_:)``).
public struct MilterFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = MilterFrame

    public init() {}

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try MilterFrame.next(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
