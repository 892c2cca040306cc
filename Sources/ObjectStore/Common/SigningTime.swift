import Foundation

/// The two timestamp formats the signers need, always in UTC and independent of locale.
enum SigningTime {
    static func amzDate(_ date: Date) -> String {
        let t = utc(date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    }

    static func httpDate(_ date: Date) -> String {
        let t = utc(date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(format: "%@, %02d %@ %04d %02d:%02d:%02d GMT", days[Int(t.tm_wday)], t.tm_mday,
                      months[Int(t.tm_mon)], t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec)
    }

    private static func utc(_ date: Date) -> tm {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var result = tm()
        gmtime_r(&seconds, &result)
        return result
    }
}
