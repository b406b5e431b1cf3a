import TLSRPT

/// Reads a ZIP archive holding exactly one file, stored or deflated (APPNOTE.TXT §4.3, §4.4), as DMARC aggregate
/// reports are sent (RFC 9990 §5.2 allows `application/zip`). Sizes come from the central directory; the output is
/// refused once it would pass the inflate limit, and its CRC-32 is checked.
public enum ZipReader {
    /// The largest archive read.
    public static let maximumArchiveSize = 16 << 20
    /// The longest archive comment: the end record is searched for in the last 22 + 65 535 octets.
    static let maximumCommentLength = 0xFFFF
    static let endRecordSignature: UInt32 = 0x0605_4B50
    static let centralHeaderSignature: UInt32 = 0x0201_4B50
    static let localHeaderSignature: UInt32 = 0x0403_4B50

    /// The one file's content.
    /// - Parameter limit: the most octets the file may inflate to.
    /// - Throws: ``ReportsError`` `malformedZip`, `unsupportedZip`, `tooLarge` or `corruptCompression`.
    public static func extract(_ archive: [UInt8], limit: Int) throws(ReportsError) -> [UInt8] {
        guard archive.count <= maximumArchiveSize else { throw .tooLarge("the zip archive", maximumArchiveSize) }
        guard let end = endRecord(archive) else { throw .malformedZip("no end of central directory record") }
        guard read16(archive, end + 8) == 1, read16(archive, end + 10) == 1 else {
            throw .unsupportedZip("the archive must hold exactly one file")
        }
        let central = Int(read32(archive, end + 16))
        guard central + 46 <= end, read32(archive, central) == centralHeaderSignature else {
            throw .malformedZip("the central directory is not where the end record says")
        }
        let flags = read16(archive, central + 8)
        let method = read16(archive, central + 10)
        let crc = read32(archive, central + 16)
        let compressedSize = read32(archive, central + 20)
        let size = read32(archive, central + 24)
        let local = Int(read32(archive, central + 42))
        guard flags & 0x0001 == 0 else { throw .unsupportedZip("the file is encrypted") }
        guard compressedSize != 0xFFFF_FFFF, size != 0xFFFF_FFFF, local != 0xFFFF_FFFF else {
            throw .unsupportedZip("ZIP64 archives are not read")
        }
        guard Int(size) <= limit else { throw .tooLarge("the zipped file", limit) }
        guard local + 30 <= central, read32(archive, local) == localHeaderSignature else {
            throw .malformedZip("no local file header where the central directory says")
        }
        let dataStart = local + 30 + Int(read16(archive, local + 26)) + Int(read16(archive, local + 28))
        guard dataStart + Int(compressedSize) <= central else { throw .malformedZip("the file data runs past the central directory") }
        let data = archive[dataStart..<(dataStart + Int(compressedSize))]
        switch method {
        case 0:
            guard compressedSize == size else { throw .malformedZip("a stored file's two sizes differ") }
            guard CRC32.checksum(data) == crc else { throw .corruptCompression("the zipped file's CRC-32 does not match") }
            return Array(data)
        case 8:
            // A raw deflate stream in gzip framing (RFC 1952 §2.3) with the central directory's CRC-32 and size, so
            // the bounded inflater checks both.
            var member: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xFF]
            member += data
            member += littleEndian(crc) + littleEndian(size)
            var inflater = BoundedInflater(limit: limit)
            do {
                return try inflater.inflate(member)
            } catch where error.code == .inflateLimitExceeded {
                throw .tooLarge("the zipped file", limit)
            } catch {
                throw .corruptCompression("the zipped file: \(error.reason)")
            }
        default:
            throw .unsupportedZip("compression method \(method); only stored (0) and deflate (8) are read")
        }
    }

    /// The offset of the end of central directory record, searched backwards over at most the longest comment.
    private static func endRecord(_ archive: [UInt8]) -> Int? {
        guard archive.count >= 22 else { return nil }
        let lowest = max(0, archive.count - 22 - maximumCommentLength)
        var offset = archive.count - 22
        while offset >= lowest {
            if read32(archive, offset) == endRecordSignature, offset + 22 + Int(read16(archive, offset + 20)) == archive.count {
                return offset
            }
            offset -= 1
        }
        return nil
    }

    private static func read16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        guard offset >= 0, offset + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func read32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        guard offset >= 0, offset + 4 <= bytes.count else { return 0 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
