import NIOCore
import NIOTestUtils
import PostfixPolicy
import TestSupport
import Testing

/// The socketmap framing (socketmap_table(5), netstrings), byte by byte and under random input.
@Suite struct NetstringTests {
    @Test func decodesByteByByte() throws {
        let input = ByteBuffer(string: "11:postfix a.b,0:,7:x y z\u{00}1,")
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(input, [ByteBuffer(string: "postfix a.b"), ByteBuffer(string: ""), ByteBuffer(string: "x y z\u{00}1")])],
            decoderFactory: { NetstringDecoder() })
    }

    @Test(arguments: [
        ("x:abc,", "expected a decimal length, found byte 0x78"),
        ("05:hello,", "a length with a leading zero"),
        ("3:abcd", "a netstring not ended by a comma"),
        (":abc,", "a netstring without a length"),
        ("10001:", "a netstring longer than 10000 octets"),
    ])
    func refusesMalformedInput(input: String, reason: String) {
        var buffer = ByteBuffer(string: input)
        #expect(throws: NetstringError(reason: reason)) { try NetstringDecoder.next(&buffer) }
    }

    @Test func incompleteInputWaits() throws {
        for prefix in ["", "1", "11", "11:", "11:postfix", "11:postfix a.b"] {
            var buffer = ByteBuffer(string: prefix)
            #expect(try NetstringDecoder.next(&buffer) == nil)
            #expect(buffer.readableBytes == prefix.utf8.count)
        }
    }

    @Test func encodes() {
        #expect(Netstring.encode("NOTFOUND ") == ByteBuffer(string: "9:NOTFOUND ,"))
        #expect(Netstring.encode("OK dane-only") == ByteBuffer(string: "12:OK dane-only,"))
    }

    /// 50 000 random and mutated inputs: every one decodes, waits, or fails with a NetstringError.
    @Test func randomInputNeverCrashes() {
        var generator = SeededGenerator(state: 8461)
        let seeds = ["12:postfix a.b,", "0:,", "5:hello,3:abc,", "9999:"]
        var decoded = 0, refused = 0, waiting = 0
        for round in 0..<50_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                bytes = Array(seeds[round % seeds.count].utf8)
                for _ in 0..<Int.random(in: 1...3, using: &generator) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            var buffer = ByteBuffer(bytes: bytes)
            do {
                while let payload = try NetstringDecoder.next(&buffer) {
                    #expect(payload.readableBytes <= Netstring.maximumLength)
                    decoded += 1
                }
                waiting += 1
            } catch {
                refused += 1
            }
        }
        #expect(decoded > 0 && refused > 0 && waiting > 0)
    }
}
