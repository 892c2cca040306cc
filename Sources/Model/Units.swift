import Foundation

/// Sizes and durations as people write them in scenario files: `20MiB`, `250MB`, `1GiB`, `15s`,
/// `500ms`, `2m`. A bare number is bytes or milliseconds, matching the `.env.score` conventions.
public enum Units {
    static let sizeUnits: [(String, Int64)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40), ("PiB", 1 << 50),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000), ("PB", 1_000_000_000_000_000),
        ("k", 1_000), ("B", 1),
    ]
    static let durationUnits: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]

    /// Bytes, or nil with the reason.
    public static func parseSize(_ text: String) -> Result<Int64, UnitError> {
        parse(text, units: sizeUnits, what: "a size", examples: "20MiB, 250MB, 1GiB or a number of bytes")
    }

    /// Milliseconds, or nil with the reason.
    public static func parseDuration(_ text: String) -> Result<Int64, UnitError> {
        parse(text, units: durationUnits, what: "a duration", examples: "500ms, 15s, 2m or a number of milliseconds")
    }

    /// A long span as `humanDuration` prints it, or as people write one: 48h, 2d, 2d00h, 1h30m, 90m.
    /// Whole numbers, each with a unit of d, h, m or s; milliseconds back.
    public static func parseSpan(_ raw: String) -> Result<Int64, UnitError> {
        let units: [Character: Int64] = ["d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1_000]
        let failure = UnitError(message: "'\(raw)' is not a span of time (write 48h, 2d, 2d00h or 1h30m)")
        var total: Int64 = 0
        var digits = ""
        var components = 0
        for character in raw.trimmingCharacters(in: .whitespaces) {
            if character.isASCII, character.isNumber {
                guard digits.count < 12 else { return .failure(failure) }
                digits.append(character)
            } else if let unit = units[character], let value = Int64(digits) {
                let (product, overflow) = value.multipliedReportingOverflow(by: unit)
                let (sum, overflow2) = total.addingReportingOverflow(product)
                guard !overflow, !overflow2 else { return .failure(failure) }
                total = sum
                digits = ""
                components += 1
            } else {
                return .failure(failure)
            }
        }
        guard digits.isEmpty, components > 0 else { return .failure(failure) }
        return .success(total)
    }

    public struct UnitError: Error, Equatable {
        public var message: String
    }

    private static func parse(_ raw: String, units: [(String, Int64)], what: String, examples: String) -> Result<Int64, UnitError> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let numberEnd = text.firstIndex { !($0.isNumber || $0 == ".") } ?? text.endIndex
        let number = String(text[..<numberEnd])
        let unit = text[numberEnd...].trimmingCharacters(in: .whitespaces)
        guard let value = Double(number), value >= 0 else {
            return .failure(UnitError(message: "'\(raw)' is not \(what) (write \(examples))"))
        }
        let multiplier: Int64
        if unit.isEmpty {
            multiplier = 1
        } else if let match = units.first(where: { $0.0 == unit }) {
            multiplier = match.1
        } else {
            let known = units.map(\.0).joined(separator: ", ")
            return .failure(UnitError(message: "'\(raw)': unknown unit '\(unit)' (known: \(known))"))
        }
        let result = value * Double(multiplier)
        guard result < 9.0e18, result == result.rounded(.down) else {
            return .failure(UnitError(message: "'\(raw)' is not a whole number of \(units.last!.0 == "B" ? "bytes" : "milliseconds")"))
        }
        return .success(Int64(result))
    }

    /// Bytes per second from `125MB/s`, `1Gbit/s`, `500Mbit/s`, `10Kbit/s`.
    public static func parseRate(_ raw: String) -> Result<Double, UnitError> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let problem = UnitError(message: "'\(raw)' is not a rate (write 125MB/s, 1Gbit/s or 500Mbit/s)")
        guard text.hasSuffix("/s") else { return .failure(problem) }
        let amount = String(text.dropLast(2))
        for (unit, bits) in [("Gbit", 1e9), ("Mbit", 1e6), ("Kbit", 1e3)] where amount.hasSuffix(unit) {
            guard let value = Double(amount.dropLast(unit.count).trimmingCharacters(in: .whitespaces)), value > 0 else { return .failure(problem) }
            return .success(value * bits / 8)
        }
        switch parseSize(amount) {
        case .success(let bytes) where bytes > 0: return .success(Double(bytes))
        default: return .failure(problem)
        }
    }

    /// The largest unit that divides the size exactly, binary or decimal: `64MiB`, `250MB`, `10TB`.
    public static func formatSize(_ bytes: Int64) -> String {
        let units: [(String, Int64)] = [("PiB", 1 << 50), ("PB", 1_000_000_000_000_000), ("TiB", 1 << 40), ("TB", 1_000_000_000_000), ("GiB", 1 << 30), ("GB", 1_000_000_000),
                                         ("MiB", 1 << 20), ("MB", 1_000_000), ("KiB", 1 << 10), ("KB", 1_000)]
        for (unit, size) in units where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)B"
    }

    /// A size for people: exact when it is a whole number under 1000 of some unit (`20MB`, `64MiB`),
    /// else one decimal in binary units (`11.8MiB`, `10.5GiB`).
    public static func humanSize(_ bytes: Int64) -> String {
        let exact = formatSize(bytes)
        let number = exact.prefix { $0.isNumber }
        guard bytes >= 1024, number.count > 3 || number.count == exact.count - 1 else { return exact }
        var value = Double(bytes), unit = 0
        let names = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        while value >= 1024, unit < names.count - 1 { value /= 1024; unit += 1 }
        return String(format: "%.1f%@", value, names[unit])
    }

    /// An approximate duration for people: `45s`, `16h04m`, `3d02h`.
    public static func humanDuration(seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 120 { return "\(total)s" }
        if total < 7200 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        if total < 172_800 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        return "\(total / 86_400)d\(String(format: "%02d", total % 86_400 / 3600))h"
    }

    /// A throughput in MB/s (10^6 bytes a second) as every table and summary prints it: one
    /// decimal, "–" for none.
    public static func formatMBps(_ value: Double?) -> String {
        value.map { String(format: "%.1f", $0) } ?? "–"
    }

    public static func formatDuration(_ milliseconds: Int64) -> String {
        if milliseconds >= 3_600_000 && milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds >= 60_000 && milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds >= 1_000 && milliseconds % 1_000 == 0 { return "\(milliseconds / 1_000)s" }
        return "\(milliseconds)ms"
    }
}
