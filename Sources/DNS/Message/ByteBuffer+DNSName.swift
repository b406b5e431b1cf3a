public import NIOCore

extension ByteBuffer {
    /// Reads a possibly compressed name whose compression pointers are offsets from index 0 of this buffer
    /// (the start of the message). RFC 1035 §4.1.4.
    ///
    /// Every pointer must point before itself and before the previous pointer's target, so loops and forward
    /// references are rejected; names over 255 octets and unknown label types too. On error the reader index
    /// does not move.
    public mutating func readDNSName() throws(DNSError) -> DNSName {
        // `get*` only reaches readable bytes; pointers go back before the reader index, so read from a view of the
        // whole message.
        var message = self
        message.moveReaderIndex(to: 0)
        var labels: [[UInt8]] = []
        var wireLength = 1
        var cursor = readerIndex
        var resumeIndex: Int?
        var pointerCeiling = readerIndex
        while true {
            guard let length = message.getInteger(at: cursor, as: UInt8.self) else { throw .truncatedMessage("a name") }
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    moveReaderIndex(to: resumeIndex ?? cursor + 1)
                    return DNSName(validatedLabels: labels)
                }
                wireLength += Int(length) + 1
                guard wireLength <= DNSName.maximumWireLength else { throw .nameTooLong }
                guard let label = message.getBytes(at: cursor + 1, length: Int(length)) else { throw .truncatedMessage("a label") }
                labels.append(label)
                cursor += 1 + Int(length)
            case 0xC0:
                guard let low = message.getInteger(at: cursor + 1, as: UInt8.self) else { throw .truncatedMessage("a compression pointer") }
                let target = Int(length & 0x3F) << 8 | Int(low)
                guard target < cursor else { throw .forwardPointer }
                guard target < pointerCeiling else { throw .compressionLoop }
                if resumeIndex == nil { resumeIndex = cursor + 2 }
                pointerCeiling = target
                cursor = target
            default:
                throw .badLabelType
            }
        }
    }

    /// Writes a name, compressing it against names written earlier into the same message when a compressor is
    /// given. Returns the number of bytes written.
    @discardableResult
    public mutating func writeDNSName(_ name: DNSName, compressor: inout NameCompressor) -> Int {
        let start = writerIndex
        for index in name.labels.indices {
            let suffix = Array(name.labels[index...])
            let key = suffix.map { $0.map(DNSName.lowercase) }
            if let offset = compressor.offsets[key] {
                writeInteger(UInt16(0xC000 | offset))
                return writerIndex - start
            }
            let offset = writerIndex - compressor.messageStart
            if compressor.isEnabled && offset < 0x3FFF { compressor.offsets[key] = offset }
            writeInteger(UInt8(name.labels[index].count))
            writeBytes(name.labels[index])
        }
        writeInteger(UInt8(0))
        return writerIndex - start
    }

    /// Writes a name without compression (RDATA of types newer than RFC 1035, and canonical forms).
    @discardableResult
    public mutating func writeDNSName(_ name: DNSName) -> Int {
        var none = NameCompressor.disabled
        return writeDNSName(name, compressor: &none)
    }
}

/// Remembers where names were written in a message so later names can point at them (RFC 1035 §4.1.4).
public struct NameCompressor: Sendable {
    var offsets: [[[UInt8]]: Int] = [:]
    let messageStart: Int
    let isEnabled: Bool

    /// A compressor for a message that starts at `messageStart` in the buffer.
    public init(messageStart: Int = 0) {
        self.messageStart = messageStart
        self.isEnabled = true
    }

    private init(disabled: Void) {
        self.messageStart = 0
        self.isEnabled = false
    }

    /// A compressor that never compresses.
    public static var disabled: NameCompressor { NameCompressor(disabled: ()) }
}
