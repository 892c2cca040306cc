import Foundation
import Model

extension RiskModel {
    /// What one attempt on the path may meet, and what each costs: the silences of healthy
    /// attempts (answer waits), stalls (silences a fault made) and fast failures (resets, 5xx).
    /// Silences are histograms (`LogLinearHistogram`, within 0.8%): a run of any size is weighed
    /// in the same memory.
    public struct Silences: Sendable, Equatable {
        /// Longest silence of each healthy attempt, seconds.
        public var healthy: LogLinearHistogram
        /// Stall lengths seen whole, seconds.
        public var stalls: LogLinearHistogram
        /// Stalls cut by the run's own timeout, each as long as it had lasted when cut: only a lower
        /// bound is known (read as longer than any timeout the model tries, the cautious reading).
        public var censored: LogLinearHistogram
        public var censoredStalls: Int { Int(censored.count) }
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

        public init(healthy: LogLinearHistogram, stalls: LogLinearHistogram, censored: LogLinearHistogram = LogLinearHistogram(),
                    attempts: Int, fastFailures: Int, connectTimeouts: Int = 0, attemptSeconds: Double, backoffSeconds: Double) {
            (self.healthy, self.stalls, self.censored, self.connectTimeouts) = (healthy, stalls, censored, connectTimeouts)
            (self.attempts, self.fastFailures, self.attemptSeconds, self.backoffSeconds) = (attempts, fastFailures, attemptSeconds, backoffSeconds)
        }

        /// From lists of silences (a hand-made path).
        public init(healthy: [Double], stalls: [Double], censoredLengths: [Double] = [], attempts: Int, fastFailures: Int,
                    connectTimeouts: Int = 0, attemptSeconds: Double, backoffSeconds: Double) {
            self.init(healthy: LogLinearHistogram(healthy), stalls: LogLinearHistogram(stalls), censored: LogLinearHistogram(censoredLengths),
                      attempts: attempts, fastFailures: fastFailures, connectTimeouts: connectTimeouts, attemptSeconds: attemptSeconds,
                      backoffSeconds: backoffSeconds)
        }

        /// Failures per attempt at timeout `timeout`: fast ones, stalls longer than it, healthy
        /// waits longer than it.
        public func failures(at timeout: Double) -> Int {
            fastFailures + connectTimeouts + Int(stalls.count(above: timeout)) + censoredStalls + Int(healthy.count(above: timeout))
        }

        /// Seconds lost per attempt at `timeout`, retries paid: each failure wastes half an attempt
        /// and a back-off, each stall waited out costs its length, each cut stall or wait its
        /// timeout, each black-holed connect the connect timeout; the failed share is paid again
        /// (÷ (1 − failure rate)).
        public func lostPerAttempt(at timeout: Double, connectTimeout: Double = 0) -> Double {
            guard attempts > 0 else { return 0 }
            let retry = attemptSeconds / 2 + backoffSeconds
            var lost = Double(fastFailures) * retry + Double(connectTimeouts) * (connectTimeout + backoffSeconds)
            for (stall, n) in stalls.values { lost += Double(n) * (stall <= timeout ? stall : timeout + retry) }
            lost += Double(censoredStalls) * (timeout + retry)
            lost += Double(healthy.count(above: timeout)) * (timeout + retry)
            let failureRate = min(0.99, Double(failures(at: timeout)) / Double(attempts))
            return lost / Double(attempts) / (1 - failureRate)
        }

        /// The healthy wait a timeout must clear: the 99.9th percentile with 1,000 waits or more,
        /// else the longest seen.
        public var healthyTail: Double { RiskModel.tail(of: healthy) ?? 0 }

        /// The least a timeout may be: twice the healthy tail, at least a second.
        public var floor: Double { max(1, 2 * healthyTail) }

        /// The timeout, in whole seconds from the floor up, with the least time lost per attempt;
        /// among equals the shortest (it also cuts the stalls no run has seen sooner).
        public func bestTimeout(ceiling: Double) -> Double {
            let start = min(ceiling, floor.rounded(.up))
            var candidates = Set([start])
            for (stall, _) in stalls.values where stall.rounded(.up) > start && stall.rounded(.up) <= ceiling { candidates.insert(stall.rounded(.up)) }
            return candidates.min { (lostPerAttempt(at: $0), $0) < (lostPerAttempt(at: $1), $1) }!
        }
    }
}
