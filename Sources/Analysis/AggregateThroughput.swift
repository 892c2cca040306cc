import Model
import Results

/// Throughput of all a repetition's transfers together: its bytes over the time from its first
/// trial's start to its last trial's end. With `clients` above 1 objects move at once, and this —
/// not one object's MB/s — is what the store delivered; a clients sweep is ranked and planned by it.
enum AggregateThroughput {
    /// MB/s per repetition of each cell, for one direction's measured, successful trials.
    static func rates(_ trials: [TrialRow], direction: Direction) -> [Int64: [Double]] {
        let measured = trials.filter { !$0.warmup && $0.succeeded && $0.direction == direction }
        var perCell: [Int64: [Double]] = [:]
        for group in Dictionary(grouping: measured, by: { "\($0.cellId)|\($0.repetition)" }).values {
            let start = group.map(\.startedAt).min()!, end = group.map { $0.startedAt + $0.duration }.max()!
            guard end > start else { continue }
            perCell[group[0].cellId, default: []].append(Double(group.map(\.objectSize).reduce(0, +)) / (end - start) / 1e6)
        }
        return perCell
    }
}

/// What the cells' throughput figures are: one object's MB/s, or all objects in flight together.
public enum ThroughputAxis: String, Sendable, Encodable {
    case perObject = "per-object"
    case aggregate

    /// Aggregate when the run sweeps `clients`: one object's MB/s would crown clients=1.
    public static func of(_ cells: [CellRow]) -> ThroughputAxis {
        Set(cells.map(\.knobs.clients)).count > 1 ? .aggregate : .perObject
    }

    /// How figures on this axis are named in text.
    public var words: String { self == .aggregate ? "aggregate (all transfers at once)" : "per object" }
}
