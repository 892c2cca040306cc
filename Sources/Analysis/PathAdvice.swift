import Foundation
import Model
import Results
import ScoreConfig

/// The retry limit and the timeouts, answered together from the path's measured faults
/// (`PathFaults`), or all kept from the operator's file when the run is no evidence about them: a
/// loopback store, or a path that showed no fault (a fault-free minute says nothing of the fault
/// that comes once a day).
struct PathAdvice: Sendable {
    var retry: Advice
    /// UPLOAD_CONNECTION_TIMEOUT, ms.
    var connect: Advice
    /// How long a data request may move no byte (a plain client's idle timeout), ms.
    var stall: Advice
    /// score-client's client.readTimeoutSeconds: its one read timeout, for parts and for the
    /// server's finalize alike.
    var read: Advice
    /// Why they were kept, when they were.
    var kept: Kept?
    /// The path's cost at the recommended values and at the file's (nil when kept).
    var risk: RiskComparison?

    enum Kept: Sendable, Equatable {
        case loopback(LoopbackEvidence)
        case faultFree(attempts: Int, played: Bool)
    }

    /// What the model sizes against.
    struct Inputs {
        var risk: Double
        /// The data requests' read timeout the figures are computed at, seconds.
        var readTimeout: Double
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

    static func make(_ analysis: RunAnalysis, chosen: CellStatistics, options: RecommendOptions) -> PathAdvice {
        let current = Current(options.current)
        let network = chosen.cell.knobs.network
        let profile = network.flatMap { options.playedNetworks[$0] }
        let path = PathFaults.of(analysis, network: network, options: options)
        if let loopback = LoopbackEvidence(analysis) {
            return kept(.loopback(loopback), current: current, cell: chosen.cell.knobs, reason: loopback.description)
        }
        guard path.sawFaults else {
            let played = profile != nil
            let reason = "no attempt failed or stalled in \(path.attempts) attempts over \(played ? "the played network '\(network!)'" : "this path")"
                + (path.attempts > 0 ? String(format: " (a 95%% upper bound of %.2g per attempt, the rule of three)", RiskModel.upperBound(failures: 0, of: path.attempts)) : "")
                + ": a fault-free run is no evidence about retries or timeouts"
            return kept(.faultFree(attempts: path.attempts, played: played), current: current, cell: chosen.cell.knobs, reason: reason)
        }
        return modelled(path, current: current, analysis: analysis, options: options)
    }

    /// Every value the file's (or the defaults'), each saying why.
    static func kept(_ why: Kept, current: Current, cell: Knobs, reason: String) -> PathAdvice {
        let from = "kept from \(current.source): \(reason)"
        let basis = "no evidence covers it"
        return PathAdvice(
            retry: Advice(value: current.retryLimit, evidence: from + ", so no retry limit can be sized from it", basis: .kept, why: basis),
            connect: Advice(value: current.connectMilliseconds, evidence: from, basis: .kept, why: basis),
            stall: Advice(value: Int(clamping: cell.stallTimeoutMilliseconds), evidence: "the cell's stall timeout, kept: \(reason)", basis: .kept, why: basis),
            read: Advice(value: current.readSeconds, evidence: "score-client's default, kept: \(reason)", basis: .kept, why: basis),
            kept: why, risk: nil)
    }

    static func modelled(_ path: PathFaults, current: Current, analysis: RunAnalysis, options: RecommendOptions) -> PathAdvice {
        let silences = path.silences
        // The data requests' timeout: the least time lost per attempt, never under twice the
        // healthy tail; considered up to an hour.
        let timeout = silences.bestTimeout(ceiling: 3600)
        let connect = connectAdvice(path)
        let retry = Recommendation.retryAdvice(path, model: Inputs(risk: options.risk, readTimeout: timeout))
        let stall = stallAdvice(path, timeout: timeout)

        let recommended = figures(path, retryLimit: retry.value, readTimeout: timeout, connectSeconds: Double(connect.value) / 1000)
        let file = figures(path, retryLimit: current.retryLimit, readTimeout: Double(current.readSeconds),
                           connectSeconds: Double(current.connectMilliseconds) / 1000)
        let risk = RiskComparison(recommended: recommended, current: file)
        var read = stall
        read.value = max(1, Int((Double(stall.value) / 1000).rounded(.up)))
        read.evidence = "the data requests' timeout below, in seconds: " + stall.evidence
        func priced(_ advice: Advice) -> Advice {
            var advice = advice
            advice.risk = risk
            return advice
        }
        return PathAdvice(retry: priced(retry), connect: priced(connect), stall: priced(stall), read: priced(read), kept: nil, risk: risk)
    }

    /// The path's cost at one setting: seconds per GiB (attempts per GiB × seconds lost per
    /// attempt) and failed objects per 10^5 at the upper bound of the failure rate.
    static func figures(_ path: PathFaults, retryLimit: Int, readTimeout: Double, connectSeconds: Double) -> RiskFigures {
        let gib = path.mebibytes / 1024
        let attemptsPerGiB = gib > 0 ? Double(path.attempts) / gib : 0
        let lost = path.silences.lostPerAttempt(at: readTimeout, connectTimeout: connectSeconds)
        let bound = RiskModel.upperBound(failures: path.silences.failures(at: readTimeout), of: path.attempts)
        return RiskFigures(secondsPerGiB: attemptsPerGiB * lost,
                           failedPer100k: 1e5 * RiskModel.objectFailure(perAttempt: bound, requests: path.requestsPerObject, limit: retryLimit))
    }
}
