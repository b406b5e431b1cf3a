import CivilDate
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

    /// `CivilDate` both ways (H. Hinnant's `civil_from_days` and `days_from_civil`), which every date Stockade writes
    /// without Foundation's calendar uses: known days, the weekday, and a round trip over seeded random days.
    @Test func civilDatesBothWays() {
        #expect(CivilDate(daysSince1970: 0) == CivilDate(year: 1970, month: 1, day: 1))
        #expect(CivilDate(year: 2000, month: 3, day: 1).daysSince1970 == 11_017)
        #expect(CivilDate(daysSince1970: -719_468) == CivilDate(year: 0, month: 3, day: 1))
        #expect(CivilDate(year: 2026, month: 12, day: 7).daysSince1970 == 20_794)
        #expect(CivilDate.weekday(daysSince1970: 0) == 4)  // Thursday
        #expect(CivilDate.weekday(daysSince1970: 20_794) == 1)  // Monday
        #expect(CivilDate.weekday(daysSince1970: -1) == 3)  // Wednesday
        var generator = SeededGenerator(state: 0xC1_7111)
        var failures: [Int64] = []
        for _ in 0..<100_000 {
            let days = Int64.random(in: -1_000_000...3_000_000, using: &generator)
            let date = CivilDate(daysSince1970: days)
            if date.daysSince1970 != days || !(1...12).contains(date.month) || !(1...31).contains(date.day) { failures.append(days) }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }
}
