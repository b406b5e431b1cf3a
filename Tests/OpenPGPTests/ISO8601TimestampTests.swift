import Foundation
import Testing
import OpenPGP
import TestSupport

/// The key report's dates are written without Foundation's calendar; Foundation's `formatted(.iso8601)` is the oracle.
@Suite struct ISO8601TimestampTests {
    @Test func knownDays() {
        let cases: [(TimeInterval, String)] = [
            (0, "1970-01-01T00:00:00Z"), (951_782_400, "2000-02-29T00:00:00Z"), (4_107_542_400, "2100-03-01T00:00:00Z"),
            (4_294_967_295, "2106-02-07T06:28:15Z"), (1_796_614_199.75, "2026-12-07T03:29:59Z"), (-1, "1969-12-31T23:59:59Z"),
        ]
        for (seconds, text) in cases {
            #expect(ISO8601Timestamp.string(from: Date(timeIntervalSince1970: seconds)) == text)
        }
    }

    /// Every OpenPGP time (32-bit creation plus 32-bit expiration) and some before 1970, against Foundation.
    @Test func agreesWithFoundationOnSeededRandomTimes() {
        var generator = SeededGenerator(state: 0x150_8601)
        var disagreements: [TimeInterval] = []
        for _ in 0..<100_000 {
            let seconds = TimeInterval(Int64.random(in: -2_000_000_000...(2 * Int64(UInt32.max)), using: &generator))
            let date = Date(timeIntervalSince1970: seconds)
            if ISO8601Timestamp.string(from: date) != date.formatted(.iso8601) { disagreements.append(seconds) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
}
