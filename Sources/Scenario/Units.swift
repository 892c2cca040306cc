import Foundation

/// Sizes and durations as people write them in scenario files: `20MiB`, `250MB`, `1GiB`, `15s`,
/// `500ms`, `2m`. A bare number is bytes or milliseconds, matching the `.env.score` conventions.
public enum Units {
    static let sizeUnits: [(String, Int64)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
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

    /// `64MiB`, `250MB`, `1.5GiB`: the shortest exact binary form, else decimal, else bytes.
    public static func formatSize(_ bytes: Int64) -> String {
        for (unit, size) in [("GiB", Int64(1) << 30), ("MiB", Int64(1) << 20), ("KiB", Int64(1) << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        for (unit, size) in [("GB", Int64(1_000_000_000)), ("MB", Int64(1_000_000)), ("KB", Int64(1_000))] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)B"
    }

    public static func formatDuration(_ milliseconds: Int64) -> String {
        if milliseconds >= 60_000 && milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds >= 1_000 && milliseconds % 1_000 == 0 { return "\(milliseconds / 1_000)s" }
        return "\(milliseconds)ms"
    }
}
