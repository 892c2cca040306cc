import Foundation

/// A distribution-free confidence interval for the median, from order statistics: the narrowest
/// symmetric pair of ranks (k, n + 1 − k) whose coverage, P(k ≤ B ≤ n − k) with B ~ Binomial(n, ½),
/// reaches the level asked for. With too few samples no pair reaches it: then the interval is the
/// widest one (min–max) and `level` says what it really covers (75% for 3 samples, 87.5% for 4),
/// never a "95%" it does not hold.
public struct MedianInterval: Sendable, Equatable, Encodable {
    public var low: Double
    public var high: Double
    /// The coverage the interval actually has, 0…1 (exact for continuous data).
    public var level: Double
    /// The level asked for.
    public var requested: Double
    public var reachesRequested: Bool { level >= requested }

    /// "95% CI" when the interval reaches the level asked for; otherwise its real level, "75% interval".
    public var name: String { Self.name(level: level, requested: requested) }

    public static func name(level: Double, requested: Double = 0.95) -> String {
        level >= requested ? String(format: "%.0f%% CI", requested * 100) : String(format: "%.0f%% interval", (level * 100).rounded(.down))
    }

    public init(low: Double, high: Double, level: Double, requested: Double) {
        (self.low, self.high, self.level, self.requested) = (low, high, level, requested)
    }

    /// nil without samples; a single sample is its own interval, with no coverage.
    public static func of(_ values: [Double], confidence: Double = 0.95) -> MedianInterval? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let n = sorted.count
        guard n > 1 else { return MedianInterval(low: sorted[0], high: sorted[0], level: 0, requested: confidence) }
        // cumulative[i] = P(B ≤ i), computed in log space so large n cannot overflow.
        var cumulative: [Double] = []
        var sum = 0.0
        for i in 0...n {
            let logChoose = lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
            sum += exp(logChoose - Double(n) * log(2.0))
            cumulative.append(min(1, sum))
        }
        // Ranks k (1-based) from the middle outwards; the interval [x(k), x(n+1−k)].
        var k = 1
        for candidate in stride(from: n / 2, through: 1, by: -1) {
            let coverage = 1 - 2 * cumulative[candidate - 1]
            if coverage >= confidence { k = candidate; break }
        }
        let level = 1 - 2 * cumulative[k - 1]
        return MedianInterval(low: sorted[k - 1], high: sorted[n - k], level: level, requested: confidence)
    }

    /// Whether two intervals share any value: the medians cannot yet be told apart.
    public func overlaps(_ other: MedianInterval) -> Bool { low <= other.high && other.low <= high }
}
