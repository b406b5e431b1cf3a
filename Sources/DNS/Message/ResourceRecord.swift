import NIOCore

/// A resource record (RFC 1035 §4.1.3).
public struct ResourceRecord: Sendable, Hashable, CustomStringConvertible {
    public var name: DNSName
    public var type: RecordType
    public var recordClass: RecordClass
    public var ttl: UInt32
    public var data: RecordData

    public init(name: DNSName, type: RecordType, recordClass: RecordClass = .internet, ttl: UInt32, data: RecordData) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }

    /// The record as a line of dig's answer section: `name TTL class type data`, tab-separated.
    public var description: String {
        "\(name)\t\(ttl)\t\(recordClass)\t\(type)\t\(data.presentation)"
    }
}

extension ByteBuffer {
    /// Reads one resource record; `self` must be the whole message (for compression).
    mutating func readResourceRecord() throws(DNSError) -> ResourceRecord {
        let start = readerIndex
        do throws(DNSError) {
            let name = try readDNSName()
            guard let (type, recordClass, ttl, length) = readMultipleIntegers(as: (UInt16, UInt16, UInt32, UInt16).self) else {
                throw DNSError.truncatedMessage("a record header")
            }
            guard readableBytes >= Int(length) else { throw DNSError.truncatedMessage("record data") }
            let recordType = RecordType(rawValue: type)
            let data = try RecordData.decode(type: recordType, length: Int(length), from: &self)
            return ResourceRecord(name: name, type: recordType, recordClass: RecordClass(rawValue: recordClass), ttl: ttl, data: data)
        } catch {
            moveReaderIndex(to: start)
            throw error
        }
    }

    /// Writes one resource record with its data length filled in.
    mutating func writeResourceRecord(_ record: ResourceRecord, compressor: inout NameCompressor) {
        writeDNSName(record.name, compressor: &compressor)
        writeMultipleIntegers(record.type.rawValue, record.recordClass.rawValue, record.ttl)
        let lengthIndex = writerIndex
        writeInteger(UInt16(0))
        record.data.write(to: &self, compressor: &compressor)
        setInteger(UInt16(writerIndex - lengthIndex - 2), at: lengthIndex)
    }
}
