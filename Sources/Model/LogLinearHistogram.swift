import Foundation

/// Counts of non-negative values in log-linear buckets: each power of two is cut into 128 equal
/// buckets, and each bucket keeps the sum of its values, so the value it stands for (their mean)
/// is within 1/128 (0.8%) of any value in it, and exact when they are all one value. Two
/// histograms of the same quantity merge by adding counts and sums, which is what lets a worker's
/// latencies join the fleet's, and a run of a hundred million requests be summarised in a few
/// kilobytes. The smallest and largest values are kept exactly.
public struct LogLinearHistogram: Sendable, Equatable, Codable {
    /// Buckets per power of two.
    static let subBuckets = 128
    /// Values below this (a nanosecond, a byte per second: nothing measured here) count as zero.
    static let smallest = 1e-9

    /// One bucket: how many values fell in it, and their sum.
    public struct Bucket: Sendable, Equatable, Codable {
        public var count: Int64
        public var sum: Double
    }

    /// The buckets by index (`index(of:)`); zeros apart.
    public private(set) var buckets: [Int32: Bucket] = [:]
    public private(set) var zeros: Int64 = 0
    public private(set) var count: Int64 = 0
    /// The smallest and largest values (0 while empty).
    public private(set) var min: Double = 0
    public private(set) var max: Double = 0

    public init() {}

    public init(_ values: [Double]) {
        for value in values { add(value) }
    }

    public var isEmpty: Bool { count == 0 }

    /// Adds a value; a NaN or an infinity is not a measurement and is left out.
    public mutating func add(_ value: Double, times: Int64 = 1) {
        guard value.isFinite, times > 0 else { return }
        let value = Swift.max(0, value)
        (min, max) = count == 0 ? (value, value) : (Swift.min(min, value), Swift.max(max, value))
        count += times
        if value < Self.smallest { zeros += times } else {
            buckets[Self.index(of: value), default: Bucket(count: 0, sum: 0)].add(count: times, sum: value * Double(times))
        }
    }

    public mutating func merge(_ other: LogLinearHistogram) {
        guard !other.isEmpty else { return }
        (min, max) = isEmpty ? (other.min, other.max) : (Swift.min(min, other.min), Swift.max(max, other.max))
        count += other.count
        zeros += other.zeros
        for (index, bucket) in other.buckets { buckets[index, default: Bucket(count: 0, sum: 0)].add(count: bucket.count, sum: bucket.sum) }
    }

    public func merging(_ other: LogLinearHistogram) -> LogLinearHistogram {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// The bucket of a value ≥ `smallest`: its power of two, then which 128th of it.
    static func index(of value: Double) -> Int32 {
        let sub = Int32(((value.significand - 1) * Double(subBuckets)).rounded(.down))
        return Int32(value.exponent) * Int32(subBuckets) + Swift.min(Int32(subBuckets - 1), sub)
    }

    /// Each bucket's value and count, ascending; the extremes are the exact smallest and largest.
    public var values: [(value: Double, count: Int64)] {
        guard !isEmpty else { return [] }
        var out: [(Double, Int64)] = zeros > 0 ? [(0, zeros)] : []
        for index in buckets.keys.sorted() {
            let bucket = buckets[index]!
            out.append((bucket.sum / Double(bucket.count), bucket.count))
        }
        return out.map { (Swift.min(max, Swift.max(min, $0.0)), $0.1) }
    }

    /// The value of rank `rank` (0-based) in ascending order: the exact smallest and largest at
    /// the ends, a bucket's mean between.
    func value(atRank rank: Int64, in values: [(value: Double, count: Int64)]) -> Double {
        if rank <= 0 { return min }
        if rank >= count - 1 { return max }
        var seen: Int64 = 0
        for (value, n) in values {
            seen += n
            if rank < seen { return value }
        }
        return max
    }

    /// The `p`th percentile by the same definition as `Percentile.of` (R-7: interpolation between
    /// closest ranks), each rank read from its bucket: within 0.8% of the exact one.
    public func percentile(_ p: Double) -> Double? {
        guard !isEmpty else { return nil }
        let rank = p / 100 * Double(count - 1)
        let low = Int64(rank.rounded(.down)), high = Int64(rank.rounded(.up))
        let values = self.values
        let a = value(atRank: low, in: values), b = value(atRank: high, in: values)
        return a + (b - a) * (rank - Double(low))
    }

    public var median: Double? { percentile(50) }

    /// The `rank`th value (0-based) in ascending order.
    public func value(atRank rank: Int64) -> Double? {
        isEmpty ? nil : value(atRank: Swift.min(Swift.max(0, rank), count - 1), in: values)
    }

    /// How many values are above `threshold` (a value in the bucket that holds the threshold
    /// counts by its bucket's mean).
    public func count(above threshold: Double) -> Int64 {
        values.reduce(0) { $0 + ($1.value > threshold ? $1.count : 0) }
    }

    /// The values at or above `threshold`, and those below, as two histograms.
    public func split(at threshold: Double) -> (below: LogLinearHistogram, atOrAbove: LogLinearHistogram) {
        var below = LogLinearHistogram(), above = LogLinearHistogram()
        for (value, n) in values {
            if value >= threshold { above.add(value, times: n) } else { below.add(value, times: n) }
        }
        // The exact extremes survive the split where they fall.
        if !below.isEmpty { below.min = min }
        if !above.isEmpty { above.max = max }
        return (below, above)
    }
}

extension LogLinearHistogram.Bucket {
    mutating func add(count: Int64, sum: Double) {
        self.count += count
        self.sum += sum
    }
}
