import DNS
import TestSupport
import Testing

@Suite("Malformed and random messages")
struct FuzzTests {
    /// Valid messages to mutate: every record type, in all sections, with compression.
    static func seeds() throws -> [[UInt8]] {
        let records = try MessageCodecTests.everyType()
        var seeds: [[UInt8]] = []
        for chunk in stride(from: 0, to: records.count, by: 3) {
            var message = Message(header: Header(id: UInt16(chunk), isResponse: true, authenticData: true))
            message.questions = [Question(name: records[chunk].name, type: records[chunk].type)]
            message.answers = Array(records[chunk..<min(chunk + 3, records.count)])
            message.authority = [records[(chunk + 5) % records.count]]
            message.edns = EDNS(options: [EDNS.Option(code: 15, data: [0, 6] + Array("bogus".utf8))])
            seeds.append(message.bytes)
        }
        return seeds
    }

    /// The errors a wire decoder may throw: malformed input, never a resolver failure (timeout, network, …).
    static let wireErrors: [DNSError] = [
        .truncatedMessage(""), .nameTooLong, .labelTooLong, .badLabelType, .compressionLoop, .forwardPointer,
        .badRecordData(.a, ""), .trailingData(""), .tooManyRecords(0),
    ]

    /// 100 000 inputs: mutated valid messages (flipped, replaced, inserted, deleted and truncated bytes, planted
    /// compression pointers) and pure random bytes. A rejected input throws a wire-format `DNSError` with a reason;
    /// a decoded message respects the limits, encodes and decodes again to the same message, and encodes to the same
    /// bytes twice. (The libFuzzer harness `dns-message` in Fuzz/ checks the same properties with coverage guidance.)
    @Test func hundredThousandMalformedMessagesNeverCrash() throws {
        var random = SeededGenerator(state: 0x5eed_d115)
        let seeds = try Self.seeds()
        var decoded = 0
        var rejected = 0
        var failures: [String] = []
        for round in 0..<100_000 {
            var input: [UInt8]
            if round % 10 == 9 {
                input = (0..<Int.random(in: 0..<300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                input = seeds[round % seeds.count]
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    mutate(&input, using: &random)
                }
            }
            let message: Message
            do {
                message = try Message(bytes: input)
            } catch {
                rejected += 1
                if !Self.wireErrors.contains(error) || error.reason.isEmpty { failures.append("round \(round): \(error)") }
                continue
            }
            decoded += 1
            let records = message.answers.count + message.authority.count + message.additional.count
            if message.questions.count > Message.maximumQuestions || records > Message.maximumRecords {
                failures.append("round \(round): \(message.questions.count) questions, \(records) records accepted")
            }
            let encoded = message.bytes
            guard let again = try? Message(bytes: encoded) else {
                failures.append("round \(round): the encoding does not decode")
                continue
            }
            if again != message { failures.append("round \(round): re-encoding changed the message") }
            if again.bytes != encoded { failures.append("round \(round): encoding is not stable") }
        }
        #expect(failures == [])
        #expect(decoded > 1_000, "mutations should leave some messages valid")
        #expect(rejected > 50_000, "most mutations should be rejected")
    }

    private func mutate(_ input: inout [UInt8], using random: inout SeededGenerator) {
        guard !input.isEmpty else { return }
        let position = Int.random(in: 0..<input.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0: input[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
        case 1: input[position] = UInt8.random(in: 0...255, using: &random)
        case 2: input.insert(UInt8.random(in: 0...255, using: &random), at: position)
        case 3: input.remove(at: position)
        case 4: input = Array(input.prefix(position))
        default:
            // A compression pointer to anywhere, including forwards and at itself.
            if position + 1 < input.count {
                input[position] = 0xC0 | UInt8.random(in: 0...0x3F, using: &random) & 0x01
                input[position + 1] = UInt8.random(in: 0...255, using: &random)
            }
        }
    }
}
