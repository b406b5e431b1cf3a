import DMARC
import Foundation
import TestSupport
import Testing

/// 100 000 mutated records and 100 000 mutated Authentication-Results fields: no crash, the limits hold, bounded time.
@Suite("DMARC parsers on mutated input")
struct MutationTests {
    static let count = 100_000
    /// Generous: the debug build parses both sets in a few seconds; a runaway loop would take far longer.
    static let timeLimit = Duration.seconds(120)

    static let recordSeeds = [
        "v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=r; fo=1:d:s; rua=mailto:agg@example.com,mailto:agg@example.net!10m; ruf=mailto:fail@example.com",
        "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net; t=y",
        "v=DMARC1; p=none; psd=y; pct=50; foo=bar",
        "V = DMARC1 ;\tp = Reject ; fo=0:1;",
    ]

    static let fieldSeeds = [
        "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=bounce@example.com; dkim=pass header.d=example.com header.s=sel header.b=\"a+b/cd=x\"; dmarc=fail (p=reject dis=quarantine) policy.dmarc=quarantine header.from=example.com",
        "example.com (foobar) 1 (baz);\r\n dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n policy (A dot) . (like that) expired = 1362471462",
        "example.com; dkim=pass reason=\"good \\\"signature\\\"\" header.i=@mail-router.example.net; none",
        "example.org 1; none",
    ]

    /// One mutation: flip, insert a byte the grammar cares about, delete, duplicate a slice, or truncate.
    static func mutate(_ input: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let interesting = Array(";=,:!\"()\\/.@ \t\r\nvV0195DMARCpsnrtyk%".utf8) + [0x00, 0x7F, 0xFF, 0xC3]
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0 where !bytes.isEmpty: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            case 1: bytes.insert(interesting.randomElement(using: &generator)!, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...32, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }

    @Test func mutatedRecords() {
        var generator = SeededGenerator(state: 9989)
        var parsed = 0
        let elapsed = ContinuousClock().measure {
            for index in 0..<Self.count {
                let text = String(decoding: Self.mutate(Array(Self.recordSeeds[index % Self.recordSeeds.count].utf8), &generator), as: UTF8.self)
                guard let record = DMARCRecord(parsing: text) else { continue }
                parsed += 1
                let separators = text.utf8.filter { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ",") }.count
                #expect(record.text == text)
                #expect(record.discarded.count <= separators + 1)
                #expect(record.aggregateReportURIs.count <= DMARCRecord.maximumReportURIs)
                #expect(record.failureReportURIs.count <= DMARCRecord.maximumReportURIs)
                #expect(record.discarded.allSatisfy { $0.text.count <= DMARCRecord.maximumQuotedLength })
                #expect(DMARCRecord.select([text]) == record)
            }
        }
        #expect(parsed > Self.count / 10, "too few mutants parsed: the mutations are too destructive to test anything")
        #expect(elapsed < Self.timeLimit)
    }

    @Test func mutatedAuthenticationResults() {
        var generator = SeededGenerator(state: 8601)
        var parsed = 0
        let elapsed = ContinuousClock().measure {
            for index in 0..<Self.count {
                let text = String(decoding: Self.mutate(Array(Self.fieldSeeds[index % Self.fieldSeeds.count].utf8), &generator), as: UTF8.self)
                _ = AuthenticationResults.hasAuthservID("mx.example.org", in: text)
                guard let field = try? AuthenticationResults(parsing: text) else { continue }
                parsed += 1
                #expect(field.results.count <= AuthenticationResults.maximumResults)
                #expect(field.results.allSatisfy { $0.properties.count <= AuthenticationResults.maximumProperties })
                // What Stockade writes reads back as the same field, folded or not.
                #expect((try? AuthenticationResults(parsing: field.value)) == field, "\(text)")
                #expect((try? AuthenticationResults(parsing: field.field())) == field, "\(text)")
                #expect(AuthenticationResults.hasAuthservID(field.authservID, in: field.value))
            }
        }
        #expect(parsed > Self.count / 10, "too few mutants parsed")
        #expect(elapsed < Self.timeLimit)
    }

    @Test("The worst inputs within the limits stay fast")
    func worstCases() throws {
        let clock = ContinuousClock()
        let limit = AuthenticationResults.maximumLength
        let inputs = [
            "a; " + String(repeating: "(", count: limit - 3),
            "a; x=y " + String(repeating: "/ ", count: (limit - 8) / 2),
            "a" + String(repeating: "; x=y", count: (limit - 1) / 5),
            "a; x=y " + String(repeating: "\"", count: limit - 7),
        ]
        for input in inputs {
            let elapsed = clock.measure { _ = try? AuthenticationResults(parsing: input) }
            #expect(elapsed < .seconds(1))
        }
        let record = "v=DMARC1; rua=" + String(repeating: "mailto:a@b,", count: (DMARCRecord.maximumLength - 14) / 11)
        let elapsed = clock.measure { _ = DMARCRecord(parsing: record) }
        #expect(elapsed < .seconds(1))
    }
}
