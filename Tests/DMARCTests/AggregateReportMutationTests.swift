import DMARC
import Foundation
import TestSupport
import Testing

/// 10 000 seeded mutations of aggregate reports: each read ends in a report or an ``AggregateReportError``, and a
/// report read, once written and read again, is a fixed point of writing.
@Suite("DMARC aggregate report reader on mutated input")
struct AggregateReportMutationTests {
    static let count = 10_000
    static let timeLimit = Duration.seconds(120)

    static func seeds() throws -> [[UInt8]] {
        [try AggregateReportWritingTests.expected(), Array(AggregateReportReadingTests.legacy.utf8),
         Array(AggregateReportReadingTests.minimal().utf8)]
    }

    /// Flip a bit, insert a byte XML cares about, delete, duplicate a slice, or truncate.
    static func mutate(_ input: [UInt8], _ generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let interesting = Array("<>/&;#x=\"' \n:!?[]-abcdefgrpn0123456789".utf8) + [0x00, 0x7F, 0xFF, 0xC3, 0xEF]
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0 where !bytes.isEmpty: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            case 1: bytes.insert(interesting.randomElement(using: &generator)!, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &generator))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }

    @Test func mutatedReports() throws {
        let seeds = try Self.seeds()
        var generator = SeededGenerator(state: 9990)
        var read = 0
        var codes: [AggregateReportError.Code: Int] = [:]
        let elapsed = try ContinuousClock().measure {
            for index in 0..<Self.count {
                let input = Self.mutate(seeds[index % seeds.count], &generator)
                switch Result(catching: { () throws(AggregateReportError) in try AggregateReport(xml: input) }) {
                case .success(let report):
                    read += 1
                    #expect(!report.records.isEmpty)
                    let again = try AggregateReport(xml: report.xml())
                    #expect(try AggregateReport(xml: again.xml()).xml() == again.xml())
                case .failure(let error):
                    codes[error.code, default: 0] += 1
                    #expect(!error.reason.isEmpty)
                }
            }
        }
        #expect(elapsed < Self.timeLimit)
        // Both outcomes happen: the mutations reach past the XML layer.
        #expect(read > 100)
        #expect(codes[.malformedXML, default: 0] > 100)
        #expect(codes[.invalidReport, default: 0] > 100)
    }
}
