import NIOCore
import NIOEmbedded
import NIOTestUtils
@testable import SMTP
import TestSupport
import Testing

@Suite struct ReplyDecoderTests {
    @Test func framesRepliesByteByByte() throws {
        let ehlo = SMTPReply(code: 250, lines: ["mx.example.org Hello", "PIPELINING", "STARTTLS", "AUTH PLAIN LOGIN"])
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: [
                ("220 mx.example.org ESMTP\r\n", [SMTPReply(code: 220, lines: ["mx.example.org ESMTP"])]),
                ("250-mx.example.org Hello\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n", [ehlo]),
                ("250\r\n", [SMTPReply(code: 250, lines: [""])]),
                ("354 go ahead\n", [SMTPReply(code: 354, lines: ["go ahead"])]),
                ("250 ok\r\n221 bye\r\n", [SMTPReply(code: 250, lines: ["ok"]), SMTPReply(code: 221, lines: ["bye"])]),
                ("550 5.1.1 <x@reject.test>: no\r\n", [SMTPReply(code: 550, lines: ["5.1.1 <x@reject.test>: no"])]),
            ],
            decoderFactory: { SMTPReplyDecoder() }
        )
    }

    @Test func readsEnhancedStatusCodes() {
        #expect(SMTPReply(code: 550, lines: ["5.1.1 no such user"]).enhancedStatus == EnhancedStatusCode(statusClass: 5, subject: 1, detail: 1))
        #expect(SMTPReply(code: 451, lines: ["4.3.0"]).enhancedStatus?.description == "4.3.0")
        #expect(SMTPReply(code: 250, lines: ["2.0.0 OK: queued as 12"]).enhancedStatus?.description == "2.0.0")
        // RFC 3463 §3.1: the class must match the reply code's first digit
        #expect(SMTPReply(code: 250, lines: ["5.1.1 odd"]).enhancedStatus == nil)
        #expect(SMTPReply(code: 250, lines: ["1.2.3 not a class"]).enhancedStatus == nil)
        #expect(SMTPReply(code: 250, lines: ["2.1000.0 too long"]).enhancedStatus == nil)
        #expect(SMTPReply(code: 250, lines: ["2.0.0x"]).enhancedStatus == nil)
        #expect(SMTPReply(code: 250, lines: ["OK"]).enhancedStatus == nil)
    }

    @Test(arguments: [
        "hello\r\n",
        "2500 x\r\n",
        "250x\r\n",
        "150 preliminary\r\n",
        "260 bad second digit\r\n",
        "250-first\r\n251 other code\r\n",
        "25\r\n",
    ])
    func refusesMalformedReplies(_ input: String) throws {
        #expect(throws: SMTPError.malformedReply("")) { try decode(Array(input.utf8)) }
    }

    @Test func capsLineLengthAndLineCount() throws {
        let long = "250 " + String(repeating: "x", count: SMTPReplyDecoder.maximumLineLength)
        #expect(throws: SMTPError.malformedReply("")) { try decode(Array((long + "\r\n").utf8)) }
        // without any line end, the cap applies as the bytes arrive
        #expect(throws: SMTPError.malformedReply("")) { try decode(Array(long.utf8) + [0x78, 0x78]) }
        let exactly = "250 " + String(repeating: "x", count: SMTPReplyDecoder.maximumLineLength - 4)
        #expect(try decode(Array((exactly + "\r\n").utf8)).count == 1)
        let many = String(repeating: "250-x\r\n", count: SMTPReplyDecoder.maximumLines) + "250 x\r\n"
        #expect(throws: SMTPError.malformedReply("")) { try decode(Array(many.utf8)) }
        let most = String(repeating: "250-x\r\n", count: SMTPReplyDecoder.maximumLines - 1) + "250 x\r\n"
        #expect(try decode(Array(most.utf8)).first?.lines.count == SMTPReplyDecoder.maximumLines)
    }

    @Test func refusesPlaintextAfterTheSTARTTLSReply() throws {
        let boundary = PlaintextBoundary()
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPReplyDecoder(boundary: boundary)))
        try channel.writeInbound(ByteBuffer(string: "220 go ahead\r\n"))
        #expect(try channel.readInbound(as: SMTPReply.self)?.code == 220)
        boundary.isClosed = true
        #expect(throws: SMTPError.protocolViolation("")) { try channel.writeInbound(ByteBuffer(string: "250-AUTH PLAIN\r\n")) }
    }

    /// 12 000 random and mutated inputs: every one decodes or fails with an SMTPError, never anything else.
    @Test func fuzzNeverCrashes() throws {
        var generator = SeededGenerator(state: 0x5317_2025)
        let seeds = [
            "220 mx ESMTP\r\n", "250-a\r\n250-PIPELINING\r\n250 SIZE 1000\r\n", "550 5.1.1 nope\r\n", "354 go\r\n250 2.0.0 ok\r\n",
        ].map { Array($0.utf8) }
        var decoded = 0, refused = 0
        for round in 0..<12_000 {
            var input: [UInt8]
            if round % 2 == 0 {
                input = (0..<Int.random(in: 0...80, using: &generator)).map { _ in
                    // mostly reply-like bytes, so that some inputs get deep into the decoder
                    let alphabet = Array("0123456789 -\r\n2345.".utf8)
                    return Bool.random(using: &generator) ? alphabet.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
                }
            } else {
                input = seeds.randomElement(using: &generator)!
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let position = Int.random(in: 0..<input.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: input[position] = UInt8.random(in: 0...255, using: &generator)
                    case 1: input.remove(at: position)
                    default: input.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                    }
                    if input.isEmpty { input = [0x32] }
                }
            }
            do {
                let replies = try decode(input, chunk: Int.random(in: 1...8, using: &generator))
                for reply in replies { #expect((200...559).contains(reply.code)) }
                decoded += 1
            } catch is SMTPError {
                refused += 1
            }
        }
        #expect(decoded > 100)
        #expect(refused > 100)
    }

    /// Feeds the bytes `chunk` at a time (one by default) and returns the replies; rethrows the decoder's error.
    private func decode(_ bytes: [UInt8], chunk: Int = 1) throws -> [SMTPReply] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPReplyDecoder()))
        defer { _ = try? channel.finish() }
        var replies: [SMTPReply] = []
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(start + chunk, bytes.count)]))
            while let reply = try channel.readInbound(as: SMTPReply.self) { replies.append(reply) }
        }
        return replies
    }
}
