import CivilDate
public import Foundation

/// An instant in a report's `date-range`: an RFC 3339 `date-time` (RFC 8460 §4.4), kept to the nanosecond so that
/// reading what ``text`` writes gives the same value.
public struct ReportDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public let secondsSince1970: Int64
    /// The fraction of the second, 0 ..< 1 000 000 000 (digits beyond the ninth are dropped when reading).
    public let nanoseconds: Int32

    /// An instant from seconds since 1970 and a fraction.
    public init(secondsSince1970: Int64, nanoseconds: Int32 = 0) {
        precondition((0..<1_000_000_000).contains(nanoseconds), "nanoseconds out of range")
        self.secondsSince1970 = secondsSince1970
        self.nanoseconds = nanoseconds
    }

    /// The instant as a Foundation `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(secondsSince1970) + Double(nanoseconds) / 1e9) }

    public static func < (lhs: ReportDate, rhs: ReportDate) -> Bool {
        (lhs.secondsSince1970, lhs.nanoseconds) < (rhs.secondsSince1970, rhs.nanoseconds)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, with a fraction (trailing zeros removed) when there is one.
    public var text: String {
        let (civil, seconds) = CivilDate.of(secondsSince1970: secondsSince1970)
        var result = pad(civil.year, 4) + "-" + pad(civil.month, 2) + "-" + pad(civil.day, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        if nanoseconds != 0 {
            var fraction = pad(Int64(nanoseconds), 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            result += "." + fraction
        }
        return result + "Z"
    }

    public var description: String { text }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// How a `date-time` was written: per RFC 3339, or without its `time-offset` (then read as UTC).
    public enum Form: Sendable, Hashable {
        case rfc3339
        case withoutTimeZone
    }

    /// Reads `full-date "T" full-time` (RFC 3339 §5.6; `t` and `z` may be lower case, §5.6 NOTE). A missing
    /// `time-offset` is read as UTC and reported as ``Form/withoutTimeZone``; the caller decides to tolerate it.
    static func parse(_ text: String) -> (date: ReportDate, form: Form)? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard bytes.count - index >= width else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<(index + width)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += width
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue! else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "t") else { return nil }
        index += 1
        guard let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2) else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        var nanoseconds: Int64 = 0
        if expect(".") {
            var digits = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                if digits < 9 { nanoseconds = nanoseconds * 10 + Int64(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanoseconds *= 10 }
        }
        var offset: Int64 = 0
        var form = Form.rfc3339
        if index == bytes.count {
            form = .withoutTimeZone
        } else if bytes[index] | 0x20 == UInt8(ascii: "z") {
            index += 1
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "+") ? 1 : -1
            index += 1
            guard let hours = number(2), expect(":"), let minutes = number(2), hours <= 23, minutes <= 59 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = CivilDate(year: year, month: month, day: day).daysSince1970 * 86_400 + hour * 3600 + minute * 60 + second - offset
        // In UTC the instant must still have a four-digit year, so that ``text`` can write it.
        let fourDigitYears = CivilDate(year: 0, month: 1, day: 1).daysSince1970 * 86_400 ..< CivilDate(year: 10_000, month: 1, day: 1).daysSince1970 * 86_400
        guard fourDigitYears.contains(seconds) else { return nil }
        return (ReportDate(secondsSince1970: seconds, nanoseconds: Int32(nanoseconds)), form)
    }

    private static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
