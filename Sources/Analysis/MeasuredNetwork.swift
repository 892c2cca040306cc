import Foundation
import Model

/// A network profile measured from a run (`scoretune network --from-run N`): the path's round trip,
/// per-connection rate, fault rates and stall lengths, each rate with its 95% interval, in the
/// units the fault proxy plays (`NetworkProfile`): the operator's own path, replayable.
public struct MeasuredNetwork: Sendable {
    /// One fault rate: events seen over an exposure (MiB, requests or connections), the estimate
    /// and its 95% two-sided interval (Clopper–Pearson, each exposure unit one trial).
    public struct Rate: Sendable, Equatable {
        public var events: Int
        public var exposure: Double
        public var unit: String
        public var estimate: Double { exposure > 0 ? min(1, Double(events) / exposure) : 0 }
        public var low: Double { interval(level: 0.95).lowerBound }
        public var high: Double { interval(level: 0.95).upperBound }
        /// Whole trials for the bounds (a MiB, a request, a connection), at least one.
        var trials: Int { max(1, Int(exposure.rounded())) }
        /// The two-sided interval at `level` (each bound one-sided at (1 + level) / 2).
        public func interval(level: Double) -> ClosedRange<Double> {
            let side = (1 + level) / 2
            return RiskModel.lowerBound(failures: events, of: trials, level: side)...RiskModel.upperBound(failures: events, of: trials, level: side)
        }
    }

    public var runId: Int64
    /// Seconds; nil when the run measured no wait to read it from.
    public var roundTrip: Double?
    /// Where the round trip was read: healthy GETs' first-byte waits, or (without any) connects.
    public var roundTripFromConnects: Bool
    /// Score's server calls crossed the measured path too: the profile carries them (`server_calls`).
    public var carriesServerCalls: Bool
    /// Bytes per second per connection (median of healthy part transfers); nil when none was large enough.
    public var bandwidthPerConnection: Double?
    public var reset: Rate
    public var stall: Rate
    /// Stall lengths, seconds (at most 100, evenly spaced quantiles of those seen).
    public var stallLengths: [Double]
    /// Of the stalls, those the run's own timeout cut: their lengths are lower bounds.
    public var cutStalls: Int
    public var slowDown: Rate
    public var serverError: Rate
    public var refuse: Rate
    public var blackhole: Rate

    /// - Parameter mode: the run's mode: in `score` mode a path that every request crossed carried
    ///   Score's server calls too.
    public init(_ path: PathFaults, runId: Int64, mode: Mode) {
        self.runId = runId
        let waits = path.answerWaits
        roundTripFromConnects = waits.isEmpty
        roundTrip = waits.isEmpty ? path.connectMedian : waits.value(atRank: Int64(Double(waits.count - 1) * 0.1))
        carriesServerCalls = path.allRequests && mode == .score
        bandwidthPerConnection = path.transferRates.median
        reset = Rate(events: path.resets, exposure: path.mebibytes, unit: "MiB")
        // Stalls the soak's own timeout cut count at the length they reached (a lower bound), so the
        // replay does not lean toward the short ones; none is written longer than the proxy plays.
        let lengths = path.silences.stalls.merging(path.silences.censored)
        stall = Rate(events: Int(lengths.count), exposure: path.mebibytes, unit: "MiB")
        cutStalls = path.silences.censoredStalls
        let ranks: [Int64] = lengths.count <= 100 ? Array(0..<lengths.count) : (0..<100).map { Int64(Double($0) / 99 * Double(lengths.count - 1)) }
        stallLengths = ranks.compactMap { lengths.value(atRank: $0).map { min($0, 3600) } }
        slowDown = Rate(events: path.slowDowns, exposure: Double(path.attempts), unit: "requests")
        serverError = Rate(events: path.serverErrors, exposure: Double(path.attempts), unit: "requests")
        refuse = Rate(events: path.failures[.connectionRefused] ?? 0, exposure: Double(path.newConnections), unit: "connections")
        blackhole = Rate(events: path.failures[.connectTimeout] ?? 0, exposure: Double(path.newConnections), unit: "connections")
    }

    /// The profile to play, every fault rate times `stress` (at most 1): a harsher copy of the
    /// path for margin.
    public func profile(stress: Double = 1) -> NetworkProfile {
        var profile = NetworkProfile()
        profile.rttMilliseconds = min(3_600_000, ((roundTrip ?? 0) * 1000).rounded())
        profile.carriesServerCalls = carriesServerCalls
        profile.bandwidthPerConnection = bandwidthPerConnection.map { min(100e9, max(1000, $0.rounded())) }
        func stressed(_ rate: Rate) -> Double { min(1, rate.estimate * stress) }
        profile.faults.resetPerMiB = stressed(reset)
        profile.faults.stallPerMiB = stressed(stall)
        profile.faults.stallMilliseconds = stallLengths.isEmpty ? [30_000] : stallLengths.map { ($0 * 1000).rounded() }
        profile.faults.slowDownPerRequest = stressed(slowDown)
        profile.faults.errorPerRequest = stressed(serverError)
        profile.faults.refusePerConnection = stressed(refuse)
        profile.faults.blackholePerConnection = stressed(blackhole)
        return profile
    }

    /// The profile as the YAML a scenario's `networks:` entry (or `scoretune proxy --profile`) reads,
    /// each rate commented with what it rests on.
    public func yaml(stress: Double = 1) -> String {
        let profile = profile(stress: stress)
        func number(_ value: Double) -> String { value == 0 ? "0" : String(format: "%.6g", value) }
        func line(_ key: String, _ value: Double, _ rate: Rate) -> String {
            "  \(key): \(number(value))    # \(rate.events) in \(String(format: "%.0f", rate.exposure)) \(rate.unit); 95% interval \(number(rate.low))–\(number(rate.high))"
                + (stress == 1 ? "" : "; × \(number(stress))")
        }
        var lines = [
            "# scoretune network --from-run \(runId)\(stress == 1 ? "" : " --stress \(number(stress))"): the path as run \(runId) measured it",
            "rtt: \(Int(profile.rttMilliseconds))ms" + (roundTrip == nil ? "    # no wait measured: 0"
                : roundTripFromConnects ? "    # the median healthy connect (no GET was measured)" : "    # the 10th percentile of healthy GETs' wait for the first byte"),
        ]
        if carriesServerCalls { lines.append("server_calls: true    # Score's server calls crossed the measured path too") }
        if let bandwidth = profile.bandwidthPerConnection {
            lines.append("bandwidth_per_connection: \(Int(bandwidth))B/s    # the median healthy part transfer's rate")
        }
        lines += [
            "faults:",
            line("reset", profile.faults.resetPerMiB, reset),
            line("stall", profile.faults.stallPerMiB, stall),
            "  stall_for: [" + profile.faults.stallMilliseconds.map { "\(Int($0))ms" }.joined(separator: ", ") + "]"
                + (stallLengths.isEmpty ? "    # no stall seen: the proxy's default length"
                    : cutStalls > 0 ? "    # the stall lengths seen; \(cutStalls) cut by the run's own timeout, at the length they reached"
                    : "    # the stall lengths seen"),
            line("slowdown_503", profile.faults.slowDownPerRequest, slowDown),
            line("error_500", profile.faults.errorPerRequest, serverError),
            line("refuse", profile.faults.refusePerConnection, refuse),
            line("blackhole", profile.faults.blackholePerConnection, blackhole),
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
