import Foundation
import Model
import Results
import ScoreConfig

/// Which cells may answer, and each one's figure for the objective: the selection the tie rule
/// (`TieRule`) then orders.
extension Recommendation {
    /// The cells that meet the options' constraints, and why each other one does not. Without
    /// `setAside`, the cells a search pruned or dropped are left out.
    static func consider(_ analysis: RunAnalysis, options: RecommendOptions, search: SearchHistory?,
                         setAside: Bool) -> (candidates: [(CellStatistics, Choice)], excluded: [String]) {
        var excluded: [String] = []
        var candidates: [(CellStatistics, Choice)] = []
        for stats in analysis.cells {
            let label = "cell \(stats.cell.id) (\(stats.knobs.label))"
            // A search's answer comes from its survivors: the cells it set aside have thinner evidence.
            if !setAside, let left = search?.leaving(stats.cell.id) {
                excluded.append("\(label): \(left.verdict.rawValue) by the search" + (left.rung > 0 ? " at decision \(left.rung)" : "") + ": \(left.reason)")
                continue
            }
            guard stats.trials > 0 else { excluded.append("\(label): no measured trials"); continue }
            if stats.failedTrials > 0 {
                excluded.append("\(label): \(stats.failedTrials) failed trial(s)")
                continue
            }
            if let limit = options.maxMemory {
                let memory = stats.memory(for: options.directions)
                if memory > limit {
                    let perClient = limit / Int64(max(1, stats.knobs.clients))
                    let flying = options.directions.map { stats.effectiveParallel(memoryBudget: perClient, direction: $0) }.min() ?? stats.knobs.parallel
                    excluded.append("\(label): needs \(Units.formatSize(memory)) of client memory, over \(Units.formatSize(limit))"
                                    + (flying < stats.knobs.parallel ? " (score-client would keep only \(flying) part(s) in flight, not the \(stats.knobs.parallel) measured)" : ""))
                    continue
                }
            }
            guard let choice = choice(stats, options) else {
                excluded.append("\(label): no \(options.objective.rawValue) measurements")
                continue
            }
            if let bound = options.maxP99 {
                let p99 = [stats.upload, stats.download].compactMap { $0?.timeP99 }.max() ?? 0
                if p99 > bound {
                    excluded.append("\(label): p99 object time \(String(format: "%.2f", p99)) s over \(String(format: "%.2f", bound)) s")
                    continue
                }
            }
            candidates.append((stats, choice))
        }
        return (candidates, excluded)
    }

    static func choice(_ stats: CellStatistics, _ options: RecommendOptions) -> Choice? {
        let label = "cell \(stats.cell.id) (\(stats.knobs.label))"
        let memory = stats.memory(for: options.directions)
        let requests = options.directions.compactMap { stats.requestsPerGiB[$0] }.reduce(0, +)
        func make(_ median: Double, _ low: Double, _ high: Double, _ level: Double, _ trials: Int) -> Choice {
            Choice(cellId: stats.cell.id, label: label, median: median, low: low, high: high, level: level, trials: trials,
                   clientMemory: memory, requestsPerObject: stats.requestsPerObject, requestsPerGiB: requests)
        }
        switch options.objective {
        case .aggregate:
            // The fleet's leading figure; both directions' harmonic mean when both were measured.
            let figures = [Direction.upload, .download].compactMap { stats.fleet[$0] }.filter { !$0.leadSamples.isEmpty }
            guard !figures.isEmpty else { return nil }
            let intervals = figures.compactMap { Statistics.medianInterval($0.leadSamples) }
            guard intervals.count == figures.count else { return nil }
            // The harmonic mean, as `both` combines directions (a zero rate makes the whole zero).
            func combined(_ values: [Double]) -> Double? {
                guard !values.isEmpty else { return nil }
                return values.contains { $0 <= 0 } ? 0 : Double(values.count) / values.map { 1 / $0 }.reduce(0, +)
            }
            guard let median = combined(figures.compactMap(\.leadMBps)), let low = combined(intervals.map(\.low)),
                  let high = combined(intervals.map(\.high)), let level = intervals.map(\.level).min() else { return nil }
            // Rounds, not samples: each round gave one figure per direction.
            var choice = make(median, low, high, level, figures.map(\.leadSamples.count).min() ?? 0)
            choice.perObjectMedian = combined(figures.compactMap { stats.throughput($0.direction)?.median })
            choice.fleet = figures.map { FleetChoice(direction: $0.direction, lead: $0.lead, workers: $0.workers, reason: $0.leadReason) }
            return choice
        case .upload:
            return stats.upload.map { make($0.median, $0.low, $0.high, $0.level, $0.samples.count) }
        case .download:
            return stats.download.map { make($0.median, $0.low, $0.high, $0.level, $0.samples.count) }
        case .both:
            guard let u = stats.upload, let d = stats.download else { return nil }
            func harmonic(_ a: Double, _ b: Double) -> Double { 2 / (1 / a + 1 / b) }
            return make(harmonic(u.median, d.median), harmonic(u.low, d.low), harmonic(u.high, d.high), min(u.level, d.level),
                        u.samples.count + d.samples.count)
        }
    }
}

extension Recommendation {
    /// The chosen cell's figure in words, and the runner-up's.
    static func evidence(_ chosen: Choice, runnerUp: Choice?, axis: ThroughputAxis, objective: RecommendOptions.Objective) -> String {
        let head: String
        if objective == .aggregate, let fleet = chosen.fleet, let first = fleet.first {
            let figures = fleet.map { "\($0.direction.rawValue) \($0.lead.rawValue)" }.joined(separator: " and ")
            head = "\(chosen.label): the fleet's aggregate median \(Units.formatMBps(chosen.median)) MB/s of \(first.workers) workers together"
                + "\(fleet.count > 1 ? " (upload and download, harmonic mean)" : "") (\(chosen.interval)) over \(chosen.trials) rounds; "
                + "figures: \(figures), since \(first.reason.words)"
                + (chosen.perObjectMedian.map { "; per object: \(Units.formatMBps($0)) MB/s" } ?? "")
        } else {
            let samples = axis == .aggregate ? "repetitions" : "trials"
            head = "\(chosen.label): \(axis == .aggregate ? "aggregate " : "")\(objective.rawValue) median \(Units.formatMBps(chosen.median)) MB/s (\(chosen.interval)) over \(chosen.trials) \(samples)"
        }
        return head + (runnerUp.map { "; runner-up \($0.label): \(Units.formatMBps($0.median)) MB/s (\($0.interval))" } ?? "; no runner-up")
    }
}
