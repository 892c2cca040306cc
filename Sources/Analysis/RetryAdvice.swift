import Foundation
import Model
import Results
import ScoreConfig

/// UPLOAD_RETRY_LIMIT (and score-client's storage.retryNumber): the smallest limit that meets the
/// stated risk at the upper bound of the path's measured failure rate, or the file's when the run
/// saw no fault.
extension Recommendation {
    static func retryAdvice(_ path: PathFaults, model: PathAdvice.Inputs) -> Advice {
        let failed = path.silences.failures(at: model.readTimeout)
        let bound = RiskModel.upperBound(failures: failed, of: path.attempts)
        let requests = path.requestsPerObject
        let classes = path.failures.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", ")
        let limit = RiskModel.smallestLimit(perAttempt: bound, requests: requests, risk: model.risk)
        let value = limit ?? RiskModel.retryCeiling
        var evidence = "\(failed) of \(path.attempts) attempts over the path would fail at the recommended timeouts"
            + (classes.isEmpty ? "" : " (seen: \(classes); \(path.silences.stalls.count) stalls waited out)")
            + String(format: "; the 95%% upper bound on the per-attempt failure rate is %.3g (Clopper–Pearson", bound)
            + (failed == 0 ? ", the rule of three)" : ")")
            + String(format: "; with %.1f requests per object, ", requests)
        if let limit {
            evidence += "\(limit) retr\(limit == 1 ? "y" : "ies") leave at most \(RiskModel.format(RiskModel.objectFailure(perAttempt: bound, requests: requests, limit: limit) * 1e5)) failed objects per 10^5 (the stated risk: \(RiskModel.format(model.risk * 1e5)))"
        } else {
            evidence += "no limit up to \(RiskModel.retryCeiling) meets the stated risk: the path is broken, not flaky"
        }
        return Advice(value: value, evidence: evidence, basis: .modelled,
                      why: "sized from the path's measured failure rate against the stated risk")
    }
}
