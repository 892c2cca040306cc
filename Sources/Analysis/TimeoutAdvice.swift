import Foundation
import Model
import Results
import ScoreConfig

/// The connect and read timeouts from the run's evidence (or kept), and the read timeout Score's
/// finalize of the largest named object needs.
extension Recommendation {
    static func keptConnect(_ current: RecommendOptions.CurrentSettings?, _ loopback: LoopbackEvidence) -> Advice {
        if let value = current?.connectTimeoutMilliseconds { return Advice(value: value, evidence: "kept from \(current!.source): \(loopback.description)") }
        return Advice(value: ScoreVariable.defaultConnectTimeoutMilliseconds, evidence: "Score's default, kept: \(loopback.description)")
    }

    /// Ten times the slowest healthy connect, at least 5 s, in whole seconds.
    static func connectAdvice(_ analysis: RunAnalysis) -> Advice {
        let connects = analysis.healthyNewConnects
        let slowest = connects.max() ?? 0
        let milliseconds = max(5_000, Int((slowest * 10).rounded(.up)) * 1000)
        let timeouts = analysis.attempts.filter { $0.errorClass == .connectTimeout }.count
        return Advice(value: milliseconds, evidence: "slowest healthy connect \(String(format: "%.1f", slowest * 1000)) ms over \(connects.count) new connections; 10× that, at least 5 s"
            + (timeouts > 0 ? "; \(timeouts) connect timeouts were seen" : ""))
    }

    /// Four times the longest silence of a healthy request, at least 10 s.
    static func readAdvice(_ analysis: RunAnalysis) -> Advice {
        // A GET's silence is its time to first byte; a request without a payload waits its whole time.
        let healthy = analysis.attempts.filter { $0.errorClass == nil }
        let gets = healthy.filter { $0.method == .get && $0.phase == .parts }.map(\.firstByte)
        let calls = healthy.filter { !$0.operation.isPartUpload && !($0.method == .get && $0.phase == .parts) }.map(\.total)
        let longest = (gets + calls).max() ?? 0
        let seconds = max(10, Int((longest * 4).rounded(.up)))
        let stalls = analysis.attempts.filter { $0.errorClass == .stallTimeout }.count
        let injected = analysis.faults.filter { $0.kind == .stall }.count
        return Advice(value: seconds, evidence: "longest healthy wait for an answer \(String(format: "%.3f", longest)) s (first byte of a ranged GET, or a whole server call); 4× that, at least 10 s, cuts stalls sooner than the default 60 s"
            + (stalls > 0 ? "; \(stalls) stall timeouts were seen" : "")
            + (injected > 0 ? "; the proxy injected \(injected) stalls, which a timeout this short cuts instead of waiting them out" : ""))
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
        // Whole seconds above twice the prediction (to the millisecond: a fit's rounding error is no reason for one more second).
        let timeout = Int(((2 * longest * 1000).rounded() / 1000).rounded(.up)) + 10
        return (notes, timeout, String(format: "Score's finalize of the largest named object is predicted at %.1f s (see the notes); twice that plus 10 s, or score-client gives up on a finished upload (Score issues #120, #338)", longest))
    }
}
