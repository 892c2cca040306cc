import Foundation

/// A Spring 6-field cron expression (second minute hour day-of-month month day-of-week), as
/// UPLOAD_CLEAN_CRON takes it: `*`, `?`, lists, ranges, steps, month and day names, and the
/// `@daily`-style macros. Day-of-month and day-of-week must both match, as in Spring.
public struct SpringCron: Sendable, Equatable {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    let seconds: Set<Int>
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>  // 0 = Sunday

    private static let macros = [
        "@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *",
        "@weekly": "0 0 0 * * 0", "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *",
    ]
    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    public init(_ expression: String) throws {
        let text = SpringCron.macros[expression.trimmingCharacters(in: .whitespaces).lowercased()] ?? expression
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 6 else {
            let hint = fields.count == 5 ? " (Spring needs a seconds field first: a Unix 5-field cron is one short)" : ""
            throw ParseError(message: "a Spring cron has 6 fields (sec min hour day month weekday), '\(expression)' has \(fields.count)\(hint)")
        }
        seconds = try SpringCron.field(fields[0], "second", 0...59)
        minutes = try SpringCron.field(fields[1], "minute", 0...59)
        hours = try SpringCron.field(fields[2], "hour", 0...23)
        daysOfMonth = try SpringCron.field(fields[3], "day-of-month", 1...31)
        months = try SpringCron.field(fields[4], "month", 1...12, names: SpringCron.monthNames, nameBase: 1)
        // Spring accepts 0-7 for the weekday, 0 and 7 both being Sunday.
        daysOfWeek = Set(try SpringCron.field(fields[5], "day-of-week", 0...7, names: SpringCron.dayNames, nameBase: 0).map { $0 % 7 })
    }

    private static func field(_ text: String, _ name: String, _ range: ClosedRange<Int>,
                              names: [String] = [], nameBase: Int = 0) throws -> Set<Int> {
        if text == "?" || text == "*" { return Set(range) }
        func number(_ token: Substring) throws -> Int {
            if let value = Int(token) { guard range.contains(value) else {
                throw ParseError(message: "\(name) \(value) is outside \(range.lowerBound)-\(range.upperBound)") }
                return value
            }
            if let index = names.firstIndex(of: token.uppercased()) { return index + nameBase }
            if token.contains(where: { "LW#".contains($0) }) {
                throw ParseError(message: "the \(name) field uses '\(token)' (L, W or #), which scoretune does not evaluate")
            }
            throw ParseError(message: "'\(token)' is not a valid \(name)")
        }
        var values = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2, !stepParts[0].isEmpty else { throw ParseError(message: "'\(item)' is not a valid \(name) entry") }
            var step = 1
            if stepParts.count == 2 {
                guard let s = Int(stepParts[1]), s > 0 else { throw ParseError(message: "'\(stepParts[1])' is not a valid step in the \(name) field") }
                step = s
            }
            let base = stepParts[0]
            let low: Int, high: Int
            if base == "*" || base == "?" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                low = try number(base[..<dash])
                high = try number(base[base.index(after: dash)...])
                guard low <= high else { throw ParseError(message: "the \(name) range '\(base)' runs backwards") }
            } else {
                low = try number(base)
                high = stepParts.count == 2 ? range.upperBound : low
            }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values
    }

    /// The next `count` firing times strictly after `date`, in UTC (Score's containers run in UTC).
    /// Searches at most eight years ahead, so an expression that never fires (31 February) yields fewer.
    public func nextFirings(after date: Date, count: Int = 3) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var results: [Date] = []
        let start = calendar.startOfDay(for: date)
        for dayOffset in 0..<(366 * 8) {
            guard let day = calendar.date(byAdding: .day, value: dayOffset, to: start) else { break }
            let parts = calendar.dateComponents([.month, .day, .weekday], from: day)
            guard months.contains(parts.month!), daysOfMonth.contains(parts.day!),
                  daysOfWeek.contains(parts.weekday! - 1) else { continue }
            for hour in hours.sorted() {
                for minute in minutes.sorted() {
                    for second in seconds.sorted() {
                        let firing = day.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60 + second))
                        if firing > date {
                            results.append(firing)
                            if results.count == count { return results }
                        }
                    }
                }
            }
        }
        return results
    }
}
