import Foundation
import Model
import Results
import ScoreConfig

/// The retry limit and the timeouts, answered from the path's measured faults (`PathFaults`), or
/// kept from the operator's file when the run is no evidence about them: a loopback store, or a
/// path on which no request failed or stalled (a fault-free minute says nothing of the fault that
/// comes once a day). Each value is decided on its own evidence too: a connect timeout needs
/// timed connects, a data timeout needs stalls, a retry limit needs failures.
///
/// The retry limit and the costs depend on the timeout in force (a shorter one fails more
/// attempts), which for Score is score-client's one read timeout, decided after finalize is
/// weighed: so the limit is sized by `retry(at:)` once that timeout is known.
struct PathAdvice: Sendable {
    var path: PathFaults
    var current: Current
    /// Why every value was kept, when they all were.
    var kept: Kept?
    /// UPLOAD_CONNECTION_TIMEOUT, ms.
    var connect: Advice
    /// How long a data request may move no byte, seconds: the least time lost per attempt.
    var dataTimeout: Advice
    /// The stated risk: failed objects per object.
    var risk: Double
    /// Parts in flight per object in the chosen cell: time lost by one request is lost by one of
    /// that many lanes, so wall time per GiB is request time ÷ this.
    var parallel: Int

    enum Kept: Sendable, Equatable {
        case loopback(LoopbackEvidence)
        case faultFree(attempts: Int, played: Bool)
    }

    /// The operator's values: the file's retry limit and connect timeout (Score's defaults when it
    /// sets none), score-client's 60 s read timeout (no `.env.score` variable sets it).
    struct Current {
        var source: String
        var retryLimit: Int
        var connectMilliseconds: Int
        var readSeconds: Int

        init(_ settings: RecommendOptions.CurrentSettings?) {
            source = settings?.source ?? "Score's defaults"
            retryLimit = settings?.retryLimit ?? ScoreVariable.defaultRetryLimit
            connectMilliseconds = settings?.connectTimeoutMilliseconds ?? ScoreVariable.defaultConnectTimeoutMilliseconds
            readSeconds = RecommendOptions.CurrentSettings.scoreClientReadTimeoutSeconds
        }
    }

    static let noEvidence = "no evidence covers it"

    static func make(_ analysis: RunAnalysis, chosen: CellStatistics, options: RecommendOptions) -> PathAdvice {
        let current = Current(options.current)
        let network = chosen.cell.knobs.network
        let played = network.flatMap { options.playedNetworks[$0] } != nil
        let path = PathFaults.of(analysis, network: network, options: options)
        let reason: String
        let why: Kept
        if let loopback = LoopbackEvidence(analysis) {
            (reason, why) = (loopback.description, .loopback(loopback))
        } else if !path.sawFaults {
            reason = "no attempt failed or stalled in \(path.attempts) attempts over \(played ? "the played network '\(network!)'" : "this path")"
                + (path.attempts > 0 ? " (a \(RiskModel.confidenceText) upper bound of \(RiskModel.format(RiskModel.upperBound(failures: 0, of: path.attempts))) per attempt, the rule of three)" : "")
                + ": a fault-free run is no evidence about retries or timeouts"
            why = .faultFree(attempts: path.attempts, played: played)
        } else {
            return PathAdvice(path: path, current: current, kept: nil, connect: connectAdvice(path, current: current),
                              dataTimeout: dataTimeoutAdvice(path, current: current), risk: options.risk, parallel: chosen.cell.knobs.parallel)
        }
        let from = "kept from \(current.source): \(reason)"
        return PathAdvice(path: path, current: current, kept: why,
                          connect: Advice(value: current.connectMilliseconds, evidence: from, basis: .kept, why: noEvidence),
                          dataTimeout: Advice(value: current.readSeconds, evidence: "score-client's default, kept: \(reason)", basis: .kept, why: noEvidence),
                          risk: options.risk, parallel: chosen.cell.knobs.parallel)
    }

    /// The retry limit with `timeout` (seconds) in force.
    func retry(at timeout: Double) -> Advice {
        guard kept == nil else {
            let reason = connect.evidence  // the same "kept from …: why" sentence
            return Advice(value: current.retryLimit, evidence: reason + ", so no retry limit can be sized from it", basis: .kept, why: Self.noEvidence)
        }
        return Recommendation.retryAdvice(path, current: current, risk: risk, timeout: timeout)
    }

    /// The path's cost at the recommended values and at the file's (nil when they were all kept).
    func comparison(retryLimit: Int, timeout: Double) -> RiskComparison? {
        guard kept == nil else { return nil }
        return RiskComparison(
            recommended: Self.figures(path, retryLimit: retryLimit, timeout: timeout, connectSeconds: Double(connect.value) / 1000, parallel: parallel),
            current: Self.figures(path, retryLimit: current.retryLimit, timeout: Double(current.readSeconds),
                                  connectSeconds: Double(current.connectMilliseconds) / 1000, parallel: parallel))
    }

    /// The path's cost at one setting: wall seconds per GiB lost (attempts per GiB × seconds lost
    /// per attempt and the back-off's growth on later retries, shared among the `parallel` parts in
    /// flight; and re-running until they succeed the objects expected to fail at the measured
    /// rate) and failed objects per 10^5 at the upper bound of the failure rate.
    static func figures(_ path: PathFaults, retryLimit: Int, timeout: Double, connectSeconds: Double, parallel: Int) -> RiskFigures {
        let gib = path.mebibytes / 1024
        let attemptsPerGiB = gib > 0 ? Double(path.attempts) / gib : 0
        let lost = path.silences.lostPerAttempt(at: timeout, connectTimeout: connectSeconds)
        let failed = path.silences.failures(at: timeout)
        let rate = path.attempts > 0 ? Double(failed) / Double(path.attempts) : 0
        // The k-th retry waits min(base·2^(k−1), max), and happens with probability rate^k; the
        // per-attempt figure already paid the base once per failure.
        var growth = 0.0
        if retryLimit >= 2 {
            for k in 2...min(retryLimit, RiskModel.retryCeiling) {
                growth += pow(rate, Double(k)) * (min(path.backoff.base * pow(2, Double(k - 1)), path.backoff.max) - path.backoff.base)
            }
        }
        let requestsPerGiB = path.requestsPerObject > 0 && gib > 0 ? attemptsPerGiB * (1 - rate) : 0
        let objectFails = RiskModel.objectFailure(perAttempt: rate, requests: path.requestsPerObject, limit: retryLimit)
        let redo = objectFails < 1 ? objectFails / (1 - objectFails) * path.objectSecondsPerGiB : RiskModel.longestTimeoutSeconds
        let bound = RiskModel.upperBound(failures: failed, of: path.attempts)
        return RiskFigures(secondsPerGiB: (attemptsPerGiB * lost + requestsPerGiB * growth) / Double(max(1, parallel)) + redo,
                           failedPer100k: 1e5 * RiskModel.objectFailure(perAttempt: bound, requests: path.requestsPerObject, limit: retryLimit))
    }
}
