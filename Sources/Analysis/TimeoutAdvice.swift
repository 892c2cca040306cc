import Foundation
import Model
import Results
import ScoreConfig

/// The connect and data timeouts from the path's measured waits and stalls, and the read timeout
/// Score's finalize of the largest named object needs.
extension PathAdvice {
    /// The slowest healthy connect (the played round trip included), plus room for two lost SYNs.
    static func connectAdvice(_ path: PathFaults) -> Advice {
        let sorted = path.connects.sorted()
        let tail = sorted.isEmpty ? path.playedRoundTrip
            : sorted.count >= 1000 ? sorted[Int((Double(sorted.count) * 0.999).rounded(.up)) - 1] : sorted.last!
        let seconds = max(1, Int((tail + RiskModel.synRetransmissions).rounded(.up)))
        let failed = path.connectFailures
        return Advice(
            value: seconds * 1000,
            evidence: String(format: "the slowest healthy connect %.1f ms over %d new connections", tail * 1000, sorted.count)
                + (path.playedRoundTrip > 0 ? String(format: " (the played round trip of %.0f ms added: the proxy answers the handshake on this machine)", path.playedRoundTrip * 1000) : "")
                + "; +3 s so a connect that loses two SYNs (Linux retransmits after 1 s and 3 s) still succeeds"
                + (failed > 0 ? "; \(failed) connects failed, and a shorter timeout gives up on a black hole sooner" : ""),
            basis: .modelled, why: "sized from the path's measured connect times")
    }

    /// The timeout with the least time lost per attempt, from twice the healthy tail up (`RiskModel.Silences.bestTimeout`).
    static func stallAdvice(_ path: PathFaults, timeout: Double) -> Advice {
        let silences = path.silences
        let lengths = silences.stalls
        let median = Percentile.median(lengths)
        var evidence = String(format: "the healthy wait's tail %.3f s over %d attempts (twice it, at least 1 s, is the floor)", silences.healthyTail, silences.healthy.count)
        evidence += lengths.isEmpty && silences.censoredStalls == 0 ? "; no stall seen"
            : "; \(lengths.count) stalls seen whole" + (median.map { String(format: " (median %.1f s, longest %.1f s)", $0, lengths.last!) } ?? "")
            + (silences.censoredStalls > 0 ? ", \(silences.censoredStalls) cut by the run's own timeout (read as longer)" : "")
        evidence += String(format: "; %.0f s loses the least time per attempt once retries are paid (%.3g s)", timeout, silences.lostPerAttempt(at: timeout))
        return Advice(value: Int(timeout * 1000), evidence: evidence, basis: .modelled,
                      why: "sized from the path's measured waits and stall lengths")
    }
}

extension Recommendation {
    /// The read timeout the run's own finalize waits need (twice the longest plus 10 s), or nil
    /// when it finalized nothing.
    static func measuredFinalizeAdvice(_ analysis: RunAnalysis) -> Advice? {
        guard let longest = analysis.trials.compactMap(\.finalizeWait).max() else { return nil }
        let count = analysis.trials.filter { $0.finalizeWait != nil }.count
        return Advice(value: Int(((2 * longest * 1000).rounded() / 1000).rounded(.up)) + 10,
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
            notes.append(String(format: "finalize of a %@ object (%lld parts of %@): predicted %.1f s%@", Units.formatSize(size), parts,
                                Units.formatSize(calculator.partSize(forObjectOfSize: size)), seconds,
                                parts > Int64(fit.measuredUpTo) ? " (extrapolated beyond the \(fit.measuredUpTo) parts measured)" : ""))
        }
        notes.append(fit.description)
        // The longest measured finalize must be outlasted too, whatever the sizes named.
        let measured = analysis.trials.compactMap(\.finalizeWait).max() ?? 0
        longest = max(longest, measured)
        // Whole seconds above twice the prediction (to the millisecond: a fit's rounding error is no reason for one more second).
        let timeout = Int(((2 * longest * 1000).rounded() / 1000).rounded(.up)) + 10
        return (notes, timeout, String(format: "Score's finalize of the largest named object is predicted at %.1f s (the longest measured: %.1f s; see the notes); twice that plus 10 s, or score-client gives up on a finished upload (Score issues #120, #338)", longest, measured))
    }
}
