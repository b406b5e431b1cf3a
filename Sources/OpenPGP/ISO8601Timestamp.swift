public import Foundation

/// A whole-second time in UTC as ISO 8601 (`2026-12-07T03:45:12Z`), the text `Date.formatted(.iso8601)` writes,
/// computed from the count of days (the proleptic Gregorian calendar) instead of through Foundation's calendar, which
/// cost 1.8 µs a time: a keyring report writes four per certificate.
public enum ISO8601Timestamp {
    /// The text of `date`, whose fractional second is dropped; years outside 1...9999 are written by Foundation.
    public static func string(from date: Date) -> String {
        let (days, secondOfDay) = Int64(date.timeIntervalSince1970.rounded(.down)).quotientAndRemainder(dividingBy: 86_400)
        let day = days - (secondOfDay < 0 ? 1 : 0)
        let second = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        let (year, month, dayOfMonth) = civil(fromDaysSince1970: day)
        guard (1...9999).contains(year) else { return date.formatted(.iso8601) }
        var text = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int64, digits: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, digits: 4, at: 0)
        put(month, digits: 2, at: 5)
        put(dayOfMonth, digits: 2, at: 8)
        put(second / 3600, digits: 2, at: 11)
        put(second / 60 % 60, digits: 2, at: 14)
        put(second % 60, digits: 2, at: 17)
        for (offset, separator) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "Z")] as [(Int, Unicode.Scalar)] {
            text[offset] = UInt8(ascii: separator)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Year, month and day of the day `days` after 1970-01-01, in the proleptic Gregorian calendar (the algorithm of
    /// Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms", `civil_from_days`: eras of 400 years, years
    /// starting in March so that the leap day is last).
    private static func civil(fromDaysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468  // days since 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
