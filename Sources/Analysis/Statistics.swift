import Foundation
import Model

/// The statistics analysis uses, on plain arrays of samples. Nothing here knows about storage.
public enum Statistics {
    /// Linear interpolation between closest ranks (the "R-7" definition, as numpy's default).
    public static func percentile(_ values: [Double], _ p: Double) -> Double? { Percentile.of(values, p) }

    public static func median(_ values: [Double]) -> Double? { Percentile.median(values) }

    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation (n − 1).
    public static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count > 1, let mean = mean(values) else { return nil }
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
    }

    public static func coefficientOfVariation(_ values: [Double]) -> Double? {
        guard let sd = standardDeviation(values), let mean = mean(values), mean != 0 else { return nil }
        return sd / mean
    }

    /// A distribution-free interval for the median (see `MedianInterval`).
    public typealias MedianInterval = Model.MedianInterval

    public static func medianInterval(_ values: [Double], confidence: Double = 0.95) -> MedianInterval? {
        MedianInterval.of(values, confidence: confidence)
    }

    /// "95% CI" when an interval reaches 95%; otherwise its real level, "75% interval".
    public static func intervalName(_ level: Double, requested: Double = 0.95) -> String {
        MedianInterval.name(level: level, requested: requested)
    }

    /// The fewest samples whose widest interval (min–max) reaches `confidence`: 1 − 2·½ⁿ ≥ confidence.
    public static func samplesForMedianInterval(confidence: Double = 0.95) -> Int {
        var n = 2
        while 1 - 2 * pow(0.5, Double(n)) < confidence && n < 64 { n += 1 }
        return n
    }

    /// Mann-Whitney U test that `candidate` is stochastically *smaller* than `baseline`
    /// (one-sided), normal approximation with tie correction and continuity correction.
    /// Returns U for the candidate and the p-value.
    public static func mannWhitneyLess(candidate: [Double], baseline: [Double]) -> (u: Double, p: Double)? {
        let n1 = Double(candidate.count), n2 = Double(baseline.count)
        guard n1 > 0, n2 > 0 else { return nil }
        let pooled = (candidate.map { ($0, 0) } + baseline.map { ($0, 1) }).sorted { $0.0 < $1.0 }
        var ranks = [Double](repeating: 0, count: pooled.count)
        var tieTerm = 0.0
        var i = 0
        while i < pooled.count {
            var j = i
            while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            let rank = Double(i + j + 2) / 2  // ranks are 1-based
            for k in i...j { ranks[k] = rank }
            let t = Double(j - i + 1)
            tieTerm += t * t * t - t
            i = j + 1
        }
        let r1 = zip(pooled, ranks).filter { $0.0.1 == 0 }.map(\.1).reduce(0, +)
        let u1 = r1 - n1 * (n1 + 1) / 2
        let mean = n1 * n2 / 2
        let n = n1 + n2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else { return (u1, 0.5) }
        // Small U means the candidate's values rank low: evidence it is smaller.
        let z = (u1 - mean + 0.5) / variance.squareRoot()
        return (u1, normalCDF(z))
    }

    public static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
}
