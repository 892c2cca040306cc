import Foundation
import Model
import Results

/// Whether the machine or the store changed during an interleaved run: every cell is measured in
/// every round, so the same cells' first and last rounds should agree within their noise. When
/// most cells moved the same way by more than their own intervals allow, the run drifted, and
/// rankings across it mean less.
public struct Drift: Sendable, Encodable, Equatable {
    public var direction: Direction
    public var firstRound: Int
    public var lastRound: Int
    /// Median over cells of last round ÷ first round − 1 (−0.3: 30% slower at the end).
    public var change: Double
    /// Cells measured in both rounds, and how many of them moved the way the median did.
    public var cells: Int
    public var agreeing: Int
    /// The typical cell's noise: the median of its interval's half-width ÷ its median.
    public var noise: Double
    /// The run had no warm-up: its first round also paid for cold connections and caches.
    public var withoutWarmup = false

    /// The smallest change worth a warning, whatever the noise.
    static let smallestChange = 0.10

    /// The drifts beyond noise in a run, one per direction at most. Runs in blocked order (no
    /// rounds) or with one round have none to find.
    public static func check(_ analysis: RunAnalysis) -> [Drift] {
        let measured = analysis.trialSample.filter { !$0.warmup && $0.succeeded && $0.duration > 0 && $0.round != nil }
        let rounds = Set(measured.compactMap(\.round))
        guard let first = rounds.min(), let last = rounds.max(), last > first else { return [] }
        var drifts: [Drift] = []
        for direction in Direction.allCases {
            let trials = measured.filter { $0.direction == direction }
            let byCell = Dictionary(grouping: trials, by: \.cellId)
            var changes: [Double] = []
            for (_, cellTrials) in byCell {
                func rate(_ round: Int) -> Double? {
                    Statistics.median(cellTrials.filter { $0.round == round }.compactMap(\.mbps))
                }
                if let before = rate(first), let after = rate(last), before > 0 { changes.append(after / before - 1) }
            }
            guard changes.count >= 2, let change = Statistics.median(changes) else { continue }
            let noises = analysis.cells.compactMap { cell -> Double? in
                guard let stats = cell.throughput(direction), stats.median > 0 else { return nil }
                return (stats.high - stats.low) / 2 / stats.median
            }
            let noise = Statistics.median(noises) ?? 0
            let agreeing = changes.filter { ($0 < 0) == (change < 0) }.count
            var drift = Drift(direction: direction, firstRound: first, lastRound: last, change: change,
                              cells: changes.count, agreeing: agreeing, noise: noise)
            drift.withoutWarmup = first == 0 && analysis.trialTotals.sum(where: \.warmup).trials == 0
            if drift.beyondNoise { drifts.append(drift) }
        }
        return drifts
    }

    /// Larger than 10% and than the typical cell's noise, and three cells in four agree.
    public var beyondNoise: Bool {
        abs(change) > max(Self.smallestChange, noise) && Double(agreeing) >= 0.75 * Double(cells)
    }

    public var description: String {
        String(format: "%@ throughput drifted %+.0f%% between round %d and round %d (%d of %d cells moved that way; their own noise is ±%.0f%%): the machine or the store changed during the run, so compare its cells with care",
               direction.rawValue, change * 100, firstRound + 1, lastRound + 1, agreeing, cells, noise * 100)
            + (withoutWarmup ? " (the run had no warm-up, so its first round also paid for cold connections and caches: `warmup: 1` keeps that out)" : "")
    }
}
