import SPF
import TestSupport
import Testing

/// 100 000 mutated records through `SPFRecord(parsing:)`: each gives a typed error or a record within the limits, and a
/// record's text reads back as the same record.
@Suite("SPF record parser on mutated input")
struct RecordMutationTests {
    static let seeds = [
        "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx:mail.example.com/28//64 -all",
        "v=spf1 include:_spf.example.com ~all exp=explain.%{d}",
        "v=spf1 exists:%{ir}.%{l1r-}._spf.%{d2} ?ptr:example.org redirect=_spf.example.net",
        "v=spf1 a:%{o}.example.com/0 -ip4:0.0.0.0/0 +all moo=%{s}%%%_%-",
    ]
    /// Bytes the mutations insert: the record grammar's own characters, spaces, controls and a non-ASCII octet.
    static let alphabet = Array("%{}:/=.-+~?_ ,rRsSlLoOdDiIpPvVhHcCtT0123456789aAxX".utf8) + [0x00, 0x09, 0x0A, 0x7F, 0xC3, 0xFF]

    static func mutate(_ seed: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0 where !bytes.isEmpty: bytes[position] = alphabet.randomElement(using: &generator)!
            case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default:
                let other = Array(seeds.randomElement(using: &generator)!.utf8)
                bytes = Array(bytes[..<position]) + other[Int.random(in: 0..<other.count, using: &generator)...]
            }
        }
        return bytes
    }

    @Test func hundredThousandMutatedRecords() throws {
        var generator = SeededGenerator(state: 7208)
        var accepted = 0
        for index in 0..<100_000 {
            let input = Self.mutate(Array(Self.seeds[index % Self.seeds.count].utf8), &generator)
            let record: SPFRecord
            do {
                record = try SPFRecord(parsing: input)
            } catch {
                #expect(!error.reason.isEmpty)
                continue
            }
            accepted += 1
            #expect(input.count <= SPFRecord.maximumLength)
            // One directive or modifier per space-separated term: the work is bounded by the term limit.
            #expect(record.directives.count <= SPFRecord.maximumTerms)
            #expect(record.directives.count <= input.count / 2)
            #expect(try SPFRecord(parsing: record.text) == record)
        }
        // Mutations keep enough records valid to exercise the accepting paths too.
        #expect(accepted > 10_000)
    }

    /// Mutated records evaluated end to end (macro expansion, limits, includes of the same record): a verdict every
    /// time, never temperror (the resolver never fails), an explanation only with fail, a mechanism only with a match.
    @Test func tenThousandMutatedRecordsEvaluated() async throws {
        var generator = SeededGenerator(state: 4408)
        let client = try ClientAddress("192.0.2.1")
        var seen: [SPFResult: Int] = [:]
        for index in 0..<10_000 {
            let input = Self.mutate(Array(Self.seeds[index % Self.seeds.count].utf8), &generator)
            let checker = SPFChecker(resolver: InMemoryResolver(record: input), now: { 1_700_000_000 })
            let verdict = await checker.check(client: client, mailFrom: "user@example.com", helo: "mail.example.com")
            #expect(verdict.result != .temperror, "\(String(decoding: input, as: UTF8.self)): \(verdict.reason)")
            #expect(verdict.explanation == nil || verdict.result == .fail)
            #expect((verdict.mechanism != nil) == [.pass, .fail, .softfail].contains(verdict.result) || verdict.result == .neutral)
            #expect(!verdict.reason.isEmpty)
            seen[verdict.result, default: 0] += 1
        }
        // The mutations reach every result a resolver without failures allows.
        #expect(Set(seen.keys) == [.none, .neutral, .pass, .fail, .softfail, .permerror], "\(seen)")
    }
}
