import Foundation
import Model
import Results
import ScoreConfig

/// UPLOAD_RETRY_LIMIT (and score-client's storage.retryNumber): the smallest limit that meets the
/// stated risk at the upper bound of the path's measured failure rate, with the timeout in force.
extension Recommendation {
    static func retryAdvice(_ path: PathFaults, current: PathAdvice.Current, risk: Double, timeout: Double) -> Advice {
        let failed = path.silences.failures(at: timeout)
        let requests = path.requestsPerObject
        let seen = path.failures.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", ")
        let stalls = path.silences.stalls
        let stallText: String? = stalls.isEmpty ? nil : "\(stalls.count) stalls of \(RiskModel.format(stalls.min))–\(RiskModel.format(stalls.max)) s"
        let over = "\(failed) of \(path.attempts) attempts over the path would fail with a \(RiskModel.wholeSeconds(timeout)) s timeout"
            + " (seen: " + [seen.isEmpty ? nil : seen, stallText].compactMap { $0 }.joined(separator: "; ") + ")"
        guard failed > 0 else {
            return Advice(value: current.retryLimit, evidence: "kept from \(current.source): " + over
                          + "; with no failure there is nothing to size a retry limit from", basis: .kept, why: "no attempt failed at this timeout")
        }
        let bound = RiskModel.upperBound(failures: failed, of: path.attempts)
        guard let limit = RiskModel.smallestLimit(perAttempt: bound, requests: requests, risk: risk) else {
            return Advice(value: current.retryLimit, evidence: "kept from \(current.source): " + over
                          + String(format: "; at the %@ upper bound of %@ per attempt no limit up to %d meets the stated risk: the path is broken, not flaky", RiskModel.confidenceText, RiskModel.format(bound), RiskModel.retryCeiling),
                          basis: .kept, why: "no retry limit meets the risk on this path")
        }
        let evidence = over
            + "; the \(RiskModel.confidenceText) upper bound on the per-attempt failure rate is \(RiskModel.format(bound)) (Clopper–Pearson)"
            + String(format: "; with %.1f requests per object, ", requests)
            + "\(limit) retr\(limit == 1 ? "y" : "ies") leave at most \(RiskModel.format(RiskModel.objectFailure(perAttempt: bound, requests: requests, limit: limit) * 1e5)) failed objects per 10^5"
            + " (the stated risk: \(RiskModel.format(risk * 1e5)))"
        return Advice(value: limit, evidence: evidence, basis: .modelled, why: "sized from the path's measured failure rate against the stated risk")
    }
}
