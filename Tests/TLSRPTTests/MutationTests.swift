import Testing
import TestSupport
import TLSRPT

/// 100 000 seeded mutations of valid reports, records and mails: no crash, bounded time, and whatever is accepted
/// is a well-formed report that survives a round trip.
@Suite("TLSRPT mutated inputs")
struct MutationTests {
    static let iterations = 100_000

    static func mutate(_ input: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let interesting: [UInt8] = Array("{}[]\",:\\-0123456789eE.tfn ".utf8) + [0x00, 0x0A, 0x0D, 0xC3, 0xFF, 0x1F, 0x8B]
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0 where !bytes.isEmpty: bytes[position] = interesting.randomElement(using: &generator)!
            case 1 where !bytes.isEmpty: bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3: bytes.insert(interesting.randomElement(using: &generator)!, at: position)
            case 4 where bytes.count > 2:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: Int.random(in: 0...bytes.count, using: &generator))
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }

    @Test func mutatedReportsNeverCrashAndAcceptedOnesRoundTrip() throws {
        let seeds = try ["rfc8460-example.json", "google-shaped.json", "microsoft-shaped.json", "google-no-policy.json.gz",
                         "google-shaped-mail.eml", "microsoft-shaped-mail.eml"].map { try fixture($0) }
        var generator = SeededGenerator(state: 8460)
        var accepted = 0
        let clock = ContinuousClock()
        let started = clock.now
        for iteration in 0..<Self.iterations {
            let input = Self.mutate(seeds[iteration % seeds.count], using: &generator)
            guard let parsed = try? Report.parse(input) else { continue }
            accepted += 1
            let report = parsed.report
            #expect(report.start <= report.end)
            #expect(report.policies.allSatisfy { $0.successfulSessionCount >= 0 && $0.failedSessionCount >= 0 })
            let again = try Report.parse(json: report.json())
            #expect(again.report == report)
        }
        // Some mutations are harmless (inside a string, say); most are refused.
        #expect(accepted > 1_000 && accepted < Self.iterations / 2, "\(accepted) accepted")
        #expect(clock.now - started < .seconds(120))
    }

    @Test func mutatedRecordsNeverCrashAndAcceptedOnesRoundTrip() throws {
        let seed = Array("v=TLSRPTv1; rua=mailto:a@example.test,https://r.example.test/v1; ext=1;".utf8)
        var generator = SeededGenerator(state: 3)
        for _ in 0..<Self.iterations / 10 {
            let text = String(decoding: Self.mutate(seed, using: &generator), as: UTF8.self)
            guard let record = try? TLSRPTRecord(parsing: [[text]]) else { continue }
            #expect(!record.rua.isEmpty)
            #expect(try TLSRPTRecord(parsing: record.text) == record)
        }
    }
}
