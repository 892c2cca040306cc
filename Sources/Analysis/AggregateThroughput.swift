import Model
import Results

/// Throughput of all a repetition's transfers together: its bytes over the time from its first
/// trial's start to its last trial's end. With `clients` above 1 objects move at once, and this —
/// not one object's MB/s — is what the store delivered; a clients sweep is ranked and planned by it.
enum AggregateThroughput {
    /// MB/s of each repetition of each cell, in one direction (measured, successful trials), in
    /// the order of the repetitions.
    static func rates(_ totals: TrialTotals, direction: Direction) -> [Int64: [Double]] {
        var perCell: [Int64: [(repetition: Int, mbps: Double)]] = [:]
        for (key, window) in totals.repetitionWindows where key.direction == direction && window.end > window.start {
            perCell[key.cellId, default: []].append((key.repetition, Double(window.bytes) / (window.end - window.start) / 1e6))
        }
        return perCell.mapValues { $0.sorted { $0.repetition < $1.repetition }.map(\.mbps) }
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
