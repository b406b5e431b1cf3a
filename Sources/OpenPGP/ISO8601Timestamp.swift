import CivilDate
public import Foundation

/// A whole-second time in UTC as ISO 8601 (`2026-12-07T03:45:12Z`), the text `Date.formatted(.iso8601)` writes,
/// computed from the count of days (``CivilDate``) instead of through Foundation's calendar, which cost 1.8 µs a time:
/// a keyring report writes four per certificate.
public enum ISO8601Timestamp {
    /// The text of `date`, whose fractional second is dropped; years outside 1...9999 are written by Foundation.
    public static func string(from date: Date) -> String {
        let (civil, second) = CivilDate.of(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)))
        guard (1...9999).contains(civil.year) else { return date.formatted(.iso8601) }
        var text = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int64, digits: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(civil.year, digits: 4, at: 0)
        put(civil.month, digits: 2, at: 5)
        put(civil.day, digits: 2, at: 8)
        put(second / 3600, digits: 2, at: 11)
        put(second / 60 % 60, digits: 2, at: 14)
        put(second % 60, digits: 2, at: 17)
        for (offset, separator) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "Z")] as [(Int, Unicode.Scalar)] {
            text[offset] = UInt8(ascii: separator)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
