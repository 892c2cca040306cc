import Foundation
import Model
import Results

/// The faults and waits a run measured on its path to the store: what retries and timeouts are
/// sized from (`RiskModel`) and what `scoretune network --from-run` writes as a profile to play.
///
/// It reads the requests that crossed the path: every request of the run's trials when the client
/// makes them all (multipart mode, or Score's server behind the same network), otherwise the part
/// transfers (PUTs and ranged GETs), which are the client's: Score's server sits beside its store,
/// and its ListParts checks and markers never cross the played network.
public struct PathFaults: Sendable {
    /// Attempts read.
    public var attempts: Int
    /// Distinct requests per object moved (retries not counted): what one object risks.
    public var requestsPerObject: Double
    /// Attempts that failed, by class (only the classes a path causes: no 4xx, no cancellation).
    public var failures: [ErrorClass: Int]
    /// Answers 503 and other 5xx among the attempts.
    public var slowDowns: Int
    public var serverErrors: Int
    /// Connections opened (attempts on a new connection), and connects that failed.
    public var newConnections: Int
    public var connectFailures: Int
    /// Healthy new connects, seconds, as measured (`connectTail` and `connectMedian` add the
    /// played round trip).
    public var connects: LogLinearHistogram
    /// The played network's round trip, seconds (0 for a real path).
    public var playedRoundTrip: Double
    /// Silences, stalls and fast failures per attempt, for sizing the timeouts.
    public var silences: RiskModel.Silences
    /// MiB moved both ways by the attempts read.
    public var mebibytes: Double
    /// Resets seen (connection-reset attempts).
    public var resets: Int
    /// Faults the run's proxy logged (0 on a real path).
    public var injected: Int
    /// Healthy GETs' wait for the first byte once sent, seconds: the round trip plus the store's time.
    public var answerWaits: LogLinearHistogram
    /// Per-connection rates of healthy part transfers, bytes per second.
    public var transferRates: LogLinearHistogram

    /// Every request of the trials was read (not only the part transfers): Score's server calls
    /// crossed the path too.
    public var allRequests: Bool
    /// Seconds per GiB of the run's successful measured transfers on this path: what redoing a
    /// failed object costs.
    public var objectSecondsPerGiB: Double

    /// The retry back-off, seconds: the first wait and the most any wait grows to (it doubles).
    public var backoff: (base: Double, max: Double)

    /// The client saw something a retry or a timeout is for: a failed attempt or a stall. (The
    /// proxy's own log does not count: an operator's real path has none.)
    public var sawFaults: Bool { !failures.isEmpty || !silences.stalls.isEmpty || silences.censoredStalls > 0 }

    /// A stall is a silence over five times its operation's median silence, and at least half a second.
    public static let stallFactor = 5.0
    public static let stallMinimum = 0.5

    /// The path of one network's cells (nil: straight to the store): the played profile, when the
    /// run played one, says its round trip and whether Score's server calls crossed it too.
    public static func of(_ analysis: RunAnalysis, network: String?, options: RecommendOptions) -> PathFaults {
        let profile = network.flatMap { options.playedNetworks[$0] }
        return PathFaults(analysis.restricted(toNetwork: network), playedRoundTrip: (profile?.rttMilliseconds ?? 0) / 1000,
                          allRequests: analysis.run.mode == .multipart || profile == nil || profile!.carriesServerCalls,
                          backoffSeconds: Double(options.backoffBaseMilliseconds) / 1000, backoffMaxSeconds: Double(options.backoffMaxMilliseconds) / 1000)
    }

    /// - Parameters:
    ///   - playedRoundTrip: the played network's RTT in seconds (0 for a real path).
    ///   - allRequests: whether every request crossed the path, not only the part transfers.
    ///   - backoffSeconds: the back-off a retry pays first; `backoffMaxSeconds` the most it grows to.
    public init(_ analysis: RunAnalysis, playedRoundTrip: Double, allRequests: Bool, backoffSeconds: Double, backoffMaxSeconds: Double = 5) {
        backoff = (backoffSeconds, max(backoffSeconds, backoffMaxSeconds))
        let read = analysis.requests.filter { $0.crossesPath(partTransfersOnly: !allRequests) }
        let all = read.total
        let failures = all.failures.filter { $0.key != .cancelled && $0.key != .clientError }.mapValues { Int($0) }
        attempts = Int(all.pathAttempts)
        self.allRequests = allRequests
        self.playedRoundTrip = playedRoundTrip
        let moved = analysis.trialTotals.sum { !$0.warmup }
        let gib = Double(moved.succeededBytes) / Double(1 << 30)
        objectSecondsPerGiB = gib > 0 ? moved.succeededSeconds / gib : 0
        injected = analysis.faults.count
        // Distinct requests are their first tries; the objects, the trials that sent them.
        let objects = analysis.trialTotals.all.trials
        requestsPerObject = objects == 0 ? 0 : Double(all.firstTries) / Double(objects)
        self.failures = failures
        slowDowns = Int(all.slowDowns)
        serverErrors = Int(all.serverErrors)
        resets = failures[.connectionReset] ?? 0
        newConnections = Int(all.newConnections)
        connectFailures = (failures[.connectTimeout] ?? 0) + (failures[.connectionRefused] ?? 0)
        connects = all.healthyConnect
        mebibytes = Double(all.bytes) / Double(1 << 20)
        answerWaits = all.answerWait
        transferRates = all.transferRate

        // Each attempt counts once: a failure by what ended it, a success by its silence, which
        // is a stall from five times its operation's median silence (and half a second) up.
        var healthy = LogLinearHistogram(), stalls = LogLinearHistogram()
        for digest in read.summed(by: \.operation).values {
            let threshold = max(Self.stallMinimum, Self.stallFactor * (digest.healthySilence.median ?? 0))
            let (quiet, stalled) = digest.healthySilence.split(at: threshold)
            healthy.merge(quiet)
            stalls.merge(stalled)
        }
        let cut = (failures[.stallTimeout] ?? 0) + (failures[.totalTimeout] ?? 0)
        let blackHoles = failures[.connectTimeout] ?? 0
        let fast = failures.values.reduce(0, +) - cut - blackHoles
        silences = RiskModel.Silences(healthy: healthy, stalls: stalls, censored: all.cutSilence, attempts: attempts,
                                      fastFailures: fast, connectTimeouts: blackHoles, attemptSeconds: all.healthyTotal.median ?? 0,
                                      backoffSeconds: backoffSeconds)
    }

    /// The slowest healthy connect (the 99.9th percentile from 1,000 on) and the median, with the
    /// played round trip added (the proxy answers the handshake on this machine: the played
    /// path's own handshake is one RTT more).
    public var connectTail: Double? { RiskModel.tail(of: connects).map { $0 + playedRoundTrip } }
    public var connectMedian: Double? { connects.median.map { $0 + playedRoundTrip } }
}
