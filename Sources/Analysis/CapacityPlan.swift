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

    /// A run whose cells never vary `clients` cannot say how the store scales.
    public struct NeedsClientsSweep: Error, CustomStringConvertible {
        public var description: String
    }

    public var runId: Int64
    public var direction: String
    /// MB/s the dataset needs, sustained over the window.
    public var requiredRate: Double = 0
    /// The concurrency (whole transfers) with the most throughput, measured or fitted, and that throughput.
    public var peakClients: Int = 0
    public var peakThroughput: Double = 0
    /// Whether the peak meets the required rate; and the fewest transfers that do.
    public var feasible = false
    public var clientsNeeded: Int?
    /// The most clients the run measured: projections beyond are extrapolations.
    public var measuredClients: Int = 0
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
        let series = try ScalabilitySeries(analysis, direction: direction)
        let (fixed, points, model) = (series.fixed, series.points, series.model)

        var lines: [String] = []
        let distributed = analysis.run.workers != nil
        lines.append("run \(analysis.run.id), \(direction.rawValue), with \(fixed); aggregate MB/s by concurrent transfers "
                     + (distributed ? "(clients × workers, all workers together):" : "(clients):"))
        for p in points { lines.append("  clients=\(p.clients): \(Units.formatMBps(p.throughput)) MB/s (median of \(p.repetitions) repetition(s))") }
        let measuredMax = points.map(\.clients).max()!
        let needed = Double(datasetBytes) / 1e6 / windowSeconds
        lines.append("dataset \(Units.formatSize(datasetBytes)) in \(Units.humanDuration(seconds: windowSeconds)) needs \(Units.formatMBps(needed)) MB/s sustained")
        if let objectSize {
            let sizes = analysis.trialTotals.all.objectSizes
            let inRange = objectSize >= sizes.min()! && objectSize <= sizes.max()!
            lines.append("objects of \(Units.formatSize(objectSize)): about \((datasetBytes + objectSize - 1) / objectSize) of them"
                + (inRange ? "" : "; the run measured \(sizes.sorted().map(Units.formatSize).joined(separator: ", ")), so per-object rates are an extrapolation"))
        }
        var peakClients = 0, peakThroughput = 0.0, clientsNeeded: Int?
        if let model {
            lines.append(String(format: "USL fit: λ = %.1f MB/s per transfer, contention σ = %.4f, coherence κ = %.5f", model.lambda, model.sigma, model.kappa))
            // Whole transfers only: one peak, the same number everywhere it is named.
            let limit = max(measuredMax * 8, 64)
            let curve = (1...limit).map { (clients: $0, throughput: model.throughput(Double($0))) }
            let peak = curve.max { $0.throughput < $1.throughput }!
            (peakClients, peakThroughput) = (peak.clients, peak.throughput)
            let tag = { (n: Int) in n > measuredMax ? " (extrapolation: beyond the measured \(measuredMax) clients)" : "" }
            if model.peakConcurrency != nil {
                lines.append(String(format: "throughput peaks at %d concurrent transfer(s): %.1f MB/s", peak.clients, peak.throughput) + tag(peak.clients))
            } else {
                lines.append(String(format: "no coherence penalty fitted: throughput keeps rising with concurrency; the most within %d transfers is %.1f MB/s",
                                    limit, peak.throughput) + tag(peak.clients))
            }
            if let n = curve.first(where: { $0.throughput >= needed }) {
                clientsNeeded = n.clients
                lines.append(String(format: "feasible: %d concurrent transfer(s) give %.1f MB/s, moving the dataset in %@", n.clients, n.throughput,
                                    Units.humanDuration(seconds: Double(datasetBytes) / 1e6 / n.throughput)) + tag(n.clients))
            } else {
                lines.append(String(format: "not feasible at these settings: at the peak (%.1f MB/s) the dataset would take %@", peak.throughput,
                                    Units.humanDuration(seconds: Double(datasetBytes) / 1e6 / peak.throughput)))
            }
        } else {
            let best = points.max { $0.throughput < $1.throughput }!
            (peakClients, peakThroughput) = (best.clients, best.throughput)
            lines.append("no USL fit: it needs at least 3 client levels (the scenario's grid.clients); measured best \(Units.formatMBps(best.throughput)) MB/s at clients=\(best.clients)")
            if best.throughput >= needed {
                clientsNeeded = points.first { $0.throughput >= needed }?.clients
                lines.append("feasible at the measured clients=\(clientsNeeded!)")
            } else {
                lines.append("not feasible at the measured settings")
            }
        }
        var plan = CapacityPlan(runId: analysis.run.id, direction: direction.rawValue, fixed: fixed, points: points, model: model,
                                datasetBytes: datasetBytes, windowSeconds: windowSeconds, objectSize: objectSize, lines: lines)
        plan.requiredRate = needed
        (plan.peakClients, plan.peakThroughput) = (peakClients, peakThroughput)
        plan.feasible = clientsNeeded != nil
        plan.clientsNeeded = clientsNeeded
        plan.measuredClients = measuredMax
        return plan
    }
}
