import Foundation
import Model
import Results

/// A regression check between two runs: cells matched by their knob values, each direction judged
/// by one-sided Mann-Whitney U tests against the threshold. Every verdict can fail:
/// - `regressed`: the candidate is slower than the baseline by more than the threshold (significant);
/// - `improved`: faster by more than the threshold (significant);
/// - `unchanged`: within ± the threshold, and the samples show it (both one-sided tests significant);
/// - `inconclusive`: the samples confirm none of these — with how many trials a side would.
public struct Comparison: Sendable, Encodable {
    public struct Row: Sendable, Encodable {
        public enum Verdict: String, Sendable, Encodable { case regressed, improved, unchanged, inconclusive }
        /// What the samples are: one object's MB/s per trial, or (two merged runs) the fleet's
        /// leading aggregate figure per round.
        public enum Figure: String, Sendable, Encodable {
            case perObject = "per-object"
            case fleetAggregate = "fleet-aggregate"
        }
        public var label: String
        public var direction: Direction
        public var figure: Figure = .perObject
        public var baselineMedian: Double
        public var candidateMedian: Double
        /// (candidate − baseline) / baseline.
        public var change: Double
        /// p of the test that decided (or of the closest one, for inconclusive).
        public var pValue: Double?
        public var verdict: Verdict
        public var baselineSamples: Int
        public var candidateSamples: Int
        /// Inconclusive: why, and the trials per side that would likely settle it.
        public var reason: String?
        public var trialsNeeded: Int?
    }

    /// Something that differs between the two runs besides the knobs: stated at the top, and an
    /// error under `--strict`.
    public struct Difference: Sendable, Encodable {
        public var what: String
        public var baseline: String
        public var candidate: String
        public var description: String { "\(what) differs: baseline \(baseline), candidate \(candidate)" }
    }

    public var threshold: Double
    public var confidence: Double
    public var differences: [Difference]
    public var rows: [Row]
    public var onlyInBaseline: [String]
    public var onlyInCandidate: [String]
    public var regressed: Bool { rows.contains { $0.verdict == .regressed } }

    /// The fewest samples per side for which a one-sided test can reach 95% at all.
    public static let minimumSamples = 4

    public struct NothingInCommon: Error, CustomStringConvertible {
        public var description: String
    }

    /// Cells match on every knob; when each run played a single network, on every knob but the
    /// network (a run against a played WAN compares with one straight to the store, and the
    /// difference is stated).
    public static func make(baseline: RunAnalysis, candidate: RunAnalysis, threshold: Double,
                            confidence: Double = 0.95) throws -> Comparison {
        let acrossNetworks = baseline.networks.count == 1 && candidate.networks.count == 1
        func key(_ stats: CellStatistics) -> Knobs {
            var knobs = stats.knobs
            if acrossNetworks { knobs.network = nil }
            return knobs
        }
        let candidates = Dictionary(candidate.cells.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let baselines = Dictionary(baseline.cells.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        var rows: [Row] = []
        var matched = 0
        for base in baseline.cells.sorted(by: { key($0).label < key($1).label }) {
            guard let cand = candidates[key(base)] else { continue }
            matched += 1
            for direction in Direction.allCases {
                // Two fleets compare what all their workers got together, round by round.
                if let b = base.fleet[direction], let c = cand.fleet[direction], !b.leadSamples.isEmpty, !c.leadSamples.isEmpty {
                    var row = judge(label: key(base).label, direction: direction, baseline: b.leadSamples, candidate: c.leadSamples,
                                    threshold: threshold, confidence: confidence)
                    row.figure = .fleetAggregate
                    rows.append(row)
                    continue
                }
                guard let b = base.throughput(direction), let c = cand.throughput(direction) else { continue }
                rows.append(judge(label: key(base).label, direction: direction, baseline: b.samples, candidate: c.samples,
                                  threshold: threshold, confidence: confidence))
            }
        }
        guard matched > 0 else {
            throw NothingInCommon(description: "runs \(baseline.run.id) and \(candidate.run.id) have no cell in common "
                                  + "(\(baseline.cells.count) and \(candidate.cells.count) cells, none with the same knobs): nothing to compare")
        }
        return Comparison(threshold: threshold, confidence: confidence, differences: differences(baseline, candidate), rows: rows,
                          onlyInBaseline: baseline.cells.filter { candidates[key($0)] == nil }.map(\.knobs.label),
                          onlyInCandidate: candidate.cells.filter { baselines[key($0)] == nil }.map(\.knobs.label))
    }

    static func judge(label: String, direction: Direction, baseline b: [Double], candidate c: [Double],
                      threshold: Double, confidence: Double) -> Row {
        let bMedian = Statistics.median(b)!, cMedian = Statistics.median(c)!
        let change = (cMedian - bMedian) / bMedian
        var row = Row(label: label, direction: direction, baselineMedian: bMedian, candidateMedian: cMedian, change: change,
                      pValue: nil, verdict: .inconclusive, baselineSamples: b.count, candidateSamples: c.count)
        let alpha = 1 - confidence
        guard b.count >= minimumSamples, c.count >= minimumSamples else {
            row.reason = "fewer than \(minimumSamples) samples a side cannot reach \(Int(confidence * 100))%"
            row.trialsNeeded = max(minimumSamples, trialsNeeded(b, c, change: change, threshold: threshold, confidence: confidence))
            return row
        }
        // Slower beyond the threshold: candidate < baseline × (1 − t).
        let slower = Statistics.mannWhitneyLess(candidate: c, baseline: b.map { $0 * (1 - threshold) })!.p
        // Faster beyond it: baseline × (1 + t) < candidate.
        let faster = Statistics.mannWhitneyLess(candidate: b.map { $0 * (1 + threshold) }, baseline: c)!.p
        // Within it (two one-sided tests): baseline × (1 − t) < candidate and candidate < baseline × (1 + t).
        let notSlower = Statistics.mannWhitneyLess(candidate: b.map { $0 * (1 - threshold) }, baseline: c)!.p
        let notFaster = Statistics.mannWhitneyLess(candidate: c, baseline: b.map { $0 * (1 + threshold) })!.p
        if slower < alpha {
            row.verdict = .regressed
            row.pValue = slower
        } else if faster < alpha {
            row.verdict = .improved
            row.pValue = faster
        } else if max(notSlower, notFaster) < alpha {
            row.verdict = .unchanged
            row.pValue = max(notSlower, notFaster)
        } else {
            row.pValue = abs(change) > threshold ? (change < 0 ? slower : faster) : max(notSlower, notFaster)
            row.reason = abs(change) > threshold
                ? String(format: "a %+.1f%% change, beyond the threshold, that %d and %d trials cannot confirm", change * 100, b.count, c.count)
                : String(format: "a %+.1f%% change, within the threshold, that %d and %d trials cannot confirm", change * 100, b.count, c.count)
            row.trialsNeeded = trialsNeeded(b, c, change: change, threshold: threshold, confidence: confidence)
        }
        return row
    }

    /// Trials per side that would likely (80% power) settle a change this far from the threshold,
    /// at this spread: the normal-approximation sample size, over the Mann-Whitney test's 0.955
    /// efficiency. A change right at the threshold can never be settled: "more than 10000".
    static func trialsNeeded(_ b: [Double], _ c: [Double], change: Double, threshold: Double, confidence: Double) -> Int {
        let spread = [Statistics.coefficientOfVariation(b), Statistics.coefficientOfVariation(c)].compactMap { $0 }.max() ?? 0.1
        let distance = abs(abs(change) - threshold)
        guard distance > 0 else { return 10_001 }
        let z = inverseNormal(confidence) + inverseNormal(0.8)
        let n = 2 * z * z * spread * spread / (distance * distance) / 0.955
        return n.isFinite ? min(10_001, max(minimumSamples, Int(n.rounded(.up)))) : 10_001
    }

    /// Φ⁻¹(p) by bisection on the normal CDF: plenty for sample sizes.
    static func inverseNormal(_ p: Double) -> Double {
        var (low, high) = (-10.0, 10.0)
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if Statistics.normalCDF(middle) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    static func differences(_ a: RunAnalysis, _ b: RunAnalysis) -> [Difference] {
        func network(_ analysis: RunAnalysis) -> String {
            analysis.networks.map { $0 ?? "none (straight to the store)" }.joined(separator: ", ")
        }
        let facts: [(String, String, String)] = [
            ("store", a.run.backendServer ?? "unknown", b.run.backendServer ?? "unknown"),
            ("endpoint", a.run.backendEndpoint, b.run.backendEndpoint),
            ("scenario text", a.run.scenarioPath, b.run.scenarioPath),
            ("scoretune version", a.run.toolVersion, b.run.toolVersion),
            ("mode", a.run.mode.rawValue, b.run.mode.rawValue),
            ("played network", network(a), network(b)),
        ]
        return facts.enumerated().compactMap { index, fact in
            // The scenario is compared by its text; its path only names it.
            let same = index == 2 ? a.run.scenarioText == b.run.scenarioText : fact.1 == fact.2
            return same ? nil : Difference(what: fact.0, baseline: fact.1, candidate: fact.2)
        }
    }

    public var thresholdText: String { Self.percent(threshold) }

    static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return value == value.rounded() ? String(format: "%.0f%%", value) : String(format: "%.3g%%", value)
    }

    public var table: String {
        var lines = differences.map { "NOTE: \($0.description)" }
        lines.append("compare: threshold \(thresholdText), one-sided Mann-Whitney U tests at \(Self.percent(confidence)) confidence")
        if rows.contains(where: { $0.figure == .fleetAggregate }) {
            lines.append("fleet: rows marked (fleet) compare the merged runs' aggregate of all workers together, one sample per round (the leading figure: window or stonewall)")
        }
        let width = (rows.map(\.label.count).max() ?? 4) + 2
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count + 1), withPad: " ", startingAt: 0) }
        let directionWidth = rows.contains { $0.figure == .fleetAggregate } ? 18 : 10
        lines.append(pad("cell", width) + pad("direction", directionWidth) + pad("baseline", 12) + pad("candidate", 12) + pad("change", 9) + pad("p", 8) + "verdict")
        for row in rows {
            lines.append(pad(row.label, width) + pad(row.direction.rawValue + (row.figure == .fleetAggregate ? " (fleet)" : ""), directionWidth) + pad(Units.formatMBps(row.baselineMedian) + " MB/s", 12)
                         + pad(Units.formatMBps(row.candidateMedian) + " MB/s", 12) + pad(String(format: "%+.1f%%", row.change * 100), 9)
                         + pad(row.pValue.map { String(format: "%.3f", $0) } ?? "–", 8) + row.verdict.rawValue
                         + (row.reason.map { " (\($0)" + (row.trialsNeeded.map(Self.trialsText) ?? "") + ")" } ?? ""))
        }
        for label in onlyInBaseline { lines.append("unmatched: only in the baseline: \(label)") }
        for label in onlyInCandidate { lines.append("unmatched: only in the candidate: \(label)") }
        let count = { (verdict: Row.Verdict) in rows.filter { $0.verdict == verdict }.count }
        let regressedRows = rows.filter { $0.verdict == .regressed }
        lines.append((regressedRows.isEmpty ? "no cell regressed" : "REGRESSED: " + regressedRows.map { "\($0.label) (\($0.direction.rawValue))" }.joined(separator: "; "))
                     + " — \(rows.count) compared: \(count(.regressed)) regressed, \(count(.improved)) improved, \(count(.unchanged)) unchanged, \(count(.inconclusive)) inconclusive")
        return lines.joined(separator: "\n")
    }

    static func trialsText(_ n: Int) -> String {
        n > 10_000 ? "; more than 10000 trials a side would be needed" : "; about \(n) trials a side would settle it"
    }

    /// JUnit XML: one test case per compared cell and direction; a regression fails, an
    /// inconclusive comparison is skipped with its reason.
    public var junit: String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let failures = rows.filter { $0.verdict == .regressed }.count
        let skipped = rows.filter { $0.verdict == .inconclusive }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuite name=\"scoretune compare\" tests=\"\(rows.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
        if !differences.isEmpty {
            xml += "  <properties>\n"
            for difference in differences { xml += "    <property name=\"\(escape(difference.what))\" value=\"\(escape(difference.description))\"/>\n" }
            xml += "  </properties>\n"
        }
        for row in rows {
            xml += "  <testcase classname=\"scoretune.\(row.direction.rawValue)\" name=\"\(escape(row.label))\">\n"
            let detail = "baseline \(Units.formatMBps(row.baselineMedian)) MB/s, candidate \(Units.formatMBps(row.candidateMedian)) MB/s, change \(String(format: "%+.1f%%", row.change * 100)), p \(row.pValue.map { String(format: "%.4f", $0) } ?? "n/a"), \(row.verdict.rawValue)"
            switch row.verdict {
            case .regressed: xml += "    <failure message=\"slower by more than \(thresholdText)\">\(escape(detail))</failure>\n"
            case .inconclusive:
                xml += "    <skipped message=\"\(escape("inconclusive: " + (row.reason ?? "") + (row.trialsNeeded.map(Self.trialsText) ?? "")))\"/>\n"
            case .improved, .unchanged: xml += "    <system-out>\(escape(detail))</system-out>\n"
            }
            xml += "  </testcase>\n"
        }
        return xml + "</testsuite>\n"
    }
}
