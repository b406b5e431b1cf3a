import Foundation
import TestSupport
import Testing
@testable import Reports

/// The single-entry ZIP reader against archives written by Python's `zipfile` (a real peer, not our own writer).
@Suite struct ZipReaderTests {
    /// A zip archive from Python's zipfile: `entries` as (name, content as Python expression), `deflate` or stored.
    static func pythonZip(_ entries: [(String, String)], deflate: Bool) throws -> [UInt8] {
        let method = deflate ? "zipfile.ZIP_DEFLATED" : "zipfile.ZIP_STORED"
        let writes = entries.map { "z.writestr(zipfile.ZipInfo(\"\($0.0)\", (2026, 12, 6, 0, 0, 0)), \($0.1), compress_type=\(method))" }
        let script = "import io, sys, zipfile\nb = io.BytesIO()\nwith zipfile.ZipFile(b, 'w') as z:\n"
            + writes.map { "    \($0)\n" }.joined() + "sys.stdout.buffer.write(b.getvalue())\n"
        return Array(try runTool("python3", ["-c", script]))
    }

    static let xml = "b'<?xml version=\"1.0\"?><feedback><report_metadata/></feedback>'"
    static let xmlText = Array("<?xml version=\"1.0\"?><feedback><report_metadata/></feedback>".utf8)

    @Test func storedAndDeflated() throws {
        #expect(try ZipReader.extract(Self.pythonZip([("r.xml", Self.xml)], deflate: false), limit: 1 << 20) == Self.xmlText)
        #expect(try ZipReader.extract(Self.pythonZip([("r.xml", Self.xml)], deflate: true), limit: 1 << 20) == Self.xmlText)
        let large = try ZipReader.extract(Self.pythonZip([("r.xml", "b'<a/>' * 100000")], deflate: true), limit: 1 << 20)
        #expect(large == Array(String(repeating: "<a/>", count: 100_000).utf8))
    }

    @Test func refusals() throws {
        #expect(throws: ReportsError.unsupportedZip("")) {
            try ZipReader.extract(Self.pythonZip([("a.xml", Self.xml), ("b.xml", Self.xml)], deflate: true), limit: 1 << 20)
        }
        do {
            _ = try ZipReader.extract(Self.pythonZip([("a.xml", Self.xml), ("b.xml", Self.xml)], deflate: true), limit: 1 << 20)
        } catch let error as ReportsError {
            #expect(error.reason == "unsupported zip archive: the archive must hold exactly one file")
        }
        var stored = try Self.pythonZip([("r.xml", Self.xml)], deflate: false)
        stored[30 + 5 + 3] ^= 0x01  // one bit of the data after the 30-octet local header and the 5-octet name
        #expect(throws: ReportsError.corruptCompression("")) { try ZipReader.extract(stored, limit: 1 << 20) }
        #expect(throws: ReportsError.malformedZip("")) { try ZipReader.extract(Array("PK not a zip".utf8), limit: 1 << 20) }
        #expect(throws: ReportsError.tooLarge("", 0)) { try ZipReader.extract(Self.pythonZip([("r.xml", Self.xml)], deflate: true), limit: 10) }
    }

    /// A zip bomb whose central directory lies about its size: inflating stops at the limit, quickly.
    @Test func lyingBombStopsAtTheLimit() throws {
        var bomb = try Self.pythonZip([("r.xml", "bytes(256 << 20)")], deflate: true)
        let end = bomb.count - 22
        let central = Int(bomb[end + 16]) | Int(bomb[end + 17]) << 8 | Int(bomb[end + 18]) << 16 | Int(bomb[end + 19]) << 24
        bomb.replaceSubrange((central + 24)..<(central + 28), with: [0x00, 0x10, 0x00, 0x00])  // claims 4 KiB
        let started = ContinuousClock.now
        #expect(throws: ReportsError.tooLarge("", 0)) { try ZipReader.extract(bomb, limit: 1 << 20) }
        #expect(ContinuousClock.now - started < .milliseconds(500))
    }
}
