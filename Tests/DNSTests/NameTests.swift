import DNS
import NIOCore
import Testing

@Suite("Domain names and compression (RFC 1035 §2.3.4, §4.1.4)")
struct NameTests {
    @Test func parsesTextWithEscapesAndPrintsLikeDig() throws {
        let name = try DNSName("a\\.b.Example.COM")
        #expect(name.labels.count == 3)
        #expect(name.description == "a\\.b.Example.COM.")
        #expect(name == (try DNSName("A\\.B.example.com.")))
        #expect(try DNSName("\\065bc.test").description == "Abc.test.")
        #expect(try DNSName("x\\000y.test").description == "x\\000y.test.")
        #expect(DNSName.root.description == ".")
    }

    @Test func rejectsLabelsOver63Octets() {
        #expect(throws: DNSError.labelTooLong) { try DNSName(String(repeating: "a", count: 64) + ".test") }
        #expect(throws: Never.self) { try DNSName(String(repeating: "a", count: 63) + ".test") }
    }

    @Test func rejectsNamesOver255Octets() throws {
        // 4 labels of 63 octets: 4 × 64 + 1 = 257 octets in wire form.
        let long = Array(repeating: String(repeating: "b", count: 63), count: 4).joined(separator: ".")
        #expect(throws: DNSError.nameTooLong) { try DNSName(long) }
        let fits = Array(repeating: String(repeating: "b", count: 63), count: 3).joined(separator: ".") + "." + String(repeating: "c", count: 61)
        #expect(try DNSName(fits).wireLength == 255)
    }

    @Test func rejectsEmptyLabels() {
        #expect(throws: DNSError.invalidName("", "")) { try DNSName("a..b") }
    }

    @Test func readsACompressedName() throws {
        // "www.example.test" at 0, then "mail" + pointer to offset 4 ("example.test").
        var buffer = ByteBuffer(bytes: [3] + Array("www".utf8) + [7] + Array("example".utf8) + [4] + Array("test".utf8) + [0]
            + [4] + Array("mail".utf8) + [0xC0, 4])
        #expect(try buffer.readDNSName().description == "www.example.test.")
        #expect(try buffer.readDNSName().description == "mail.example.test.")
        #expect(buffer.readableBytes == 0)
    }

    @Test func rejectsAPointerLoop() {
        // offset 0: label "a", then a pointer back to offset 0: a name that never ends.
        var buffer = ByteBuffer(bytes: [1, UInt8(ascii: "a"), 0xC0, 0x00])
        #expect(throws: DNSError.compressionLoop) { try buffer.readDNSName() }
        #expect(buffer.readerIndex == 0, "a failed read must not move the reader index")
    }

    @Test func rejectsAPointerToItself() {
        var buffer = ByteBuffer(bytes: [0xC0, 0x00])
        #expect(throws: DNSError.forwardPointer) { try buffer.readDNSName() }
    }

    @Test func rejectsAForwardPointer() {
        var buffer = ByteBuffer(bytes: [0xC0, 0x02, 1, UInt8(ascii: "a"), 0])
        #expect(throws: DNSError.forwardPointer) { try buffer.readDNSName() }
    }

    @Test func rejectsReservedLabelTypes() {
        // 0x40 and 0x80 would be lengths of 64 and 128: retired label types (RFC 6891 §5).
        var extended = ByteBuffer(bytes: [0x40] + Array(repeating: UInt8(ascii: "a"), count: 64) + [0])
        #expect(throws: DNSError.badLabelType) { try extended.readDNSName() }
        var reserved = ByteBuffer(bytes: [0x80, 0])
        #expect(throws: DNSError.badLabelType) { try reserved.readDNSName() }
    }

    @Test func rejectsAWireNameOver255Octets() {
        var wire: [UInt8] = []
        for _ in 0..<5 { wire += [63] + Array(repeating: UInt8(ascii: "x"), count: 63) }
        var buffer = ByteBuffer(bytes: wire + [0])
        #expect(throws: DNSError.nameTooLong) { try buffer.readDNSName() }
    }

    @Test func rejectsTruncatedNames() {
        var buffer = ByteBuffer(bytes: [5, UInt8(ascii: "a")])
        #expect(throws: DNSError.truncatedMessage("")) { try buffer.readDNSName() }
    }

    @Test func compressesRepeatedSuffixesOnWrite() throws {
        var buffer = ByteBuffer()
        var compressor = NameCompressor()
        let first = buffer.writeDNSName(try DNSName("www.example.test"), compressor: &compressor)
        let second = buffer.writeDNSName(try DNSName("MAIL.Example.Test"), compressor: &compressor)
        #expect(first == 18)
        #expect(second == 7, "\"mail\" and a two-octet pointer")
        #expect(try buffer.readDNSName().description == "www.example.test.")
        #expect(try buffer.readDNSName().description == "MAIL.example.test.")
    }

    @Test func ordersCanonically() throws {
        // RFC 4034 §6.1 example order.
        let names = ["example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.", "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example."]
        let parsed = try names.map { try DNSName($0) }
        #expect(parsed.shuffled().sorted() == parsed)
    }
}
