import Foundation
import Model
import Results
import ScoreConfig

/// The connect and data timeouts from the path's measured waits and stalls, and the read timeout
/// Score's finalize of the largest named object needs.
extension PathAdvice {
    /// The slowest healthy connect (the played round trip included), plus room for two lost SYNs;
    /// kept when no new connection was timed.
    static func connectAdvice(_ path: PathFaults, current: Current) -> Advice {
        guard let tail = path.connectTail else {
            return Advice(value: current.connectMilliseconds, evidence: "kept from \(current.source): the run opened no new connection to time",
                          basis: .kept, why: "no connect was timed")
        }
        let seconds = RiskModel.wholeSeconds(tail + RiskModel.synRetransmissionSeconds)
        let failed = path.connectFailures
        return Advice(
            value: seconds * 1000,
            evidence: String(format: "the slowest healthy connect %.1f ms over %d new connections", tail * 1000, Int(path.connects.count))
                + (path.playedRoundTrip > 0 ? String(format: " (the played round trip of %.0f ms added: the proxy answers the handshake on this machine)", path.playedRoundTrip * 1000) : "")
                + "; +\(Int(RiskModel.synRetransmissionSeconds)) s so a connect that loses two SYNs (Linux retransmits after 1 s and 3 s) still succeeds"
                + (failed > 0 ? "; \(failed) connects failed, and a shorter timeout gives up on a black hole sooner" : ""),
            basis: .modelled, why: "sized from the path's measured connect times")
    }

    /// The data timeout (seconds) with the least time lost per attempt, from twice the healthy tail
    /// up (`RiskModel.Silences.bestTimeout`); kept when no stall was seen, since without one the
    /// model has nothing to weigh a shorter timeout against.
    static func dataTimeoutAdvice(_ path: PathFaults, current: Current) -> Advice {
        let silences = path.silences
        guard !silences.stalls.isEmpty || silences.censoredStalls > 0 else {
            return Advice(value: current.readSeconds,
                          evidence: "score-client's default, kept: no stall was seen (the failures were fast ones), so nothing sizes a shorter or longer timeout",
                          basis: .kept, why: "no stall was seen")
        }
        let timeout = silences.bestTimeout(ceiling: RiskModel.longestTimeoutSeconds)
        let lengths = silences.stalls
        var evidence = String(format: "the healthy wait's tail %.3f s over %d attempts (twice it, at least 1 s, is the floor)", silences.healthyTail, Int(silences.healthy.count))
        evidence += lengths.isEmpty ? "" : "; \(lengths.count) stalls seen whole"
            + (lengths.median.map { String(format: " (median %.1f s, longest %.1f s)", $0, lengths.max) } ?? "")
        evidence += silences.censoredStalls > 0 ? "; \(silences.censoredStalls) cut by the run's own timeout (read as longer)" : ""
        evidence += "; \(RiskModel.wholeSeconds(timeout)) s loses the least time per attempt once retries are paid (\(RiskModel.format(silences.lostPerAttempt(at: timeout))) s)"
        return Advice(value: RiskModel.wholeSeconds(timeout), evidence: evidence, basis: .modelled,
                      why: "sized from the path's measured waits and stall lengths")
    }
}

extension Recommendation {
    /// The read timeout the run's own finalize waits need (twice the longest plus 10 s), or nil
    /// when it finalized nothing.
    static func measuredFinalizeAdvice(_ analysis: RunAnalysis) -> Advice? {
        let all = analysis.trialTotals.all
        guard let longest = all.longestFinalizeWait else { return nil }
        let count = all.finalizeWaits
        return Advice(value: RiskModel.outlasting(longest),
                      evidence: String(format: "the longest of the %d finalize waits this run measured took %.1f s (Score's server completes the upload and deletes its state, one request after another, before it answers); twice that plus 10 s, or score-client gives up on a finished upload (Score issues #120, #338)", count, longest),
                      basis: .modelled, why: "sized from the run's measured finalize waits")
    }

    /// Score's finalize for the object sizes the operator names, from the run's fit: one note per
    /// size, and the read timeout that outlasts the longest with a margin of two (nil without a fit).
    static func finalizeAdvice(_ analysis: RunAnalysis, uploadPartSize: Int64, sizes: [Int64])
        -> (notes: [String], readTimeout: Int?, evidence: String) {
        let fit: FinalizeFit
        do { fit = try FinalizeFit.fit(analysis) } catch {
            return (["finalize for \(sizes.map(Units.formatSize).joined(separator: ", ")) cannot be predicted: \(error)"], nil, "")
        }
        let calculator = PartCalculator(uploadPartSize: uploadPartSize)
        var notes: [String] = []
        var longest = 0.0
        for size in sizes {
            let parts = calculator.partCount(objectSize: size)
            let seconds = fit.seconds(parts: parts)
            longest = max(longest, seconds)
            notes.append(String(format: "finalize of a %@ object (%lld parts of %@): predicted %.2f s%@", Units.formatSize(size), parts,
                                Units.formatSize(calculator.partSize(forObjectOfSize: size)), seconds,
                                parts > Int64(fit.measuredUpTo) ? " (extrapolated beyond the \(fit.measuredUpTo) parts measured)" : ""))
        }
        notes.append(fit.description)
        // The longest measured finalize must be outlasted too, whatever the sizes named.
        let measured = analysis.trialTotals.all.longestFinalizeWait ?? 0
        longest = max(longest, measured)
        let timeout = RiskModel.outlasting(longest)
        return (notes, timeout, String(format: "Score's finalize of the largest named object is predicted at %.2f s (the longest measured: %.2f s; see the notes); twice that plus 10 s, or score-client gives up on a finished upload (Score issues #120, #338)", longest, measured))
    }
}
