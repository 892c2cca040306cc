import Foundation
import Results
import Model

/// How throughput scales with concurrent transfers (`clients`), fitted with the Universal
/// Scalability Law, and whether a dataset can move within a time window.
public struct CapacityPlan: Sendable, Encodable {
    public struct Point: Sendable, Encodable {
        public var clients: Int
        /// Aggregate MB/s: the bytes of one repetition's trials over the time they took together.
        public var throughput: Double
        public var repetitions: Int
    }

    public var runId: Int64
    public var direction: String
    /// The other knobs held fixed while `clients` varies.
    public var fixed: String
    public var points: [Point]
    public var model: UniversalScalability?
    public var datasetBytes: Int64
    public var windowSeconds: Double
    public var objectSize: Int64?
    public var lines: [String]

    public static func make(_ analysis: RunAnalysis, direction: Direction, datasetBytes: Int64, windowSeconds: Double,
                            objectSize: Int64?) throws -> CapacityPlan {
        // Aggregate throughput per (cell, repetition): what `clients` concurrent transfers achieve together.
        let measured = analysis.trials.filter { !$0.warmup && $0.succeeded && $0.direction == direction }
        var perCell: [Int64: [Double]] = [:]
        for (_, group) in Dictionary(grouping: measured, by: { "\($0.cellId)|\($0.repetition)" }) {
            let start = group.map(\.startedAt).min()!, end = group.map { $0.startedAt + $0.duration }.max()!
            guard end > start else { continue }
            perCell[group[0].cellId, default: []].append(Double(group.map(\.objectSize).reduce(0, +)) / (end - start) / 1e6)
        }
        // The series: cells that differ only in `clients`, taking the family with the most client levels
        // (ties: the fastest).
        var families: [String: [(CellStatistics, Double, Int)]] = [:]
        for stats in analysis.cells {
            guard let rates = perCell[stats.cell.id], let median = Statistics.median(rates) else { continue }
            var knobs = stats.knobs
            knobs.clients = 0
            families[knobs.label, default: []].append((stats, median, rates.count))
        }
        guard let family = families.max(by: { a, b in
            (Set(a.value.map { $0.0.cell.knobs.clients }).count, a.value.map(\.1).max()!) < (Set(b.value.map { $0.0.cell.knobs.clients }).count, b.value.map(\.1).max()!)
        }) else {
            throw AnalysisError("run \(analysis.run.id): no successful \(direction.rawValue) trials to plan from")
        }
        let points = Dictionary(grouping: family.value, by: { $0.0.cell.knobs.clients })
            .map { Point(clients: $0.key, throughput: $0.value.map(\.1).max()!, repetitions: $0.value.map(\.2).reduce(0, +)) }
            .sorted { $0.clients < $1.clients }
        let fixed = family.key.replacingOccurrences(of: " clients=0", with: "")
        let model = UniversalScalability.fit(points.map { (Double($0.clients), $0.throughput) })

        var lines: [String] = []
        lines.append("run \(analysis.run.id), \(direction.rawValue), with \(fixed); aggregate MB/s by concurrent transfers (clients):")
        for p in points { lines.append("  clients=\(p.clients): \(mbps(p.throughput)) MB/s (median of \(p.repetitions) repetition(s))") }
        let measuredMax = points.map(\.clients).max()!
        let needed = Double(datasetBytes) / 1e6 / windowSeconds
        lines.append("dataset \(Units.formatSize(datasetBytes)) in \(Units.humanDuration(seconds: windowSeconds)) needs \(mbps(needed)) MB/s sustained")
        if let objectSize {
            let sizes = Set(analysis.trials.map(\.objectSize))
            let inRange = objectSize >= sizes.min()! && objectSize <= sizes.max()!
            lines.append("objects of \(Units.formatSize(objectSize)): about \((datasetBytes + objectSize - 1) / objectSize) of them"
                + (inRange ? "" : "; the run measured \(sizes.sorted().map(Units.formatSize).joined(separator: ", ")), so per-object rates are an extrapolation"))
        }
        if let model {
            lines.append(String(format: "USL fit: λ = %.1f MB/s per transfer, contention σ = %.4f, coherence κ = %.5f", model.lambda, model.sigma, model.kappa))
            if let peak = model.peakConcurrency {
                let tag = peak > Double(measuredMax) ? " (extrapolation: beyond the measured \(measuredMax) clients)" : ""
                lines.append(String(format: "throughput peaks at %.1f concurrent transfers: %.1f MB/s", peak, model.throughput(peak)) + tag)
            } else {
                lines.append("no coherence penalty fitted: throughput keeps rising with concurrency, with diminishing returns from contention")
            }
            let limit = max(measuredMax * 8, 64)
            if let n = (1...limit).first(where: { model.throughput(Double($0)) >= needed }) {
                let tag = n > measuredMax ? " (extrapolation: beyond the measured \(measuredMax) clients)" : ""
                lines.append(String(format: "feasible: %d concurrent transfer(s) give %.1f MB/s, moving the dataset in %@", n, model.throughput(Double(n)),
                                    Units.humanDuration(seconds: Double(datasetBytes) / 1e6 / model.throughput(Double(n)))) + tag)
            } else {
                let best = (1...limit).map { model.throughput(Double($0)) }.max()!
                lines.append(String(format: "not feasible at these settings: the model's best is %.1f MB/s, the dataset would take %@", best,
                                    Units.humanDuration(seconds: Double(datasetBytes) / 1e6 / best)))
            }
        } else {
            let best = points.max { $0.throughput < $1.throughput }!
            lines.append("no USL fit: it needs at least 3 client levels (the scenario's grid.clients); measured best \(mbps(best.throughput)) MB/s at clients=\(best.clients)")
            lines.append(best.throughput >= needed ? "feasible at the measured clients=\(best.clients)" : "not feasible at the measured settings")
        }
        return CapacityPlan(runId: analysis.run.id, direction: direction.rawValue, fixed: fixed, points: points, model: model,
                            datasetBytes: datasetBytes, windowSeconds: windowSeconds, objectSize: objectSize, lines: lines)
    }
}

