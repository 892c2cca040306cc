import Foundation

/// A Spring 6 cron expression, as Score's UPLOAD_CLEAN_CRON is read by
/// `org.springframework.scheduling.support.CronExpression` (rules read from Spring 6.0–6.2's
/// CronExpression, BitsCronField and QuartzCronField, and checked against them: see docs/score.md).
///
/// - Six fields (second minute hour day-of-month month day-of-week), split at ASCII spaces only;
///   each field trimmed; the `@daily`-style macros in any case.
/// - Numbers as Java's `Integer.parseInt` reads them (`+5`, `05`); lists, `a-b` ranges (a
///   backwards range is an error), `a/n` (a to the field's maximum) and `a-b/n` steps of 1 or more.
/// - Month and weekday names in any case (MON=1 … SUN=7; 0 is also Sunday; 7 as a range's start
///   is 0, so `SUN-SAT` is every day and `MON-SUN` too); `?` only as a whole day field.
/// - Quartz forms: `L`, `L-n`, `LW`, `nW` for the day of month; `dL` and `d#k` for the weekday.
/// - Day of month and weekday must both match (Spring ANDs them, unlike Unix cron).
public struct SpringCron: Sendable, Equatable {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// One element of a day field: a set of plain values, or a Quartz rule evaluated per month.
    enum DayRule: Sendable, Equatable {
        case days(Set<Int>)
        case lastDay(offset: Int)       // L, L-n
        case lastWeekday                // LW
        case nearestWeekday(Int)        // nW
        case lastOfWeekday(Int)         // dL (1 = Monday … 7 = Sunday)
        case nthWeekday(Int, Int)       // d#k
    }

    let seconds: Set<Int>
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: [DayRule]
    let months: Set<Int>
    let daysOfWeek: [DayRule]           // weekdays 1 = Monday … 7 = Sunday

    private static let macros = [
        "@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
        "@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *",
    ]
    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let dayNames = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]

    public init(_ expression: String) throws {
        let trimmed = SpringCron.javaTrim(Substring(expression))
        guard !trimmed.isEmpty else { throw ParseError(message: "the cron expression is empty") }
        let text = SpringCron.macros[trimmed.lowercased()] ?? String(trimmed)
        let fields = text.split(separator: " ").map { SpringCron.javaTrim($0) }.filter { !$0.isEmpty }.map(String.init)
        guard fields.count == 6 else {
            let hint = fields.count == 5 ? " (Spring needs a seconds field first: a Unix 5-field cron is one short)" : ""
            throw ParseError(message: "a Spring cron has 6 fields separated by spaces (sec min hour day month weekday), found \(fields.count)\(hint)")
        }
        seconds = try SpringCron.bits(fields[0], .second)
        minutes = try SpringCron.bits(fields[1], .minute)
        hours = try SpringCron.bits(fields[2], .hour)
        daysOfMonth = try SpringCron.daysOfMonth(fields[3])
        months = try SpringCron.bits(SpringCron.replacingNames(fields[4], SpringCron.monthNames), .month)
        daysOfWeek = try SpringCron.daysOfWeek(SpringCron.replacingNames(fields[5], SpringCron.dayNames))
    }

    // MARK: parsing

    enum Field: String {
        case second, minute, hour, dayOfMonth = "day-of-month", month, dayOfWeek = "day-of-week"
        var range: ClosedRange<Int> {
            switch self {
            case .second, .minute: return 0...59
            case .hour: return 0...23
            case .dayOfMonth: return 1...31
            case .month: return 1...12
            case .dayOfWeek: return 1...7
            }
        }
        func check(_ value: Int) throws -> Int {
            if self == .dayOfWeek && value == 0 { return 0 }
            guard range.contains(value) else {
                throw ParseError(message: "\(rawValue) \(value) is outside \(range.lowerBound)-\(range.upperBound)")
            }
            return value
        }
    }

    /// Java's `String.trim`: every character up to U+0020 off both ends.
    static func javaTrim(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0.unicodeScalars.allSatisfy { $0.value <= 0x20 } }
        var trimmed = text
        while let first = trimmed.first, isSpace(first) { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, isSpace(last) { trimmed = trimmed.dropLast() }
        return trimmed
    }

    /// Java's `Integer.parseInt`: an optional sign, then decimal digits.
    static func parseInt(_ text: Substring, _ field: Field) throws -> Int {
        var digits = text
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var value = 0
        for scalar in digits.unicodeScalars {
            guard scalar.properties.generalCategory == .decimalNumber, let digit = scalar.properties.numericValue.map(Int.init),
                  value <= (Int(Int32.max) - digit) / 10 else {
                // Only a short token is shown: a long one may be a pasted secret.
                let shown = text.count <= 8 ? "'\(text)'" : "a \(text.count)-character value"
                throw ParseError(message: "the \(field.rawValue) field has \(shown), which is not a number")
            }
            value = value * 10 + digit
        }
        guard !digits.isEmpty else { throw ParseError(message: "the \(field.rawValue) field has an empty number") }
        return negative ? -value : value
    }

    /// Spring upper-cases the whole field and replaces names by numbers (JAN → 1, MON → 1).
    static func replacingNames(_ field: String, _ names: [String]) -> String {
        var text = field.uppercased()
        for (index, name) in names.enumerated() { text = text.replacingOccurrences(of: name, with: "\(index + 1)") }
        return text
    }

    /// A list of values, ranges and steps.
    static func bits(_ text: String, _ field: Field) throws -> Set<Int> {
        var values = Set<Int>()
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            values.formUnion(try bitsElement(element, field))
        }
        return values
    }

    private static func bitsElement(_ element: Substring, _ field: Field) throws -> Set<Int> {
        guard let slash = element.firstIndex(of: "/") else { return Set(try range(element, field)) }
        let rangeText = element[..<slash]
        var span = try range(rangeText, field)
        if !rangeText.contains("-") { span = span.lowerBound...field.range.upperBound }
        let step = try parseInt(element[element.index(after: slash)...], field)
        guard step >= 1 else { throw ParseError(message: "the \(field.rawValue) step must be 1 or more, got \(step)") }
        return Set(stride(from: span.lowerBound, through: span.upperBound, by: step))
    }

    private static func range(_ text: Substring, _ field: Field) throws -> ClosedRange<Int> {
        if text == "*" { return field.range }
        guard let dash = text.firstIndex(of: "-") else {
            let value = try field.check(parseInt(text, field))
            return value...value
        }
        var low = try field.check(parseInt(text[..<dash], field))
        let high = try field.check(parseInt(text[text.index(after: dash)...], field))
        // Spring: Sunday (7) as the start of a weekday range means 0.
        if field == .dayOfWeek && low == 7 { low = 0 }
        guard low <= high else { throw ParseError(message: "the \(field.rawValue) range \(low)-\(high) runs backwards") }
        return low...high
    }

    /// `?` (only as the whole field) is `*`.
    private static func plainDays(_ text: Substring, _ field: Field) throws -> Set<Int> {
        try bits(text == "?" ? "*" : String(text), field)
    }

    static func daysOfMonth(_ text: String) throws -> [DayRule] {
        guard text.contains("L") || text.contains("W") else { return [.days(try plainDays(Substring(text), .dayOfMonth))] }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { element in
            if let l = element.lastIndex(of: "L") {
                guard l == element.startIndex else { throw ParseError(message: "the day-of-month field has characters before 'L'") }
                let rest = element[element.index(after: l)...]
                if rest.isEmpty { return .lastDay(offset: 0) }
                if rest == "W" { return .lastWeekday }
                let offset = try parseInt(rest, .dayOfMonth)
                guard offset < 0 else { throw ParseError(message: "the day-of-month offset after 'L' must be below 0 (L-3), got \(offset)") }
                return .lastDay(offset: offset)
            }
            if let w = element.firstIndex(of: "W") {
                guard w != element.startIndex, element.index(after: w) == element.endIndex else {
                    throw ParseError(message: "the day-of-month field needs a day before 'W' and nothing after it (15W)")
                }
                return .nearestWeekday(try Field.dayOfMonth.check(parseInt(element[..<w], .dayOfMonth)))
            }
            return .days(try plainDays(element, .dayOfMonth))
        }
    }

    static func daysOfWeek(_ text: String) throws -> [DayRule] {
        func weekday(_ raw: Substring) throws -> Int {
            let value = try parseInt(raw, .dayOfWeek)
            guard (0...7).contains(value) else { throw ParseError(message: "day-of-week \(value) is outside 0-7") }
            return value == 0 ? 7 : value
        }
        func plain(_ element: Substring) throws -> DayRule {
            var days = try plainDays(element, .dayOfWeek)
            if days.remove(0) != nil { days.insert(7) }
            return .days(days)
        }
        guard text.contains("L") || text.contains("#") else { return [try plain(Substring(text))] }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { element in
            if let l = element.firstIndex(of: "L") {
                guard element.index(after: l) == element.endIndex, l != element.startIndex else {
                    throw ParseError(message: "the day-of-week field needs a weekday before 'L' and nothing after it (5L)")
                }
                return .lastOfWeekday(try weekday(element[..<l]))
            }
            if let hash = element.lastIndex(of: "#") {
                guard hash != element.startIndex, element.index(after: hash) != element.endIndex else {
                    throw ParseError(message: "the day-of-week field needs a weekday and an ordinal around '#' (MON#2)")
                }
                let ordinal = try parseInt(element[element.index(after: hash)...], .dayOfWeek)
                guard ordinal >= 1 else { throw ParseError(message: "the ordinal after '#' must be 1 or more, got \(ordinal)") }
                return .nthWeekday(try weekday(element[..<hash]), ordinal)
            }
            return try plain(element)
        }
    }

    // MARK: firing times

    /// The next `count` firing times strictly after `date`, in UTC (Score's containers run in UTC).
    /// Searches 400 years ahead, as far as Spring's own search reaches; an expression that never
    /// fires (31 February) yields none.
    public func nextFirings(after date: Date, count: Int = 3) -> [Date] {
        var results: [Date] = []
        let startDay = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let times = hours.sorted().flatMap { h in minutes.sorted().flatMap { m in seconds.sorted().map { s in h * 3600 + m * 60 + s } } }
        guard !times.isEmpty else { return [] }
        for day in startDay..<(startDay + 146_097) where fires(onDay: day) {
            for time in times {
                let firing = Date(timeIntervalSince1970: TimeInterval(day * 86_400 + time))
                if firing > date {
                    results.append(firing)
                    if results.count == count { return results }
                }
            }
        }
        return results
    }

    /// Whether the expression fires at all (Score's cleanup job would never run otherwise).
    public var firesEver: Bool { !nextFirings(after: Date(timeIntervalSince1970: 0), count: 1).isEmpty }

    /// Whether the expression fires at some time of this day (days since 1970-01-01, UTC).
    func fires(onDay day: Int) -> Bool {
        let (year, month, dayOfMonth) = SpringCron.civil(day)
        guard months.contains(month) else { return false }
        let length = SpringCron.monthLength(year, month)
        let weekday = ((day % 7 + 7) % 7 + 3) % 7 + 1   // 1 = Monday; 1970-01-01 was a Thursday
        let weekdayOf = { (d: Int) in ((weekday - 1 + d - dayOfMonth) % 7 + 7) % 7 + 1 }
        let dayMatches = daysOfMonth.contains { rule in
            switch rule {
            case .days(let days): return days.contains(dayOfMonth)
            case .lastDay(let offset): return dayOfMonth == length + offset
            case .lastWeekday:
                let last = weekdayOf(length)
                return dayOfMonth == length - (last == 6 ? 1 : last == 7 ? 2 : 0)
            case .nearestWeekday(let target):
                guard target <= length else { return false }
                var nearest = target
                if weekdayOf(target) == 6 { nearest = target == 1 ? 3 : target - 1 }
                if weekdayOf(target) == 7 { nearest = target + 1 }
                return nearest <= length && dayOfMonth == nearest
            case .lastOfWeekday, .nthWeekday: return false
            }
        }
        guard dayMatches else { return false }
        return daysOfWeek.contains { rule in
            switch rule {
            case .days(let days): return days.contains(weekday)
            case .lastOfWeekday(let target): return weekday == target && dayOfMonth + 7 > length
            case .nthWeekday(let target, let ordinal): return weekday == target && (dayOfMonth - 1) / 7 + 1 == ordinal
            case .lastDay, .lastWeekday, .nearestWeekday: return false
            }
        }
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func monthLength(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
