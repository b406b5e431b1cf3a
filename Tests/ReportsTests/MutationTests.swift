import Foundation
import TestSupport
import Testing
@testable import Reports

/// Seeded mutations of an LMTP transcript and of zip archives: every input ends in replies or a typed error, within
/// the limits, in bounded time (the properties of `Fuzz/Sources/StockadeFuzz/ReportsHarnesses.swift`).
@Suite("Reports mutated inputs")
struct ReportsMutationTests {
    static let iterations = 10_000

    static func mutate(_ input: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let interesting: [UInt8] = Array(".<>:@ \r\nPK".utf8) + [0x00, 0xFF, 0x03, 0x04, 0x05, 0x06, 0x08]
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0 where !bytes.isEmpty: bytes[position] = interesting.randomElement(using: &generator)!
            case 1 where !bytes.isEmpty: bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3: bytes.insert(interesting.randomElement(using: &generator)!, at: position)
            default:
                let end = min(bytes.count, position + Int.random(in: 1...32, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: Int.random(in: 0...bytes.count, using: &generator))
            }
        }
        return bytes
    }

    @Test func mutatedLMTPSessions() {
        let transcript = Array(("LHLO postfix.test\r\nMAIL FROM:<r@s.test> SIZE=100 BODY=8BITMIME\r\nRCPT TO:<tlsrpt@reports.test>\r\n"
            + "RCPT TO:<x@reports.test>\r\nDATA\r\nSubject: x\r\n\r\n..dot\r\nbody\r\n.\r\nRSET\r\nNOOP\r\nQUIT\r\n").utf8)
        var generator = SeededGenerator(state: 2033)
        var deliveries = 0
        let started = ContinuousClock.now
        let limits = LMTPLimits(maximumMessageSize: 4096)
        for _ in 0..<Self.iterations {
            let input = Self.mutate(transcript, using: &generator)
            var whole = LMTPLineFramer(), split = LMTPLineFramer()
            let lines = whole.append(input)
            #expect(split.append(input[..<(input.count / 2)]) + split.append(input[(input.count / 2)...]) == lines)
            var session = LMTPSession(hostname: "m.test", limits: limits) { $0.hasSuffix("@reports.test") }
            for line in lines {
                for action in session.receive(line) {
                    switch action {
                    case .reply(let reply), .close(let reply), .replyPerRecipient(let reply, _):
                        #expect((200..<600).contains(reply.code) && reply.description.hasSuffix("\r\n"))
                    case .deliver(let message, let recipients):
                        #expect(message.count <= limits.maximumMessageSize && !recipients.isEmpty)
                        deliveries += 1
                    }
                }
            }
        }
        #expect(deliveries > 1000, "the mutations should still deliver often; got \(deliveries)")
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test func mutatedZipArchives() throws {
        let seeds = try [false, true].map { try ZipReaderTests.pythonZip([("r.xml", ZipReaderTests.xml)], deflate: $0) }
        var generator = SeededGenerator(state: 1952)
        var extracted = 0
        for iteration in 0..<Self.iterations {
            let input = Self.mutate(seeds[iteration % seeds.count], using: &generator)
            do {
                let output = try ZipReader.extract(input, limit: 1 << 16)
                #expect(output.count <= 1 << 16)
                extracted += 1
            } catch {
                #expect(!error.reason.isEmpty)
            }
        }
        #expect(extracted > 0)
    }
}
