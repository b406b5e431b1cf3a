/// A day of the proleptic Gregorian calendar, to and from the count of days since 1970-01-01: the arithmetic of
/// H. Hinnant's "chrono-Compatible Low-Level Date Algorithms" (`civil_from_days`, `days_from_civil`), whose eras of
/// 400 years have years starting in March so that the leap day is last. Every UTC date Stockade writes or reads without
/// Foundation's calendar goes through here: HTTP dates, RFC 5322 dates, RRSIG times, TLSRPT report dates, key reports.
public struct CivilDate: Hashable, Sendable {
    public let year: Int64
    /// 1 ... 12.
    public let month: Int64
    /// 1 ... 31.
    public let day: Int64

    public init(year: Int64, month: Int64, day: Int64) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day `days` after 1970-01-01 (before it when negative).
    public init(daysSince1970 days: Int64) {
        let shifted = days + 719_468  // days since 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days from 1970-01-01 to this day (negative before it).
    public var daysSince1970: Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day of an instant `seconds` after 1970-01-01T00:00:00Z, and the second of that day (0 ..< 86 400).
    public static func of(secondsSince1970 seconds: Int64) -> (date: CivilDate, secondOfDay: Int64) {
        let (days, second) = seconds.quotientAndRemainder(dividingBy: 86_400)
        return second < 0 ? (CivilDate(daysSince1970: days - 1), second + 86_400) : (CivilDate(daysSince1970: days), second)
    }

    /// The day of the week, 0 for Sunday ... 6 for Saturday (1970-01-01 was a Thursday).
    public static func weekday(daysSince1970 days: Int64) -> Int {
        Int(((days % 7) + 11) % 7)
    }
}
