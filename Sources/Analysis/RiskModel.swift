import Foundation

/// The arithmetic that sizes a retry limit and the timeouts against a stated risk, from the path's
/// measured faults (`PathFaults`). docs/score.md ("Retries and timeouts from evidence") gives the
/// model in words; the known-answer tests (RiskModelTests) pin it.
public enum RiskModel {
    /// Failed objects per object the operator accepts by default: one in 10^5.
    public static let defaultRisk = 1e-5
    /// The bounds are one-sided at this confidence.
    public static let confidence = 0.95
    /// The most retries any limit may be: beyond it a path is broken, not flaky.
    public static let retryCeiling = 50
    /// Linux retransmits a lost SYN after 1 s and again 2 s later: a connect timeout this far above
    /// the measured connect tail survives two lost SYNs.
    public static let synRetransmissions = 3.0

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

    // MARK: timeouts

    /// What one attempt on the path may meet, and what each costs: the silences of healthy
    /// attempts (answer waits), stalls (silences a fault made) and fast failures (resets, 5xx).
    public struct Silences: Sendable, Equatable {
        /// Longest silence of each healthy attempt, seconds.
        public var healthy: [Double]
        /// Stall lengths seen whole, seconds.
        public var stalls: [Double]
        /// Stalls cut by the run's own timeout: only a lower bound is known (read as longer than any
        /// timeout the model tries, the cautious reading).
        public var censoredStalls: Int
        /// Attempts these were drawn from.
        public var attempts: Int
        /// Attempts that failed fast (reset, refused, 503, 5xx, a wrong checksum).
        public var fastFailures: Int
        /// Connects that timed out (a black hole): each costs the connect timeout.
        public var connectTimeouts: Int
        /// A healthy attempt's median time, seconds: what a failed attempt wastes (half of it, on
        /// average) and a retry pays again.
        public var attemptSeconds: Double
        /// The back-off paid before a retry, seconds.
        public var backoffSeconds: Double

        public init(healthy: [Double], stalls: [Double], censoredStalls: Int, attempts: Int, fastFailures: Int, connectTimeouts: Int = 0,
                    attemptSeconds: Double, backoffSeconds: Double) {
            (self.healthy, self.stalls, self.censoredStalls, self.connectTimeouts) = (healthy.sorted(), stalls.sorted(), censoredStalls, connectTimeouts)
            (self.attempts, self.fastFailures, self.attemptSeconds, self.backoffSeconds) = (attempts, fastFailures, attemptSeconds, backoffSeconds)
        }

        /// Failures per attempt at timeout `timeout`: fast ones, stalls longer than it, healthy
        /// waits longer than it.
        public func failures(at timeout: Double) -> Int {
            fastFailures + connectTimeouts + stalls.filter { $0 > timeout }.count + censoredStalls + healthy.filter { $0 > timeout }.count
        }

        /// Seconds lost per attempt at `timeout`, retries paid: each failure wastes half an attempt
        /// and a back-off, each stall waited out costs its length, each cut stall or wait its
        /// timeout, each black-holed connect the connect timeout; the failed share is paid again
        /// (÷ (1 − failure rate)).
        public func lostPerAttempt(at timeout: Double, connectTimeout: Double = 0) -> Double {
            guard attempts > 0 else { return 0 }
            let retry = attemptSeconds / 2 + backoffSeconds
            var lost = Double(fastFailures) * retry + Double(connectTimeouts) * (connectTimeout + backoffSeconds)
            for stall in stalls { lost += stall <= timeout ? stall : timeout + retry }
            lost += Double(censoredStalls) * (timeout + retry)
            for wait in healthy where wait > timeout { lost += timeout + retry }
            let failureRate = min(0.99, Double(failures(at: timeout)) / Double(attempts))
            return lost / Double(attempts) / (1 - failureRate)
        }

        /// The healthy wait a timeout must clear: the 99.9th percentile with 1,000 waits or more,
        /// else the longest seen.
        public var healthyTail: Double {
            guard !healthy.isEmpty else { return 0 }
            return healthy.count >= 1000 ? healthy[min(healthy.count - 1, Int((Double(healthy.count) * 0.999).rounded(.up)) - 1)] : healthy.last!
        }

        /// The least a timeout may be: twice the healthy tail, at least a second.
        public var floor: Double { max(1, 2 * healthyTail) }

        /// The timeout, in whole seconds from the floor up, with the least time lost per attempt;
        /// among equals the shortest (it also cuts the stalls no run has seen sooner).
        public func bestTimeout(ceiling: Double) -> Double {
            let start = floor.rounded(.up)
            var candidates = Set([start])
            for stall in stalls where stall.rounded(.up) > start && stall.rounded(.up) <= ceiling { candidates.insert(stall.rounded(.up)) }
            return candidates.min { (lostPerAttempt(at: $0), $0) < (lostPerAttempt(at: $1), $1) }!
        }
    }
}
