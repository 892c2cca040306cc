import Foundation
import Model
import Results
import ScoreConfig

/// UPLOAD_RETRY_LIMIT from the run's evidence, or kept from the operator's file when the run
/// cannot size it.
extension Recommendation {
    static func keptRetry(_ current: RecommendOptions.CurrentSettings?, _ loopback: LoopbackEvidence) -> Advice {
        if let value = current?.retryLimit { return Advice(value: value, evidence: "kept from \(current!.source): \(loopback.description), so no retry limit can be sized from it") }
        return Advice(value: ScoreVariable.defaultRetryLimit, evidence: "Score's default, kept: \(loopback.description), so no retry limit can be sized from it")
    }

    /// Smallest limit that turned every observed failure into a success, plus a margin of 2; when
    /// the run injected faults, also the smallest limit that leaves under one failed part per 10^5
    /// at the failure rate part transfers showed, with what each tried limit did.
    static func retryAdvice(_ analysis: RunAnalysis) -> Advice {
        // A request is (trial, operation, part); its retries are its highest attempt number − 1.
        var highest: [String: (attempt: Int, succeeded: Bool)] = [:]
        for a in analysis.attempts {
            guard let trial = a.trialId else { continue }
            let key = "\(trial)|\(a.operation.rawValue)|\(a.partNumber ?? 0)|\(a.key ?? "")"
            let previous = highest[key]
            highest[key] = (max(previous?.attempt ?? 0, a.attempt), (previous?.succeeded ?? false) || a.errorClass == nil)
        }
        let recovered = highest.values.filter(\.succeeded).map { $0.attempt - 1 }
        let needed = recovered.max() ?? 0
        let failedAttempts = analysis.attempts.filter { $0.errorClass != nil }
        let classes = Dictionary(grouping: failedAttempts, by: { $0.errorClass! }).map { "\($0.key.rawValue) \($0.value.count)" }.sorted()
        let unrecovered = analysis.trials.filter { !$0.warmup && !$0.succeeded }.count
        var value = needed + 2
        var evidence = failedAttempts.isEmpty
            ? "no request failed in this run (\(analysis.attempts.count) attempts), so 0 retries sufficed; +2 margin because rare faults go unseen in a short run"
            : "\(failedAttempts.count) failed attempts (\(classes.joined(separator: ", "))); the worst request that recovered needed \(needed) retr\(needed == 1 ? "y" : "ies"); +2 margin because rare faults are under-sampled"
        if unrecovered > 0 {
            evidence += "; \(unrecovered) measured trial(s) failed outright in cells with smaller limits or non-retryable errors"
        }
        if !analysis.faults.isEmpty {
            // q: the share of part transfers (PUT or ranged GET) that failed, whatever the cell.
            let parts = analysis.attempts.filter { $0.phase == .parts && $0.operation.isPartTransfer }
            let q = parts.isEmpty ? 0 : Double(parts.filter { $0.errorClass != nil }.count) / Double(parts.count)
            let kinds = Dictionary(grouping: analysis.faults, by: \.kind).map { "\($0.value.count) \($0.key.rawValue)" }.sorted()
            evidence += "; the proxy injected \(kinds.joined(separator: ", ")), and \(String(format: "%.1f", q * 100))% of \(parts.count) part transfers failed"
            if q > 0 && q < 1 {
                let model = (0...50).first { pow(q, Double($0 + 1)) * 1e5 < 1 } ?? 50
                evidence += String(format: ": at that rate a limit of %d leaves an expected %.2g failed parts per 10^5", model, pow(q, Double(model + 1)) * 1e5)
                value = max(value, model)
            }
            var byLimit: [Int: (failed: Int, trials: Int)] = [:]
            for stats in analysis.cells {
                let entry = byLimit[stats.cell.knobs.retryLimit] ?? (0, 0)
                byLimit[stats.cell.knobs.retryLimit] = (entry.failed + stats.failedTrials, entry.trials + stats.trials)
            }
            if byLimit.count > 1 {
                evidence += "; in this run " + byLimit.keys.sorted().map { "limit \($0) gave \(byLimit[$0]!.failed) failed of \(byLimit[$0]!.trials) trials" }.joined(separator: ", ")
            }
        }
        return Advice(value: value, evidence: evidence)
    }
}
