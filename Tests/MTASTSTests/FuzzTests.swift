import MTASTS
import TestSupport
import Testing

@Suite("Random and mutated inputs")
struct FuzzTests {
    static let policySeeds = [
        MTASTSPolicyTests.rfcExample,
        MTASTSPolicyTests.canonicalExample,
        "version: STSv1\nmode: none\nmax_age: 86400\n",
        "version: STSv1\r\nmode: testing \r\nmx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n",
        "version: STSv1\nmode: enforce\nmx: gmail-smtp-in.l.google.com\nmx: *.gmail-smtp-in.l.google.com\nmax_age: 86400\n",
        "version: STSv1\nnote: caf\u{E9} \u{2713}\nmode: enforce\nmode: none\nmx: a.example\n\nmax_age: 0000000001",
    ]
    static let recordSeeds = [
        "v=STSv1; id=20160831085700Z;",
        "v=STSv1;id=abc",
        "v=STSv1 ;\tid=abc\t; ext_1.a-b=va!ue; X9=:/~",
        "v=STSv1; id=first; id=second; v=STSv2",
        "v=spf1 include:_spf.example.com -all",
    ]
    /// The errors of a policy file (RFC 8461 §3.2), and of a TXT record (§3.1): a reader throws only its own kinds.
    static let policyErrors: [MTASTSError] = [
        .policyTooLarge(0), .notUTF8, .malformedLine(""), .unsupportedVersion(""), .invalidMode(""), .invalidMaxAge(""),
        .invalidMX("", ""), .missingField(""),
    ]
    static let recordErrors: [MTASTSError] = [
        .noRecord, .multipleRecords(0), .notASCII(""), .malformedRecord("", ""), .missingID, .invalidID(""), .invalidExtension("", ""),
    ]
    /// Bytes that matter to the grammars, so mutations hit the interesting paths often.
    static let alphabet = Array("vV=STSv1;: \t\r\n*.-_idmxoeafnrcgt0123456789".utf8) + [0x00, 0x7F, 0x80, 0xC3, 0xA9, 0xFF]

    /// 100 000 policy bodies: mutated seeds (flipped, replaced, inserted, deleted bytes, truncations, spliced lines)
    /// and pure random bytes. Each must parse or throw a policy-file `MTASTSError`; a line error must name its line;
    /// whatever parses must respect the size and mx bounds and survive its canonical text unchanged.
    @Test("§3.2: 100 000 random and mutated policies never crash")
    func policies() throws {
        var random = SeededGenerator(state: 0x8461_3_2)
        let seeds = Self.policySeeds.map { Array($0.utf8) }
        var failures: [String] = []
        var accepted = 0
        var rejected = 0
        for round in 0..<100_000 {
            var input: [UInt8]
            if round % 10 == 9 {
                input = (0..<Int.random(in: 0..<200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else {
                input = seeds[round % seeds.count]
                for _ in 0..<Int.random(in: 1...4, using: &random) { mutate(&input, seeds: seeds, using: &random) }
            }
            switch Result(catching: { () throws(MTASTSError) in try MTASTSPolicy(parsing: input) }) {
            case .success(let policy):
                accepted += 1
                let again = try MTASTSPolicy(parsing: Array(policy.text.utf8))
                if again != policy || again.text != policy.text { failures.append("round \(round): canonical text changed the policy") }
                if !policy.originalText.utf8.elementsEqual(input) { failures.append("round \(round): original text not kept") }
                if policy.mode != .none && policy.mx.isEmpty { failures.append("round \(round): no mx") }
                if !(0...MTASTSPolicy.maximumMaxAge).contains(policy.maxAge) { failures.append("round \(round): max_age") }
                if input.count > MTASTSPolicy.maximumSize { failures.append("round \(round): \(input.count) octets accepted") }
                // Each mx needs a line of at least `mx:x` and a line end.
                if policy.mx.count > (input.count + 1) / 5 { failures.append("round \(round): \(policy.mx.count) mx") }
            case .failure(let error):
                rejected += 1
                // Bytes, not Characters: a line that starts with a combining mark joins the opening quote.
                if let line = error.line, !error.reason.utf8.starts(with: "line \(line) \"".utf8) {
                    failures.append("round \(round): \(error.reason)")
                }
                if error.reason.isEmpty { failures.append("round \(round): empty reason") }
                if !Self.policyErrors.contains(error) { failures.append("round \(round): a record error for a policy: \(error)") }
            }
        }
        #expect(failures == [])
        #expect(accepted > 5_000, "mutations should leave many policies valid")
        #expect(rejected > 30_000, "most mutations should be rejected")
    }

    /// 100 000 TXT RRsets built from mutated and random records, split into random character-strings. Each parses to
    /// a record whose id is 1 to 32 letters and digits and whose text reads back the same, or throws a TXT-record
    /// `MTASTSError` without a line.
    @Test("§3.1: 100 000 random and mutated TXT records never crash")
    func records() throws {
        var random = SeededGenerator(state: 0x8461_3_1)
        let seeds = Self.recordSeeds.map { Array($0.utf8) }
        var failures: [String] = []
        var accepted = 0
        var rejected = 0
        for round in 0..<100_000 {
            var rrset: [[String]] = []
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                var bytes: [UInt8]
                if round % 10 == 9 {
                    bytes = (0..<Int.random(in: 0..<80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                } else {
                    bytes = seeds.randomElement(using: &random)!
                    for _ in 0..<Int.random(in: 0...3, using: &random) { mutate(&bytes, seeds: seeds, using: &random) }
                }
                rrset.append(split(bytes, using: &random))
            }
            switch Result(catching: { () throws(MTASTSError) in try MTASTSRecord(parsing: rrset) }) {
            case .success(let record):
                accepted += 1
                if try MTASTSRecord(parsing: [[record.text]]) != record { failures.append("round \(round): text changed the record") }
                if !((1...MTASTSRecord.maximumIDLength).contains(record.id.utf8.count) && record.id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }) { failures.append("round \(round): id \(record.id)") }
            case .failure(let error):
                rejected += 1
                if error.reason.isEmpty || error.line != nil { failures.append("round \(round): \(error.reason)") }
                if !Self.recordErrors.contains(error) { failures.append("round \(round): a policy error for a record: \(error)") }
            }
        }
        #expect(failures == [])
        #expect(accepted > 10_000, "mutations should leave many records valid")
        #expect(rejected > 30_000, "most mutations should be rejected")
    }

    /// A record's bytes as one to four character-strings (each decoded leniently, as a caller might).
    private func split(_ bytes: [UInt8], using random: inout SeededGenerator) -> [String] {
        var cuts = (0..<Int.random(in: 0...3, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }
        cuts.sort()
        var strings: [String] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            strings.append(String(decoding: bytes[start..<cut], as: UTF8.self))
            start = cut
        }
        return strings
    }

    private func mutate(_ input: inout [UInt8], seeds: [[UInt8]], using random: inout SeededGenerator) {
        guard !input.isEmpty else {
            input = seeds.randomElement(using: &random)!
            return
        }
        let position = Int.random(in: 0..<input.count, using: &random)
        switch Int.random(in: 0..<7, using: &random) {
        case 0: input[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
        case 1: input[position] = Self.alphabet.randomElement(using: &random)!
        case 2: input.insert(Self.alphabet.randomElement(using: &random)!, at: position)
        case 3: input.remove(at: position)
        case 4: input.removeLast(Int.random(in: 0...(input.count - position), using: &random))
        case 5:
            // Splice a run of another seed in: repeats, reorders and mixes lines and fields.
            let other = seeds.randomElement(using: &random)!
            let from = Int.random(in: 0..<other.count, using: &random)
            let to = Int.random(in: from...other.count, using: &random)
            input.insert(contentsOf: other[from..<to], at: position)
        default: input[position] = UInt8.random(in: 0...255, using: &random)
        }
    }
}
