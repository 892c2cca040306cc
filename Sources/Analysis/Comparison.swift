import Foundation
import Results
import Model

/// A regression check between two runs: cells matched by their knob values, each direction
/// tested with a one-sided Mann-Whitney U test of "the candidate is slower than the baseline
/// by more than the threshold".
public struct Comparison: Sendable, Encodable {
    public struct Row: Sendable, Encodable {
        public enum Verdict: String, Sendable, Encodable { case regressed, ok, improved, insufficient }
        public var label: String
        public var direction: Direction
        public var baselineMedian: Double
        public var candidateMedian: Double
        /// (candidate − baseline) / baseline.
        public var change: Double
        public var pValue: Double?
        public var verdict: Verdict
        public var baselineSamples: Int
        public var candidateSamples: Int
    }

    public var threshold: Double
    public var confidence: Double
    public var rows: [Row]
    public var onlyInBaseline: [String]
    public var onlyInCandidate: [String]
    public var regressed: Bool { rows.contains { $0.verdict == .regressed } }

    /// The fewest samples per side for which the test can reach the confidence at all.
    public static let minimumSamples = 4

    public static func make(baseline: RunAnalysis, candidate: RunAnalysis, threshold: Double, confidence: Double = 0.95) -> Comparison {
        let candidates = Dictionary(candidate.cells.map { ($0.knobs, $0) }, uniquingKeysWith: { a, _ in a })
        let baselines = Dictionary(baseline.cells.map { ($0.knobs, $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [Row] = []
        for base in baseline.cells.sorted(by: { $0.knobs.label < $1.knobs.label }) {
            guard let cand = candidates[base.knobs] else { continue }
            for direction in Direction.allCases {
                guard let b = base.throughput(direction), let c = cand.throughput(direction) else { continue }
                let change = (c.median - b.median) / b.median
                var verdict: Row.Verdict
                var p: Double?
                if b.samples.count < minimumSamples || c.samples.count < minimumSamples {
                    verdict = .insufficient
                } else {
                    // H1: candidate < baseline × (1 − threshold).
                    p = Statistics.mannWhitneyLess(candidate: c.samples, baseline: b.samples.map { $0 * (1 - threshold) })?.p
                    verdict = (p ?? 1) < 1 - confidence ? .regressed : .ok
                    if verdict == .ok && change > threshold,
                       let better = Statistics.mannWhitneyLess(candidate: b.samples.map { $0 * (1 + threshold) }, baseline: c.samples)?.p,
                       better < 1 - confidence {
                        verdict = .improved
                    }
                }
                rows.append(Row(label: base.knobs.label, direction: direction, baselineMedian: b.median, candidateMedian: c.median,
                                change: change, pValue: p, verdict: verdict, baselineSamples: b.samples.count, candidateSamples: c.samples.count))
            }
        }
        return Comparison(threshold: threshold, confidence: confidence, rows: rows,
                          onlyInBaseline: baseline.cells.filter { candidates[$0.knobs] == nil }.map(\.knobs.label),
                          onlyInCandidate: candidate.cells.filter { baselines[$0.knobs] == nil }.map(\.knobs.label))
    }

    public var table: String {
        var lines = [String(format: "%@ threshold %.0f%%, one-sided Mann-Whitney U at %.0f%% confidence", "compare:", threshold * 100, confidence * 100)]
        let width = (rows.map(\.label.count).max() ?? 4) + 2
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
        lines.append(pad("cell", width) + pad("direction", 10) + pad("baseline", 12) + pad("candidate", 12) + pad("change", 9) + pad("p", 8) + "verdict")
        for row in rows {
            lines.append(pad(row.label, width) + pad(row.direction.rawValue, 10) + pad(mbps(row.baselineMedian) + " MB/s", 12)
                         + pad(mbps(row.candidateMedian) + " MB/s", 12) + pad(String(format: "%+.1f%%", row.change * 100), 9)
                         + pad(row.pValue.map { String(format: "%.3f", $0) } ?? "–", 8)
                         + row.verdict.rawValue + (row.verdict == .insufficient ? " (fewer than \(Self.minimumSamples) samples a side)" : ""))
        }
        for label in onlyInBaseline { lines.append("unmatched: only in the baseline: \(label)") }
        for label in onlyInCandidate { lines.append("unmatched: only in the candidate: \(label)") }
        let regressedRows = rows.filter { $0.verdict == .regressed }
        lines.append(regressedRows.isEmpty ? "no cell regressed" : "REGRESSED: " + regressedRows.map { "\($0.label) (\($0.direction.rawValue))" }.joined(separator: "; "))
        return lines.joined(separator: "\n")
    }

    /// JUnit XML: one test case per cell and direction, a failure for each regression.
    public var junit: String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let failures = rows.filter { $0.verdict == .regressed }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuite name=\"scoretune compare\" tests=\"\(rows.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(rows.filter { $0.verdict == .insufficient }.count)\">\n"
        for row in rows {
            xml += "  <testcase classname=\"scoretune.\(row.direction.rawValue)\" name=\"\(escape(row.label))\">\n"
            let detail = "baseline \(mbps(row.baselineMedian)) MB/s, candidate \(mbps(row.candidateMedian)) MB/s, change \(String(format: "%+.1f%%", row.change * 100)), p \(row.pValue.map { String(format: "%.4f", $0) } ?? "n/a")"
            switch row.verdict {
            case .regressed: xml += "    <failure message=\"slower by more than \(Int(threshold * 100))%\">\(escape(detail))</failure>\n"
            case .insufficient: xml += "    <skipped message=\"fewer than \(Self.minimumSamples) samples a side\"/>\n"
            default: xml += "    <system-out>\(escape(detail))</system-out>\n"
            }
            xml += "  </testcase>\n"
        }
        return xml + "</testsuite>\n"
    }
}
