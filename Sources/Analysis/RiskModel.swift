import Foundation
import Model

/// The arithmetic that sizes a retry limit and the timeouts against a stated risk, from the path's
/// measured faults (`PathFaults`). docs/score.md ("Retries and timeouts from evidence") gives the
/// model in words; the known-answer tests (RiskModelTests) pin it.
public enum RiskModel {
    /// Failed objects per object the operator accepts by default: one in 10^5.
    public static let defaultRisk = 1e-5
    /// The bounds are one-sided at this confidence.
    public static let confidence = 0.95
    static var confidenceText: String { "\(Int((confidence * 100).rounded()))%" }
    /// The most retries any limit may be: beyond it a path is broken, not flaky.
    public static let retryCeiling = 50
    /// Linux retransmits a lost SYN after 1 s and again 2 s later: a connect timeout this many
    /// seconds above the measured connect tail survives two lost SYNs.
    public static let synRetransmissionSeconds = 3.0
    /// The longest timeout the model considers or writes, seconds (a day).
    public static let longestTimeoutSeconds = 86_400.0

    /// Whole seconds, rounded up, from 1 to a day: what a timeout is written as. A non-finite or
    /// absurd figure (an odd database) becomes the bound, never a trap.
    public static func wholeSeconds(_ seconds: Double) -> Int {
        guard seconds.isFinite else { return Int(longestTimeoutSeconds) }
        return Int(min(longestTimeoutSeconds, max(1, seconds.rounded(.up))))
    }

    /// The tail a timeout must clear: the 99.9th percentile (nearest
    /// rank) with 1,000 values or more, else the largest; nil for none.
    static func tail(of values: LogLinearHistogram) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.count >= 1000 ? values.value(atRank: Int64((Double(values.count) * 0.999).rounded(.up)) - 1) : values.max
    }

    /// The read timeout that outlasts a wait of `seconds`: twice it (to the millisecond: a fit's
    /// rounding error is no reason for one more second) plus 10 s, in whole seconds.
    static func outlasting(_ seconds: Double) -> Int {
        wholeSeconds((2 * seconds * 1000).rounded() / 1000 + 10)
    }

    /// A small figure as people read it: 3 significant digits, no exponent above 0.001.
    static func format(_ value: Double) -> String {
        value == 0 ? "0" : value >= 0.001 ? String(format: "%.3g", value) : String(format: "%.2e", value)
    }

    // MARK: bounds

    /// One-sided upper confidence bound on a per-attempt failure probability from `failures` in
    /// `trials` (Clopper–Pearson, exact): the p at which seeing so few failures has probability
    /// 1 − level. With none seen it is 1 − (1 − level)^(1/n), about 3/n at 95% (the rule of three):
    /// zero failures seen is not zero risk.
    public static func upperBound(failures: Int, of trials: Int, level: Double = confidence) -> Double {
        guard trials > 0 else { return 1 }
        let k = min(max(failures, 0), trials)
        if k >= trials { return 1 }
        if k == 0 { return 1 - pow(1 - level, 1 / Double(trials)) }
        // P(X ≤ k; n, p) falls as p rises: bisect for the p where it equals 1 − level.
        var (low, high) = (Double(k) / Double(trials), 1.0)
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if binomialCDF(k, trials, middle) > 1 - level { low = middle } else { high = middle }
        }
        return high
    }

    /// The matching lower bound (0 when no failure was seen).
    public static func lowerBound(failures: Int, of trials: Int, level: Double = confidence) -> Double {
        guard trials > 0, failures > 0 else { return 0 }
        let k = min(failures, trials)
        if k >= trials { return pow(1 - level, 1 / Double(trials)) }
        var (low, high) = (0.0, Double(k) / Double(trials))
        for _ in 0..<100 {
            let middle = (low + high) / 2
            // P(X ≥ k; n, p) rises with p.
            if 1 - binomialCDF(k - 1, trials, middle) < 1 - level { low = middle } else { high = middle }
        }
        return low
    }

    /// P(X ≤ k) for X ~ Binomial(n, p), summed in logs (n may be large; k small or not).
    static func binomialCDF(_ k: Int, _ n: Int, _ p: Double) -> Double {
        guard k >= 0 else { return 0 }
        guard k < n else { return 1 }
        if p <= 0 { return 1 }
        if p >= 1 { return 0 }
        let (logP, logQ) = (log(p), log1p(-p))
        func logGamma(_ x: Double) -> Double { Foundation.lgamma(x) }
        let logN = logGamma(Double(n) + 1)
        var total = 0.0
        for i in 0...k {
            let term = logN - logGamma(Double(i) + 1) - logGamma(Double(n - i) + 1) + Double(i) * logP + Double(n - i) * logQ
            total += exp(term)
        }
        return min(1, total)
    }

    // MARK: retries

    /// The chance an object fails: one of its `requests` fails all `limit + 1` attempts, each
    /// failing with probability `perAttempt`, independently.
    public static func objectFailure(perAttempt q: Double, requests: Double, limit: Int) -> Double {
        guard q > 0 else { return 0 }
        guard q < 1 else { return 1 }
        let request = pow(q, Double(limit + 1))
        return -expm1(requests * log1p(-request))  // 1 − (1 − r)^m, exact for tiny r
    }

    /// The smallest limit whose object failure chance meets `risk`; nil when none up to the
    /// ceiling does (a path that fails this often is broken).
    public static func smallestLimit(perAttempt q: Double, requests: Double, risk: Double) -> Int? {
        (0...retryCeiling).first { objectFailure(perAttempt: q, requests: requests, limit: $0) <= risk }
    }
}
