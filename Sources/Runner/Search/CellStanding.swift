import Model
import Results

/// Where a live cell stands when a search decides: its objective's rate in each measured round,
/// their median and the median's interval.
struct CellStanding: Sendable, Equatable {
    var cellId: Int64
    var label: String
    /// MB/s per round, in round order.
    var samples: [Double]

    var median: Double { Percentile.median(samples) ?? 0 }
    var interval: MedianInterval { MedianInterval.of(samples) ?? MedianInterval(low: 0, high: 0, level: 0, requested: 0.95) }

    /// "91.0 MB/s (75% interval 88.0–94.0, 3 rounds)"
    var figures: String {
        let i = interval
        let name = samples.count < 2 ? "one round, no interval" : i.name
        return samples.count < 2 ? String(format: "%.1f MB/s (%@)", median, name)
            : String(format: "%.1f MB/s (%@ %.1f–%.1f, %d rounds)", median, name, i.low, i.high, samples.count)
    }

    /// The cell's rate in each of its first `rounds` measured rounds: the objective's bytes that
    /// arrived over the time its transfers took. Per direction the time runs from the round's
    /// first transfer start to its last end (objects in flight together count once); `both`
    /// adds the two directions' bytes and times — the rate of moving the same bytes up, then down.
    /// A failed transfer brings no bytes but spends its time.
    init(cell: CellRow, trials: [TrialRow], objective: Objective, rounds: Int) {
        cellId = cell.id
        label = cell.knobs.label
        let measured = trials.filter { $0.cellId == cell.id && !$0.warmup }
        var samples: [Double] = []
        for round in 0..<rounds {
            let inRound = measured.filter { ($0.round ?? -1) == round }
            var bytes = 0.0, seconds = 0.0
            for direction in objective.directions {
                let moved = inRound.filter { $0.direction == direction }
                guard let start = moved.map(\.startedAt).min(), let end = moved.map({ $0.startedAt + $0.duration }).max() else { continue }
                bytes += Double(moved.filter(\.succeeded).map(\.objectSize).reduce(0, +))
                seconds += end - start
            }
            if seconds > 0 { samples.append(bytes / seconds / 1e6) }
        }
        self.samples = samples
    }

    init(cellId: Int64, label: String, samples: [Double]) {
        (self.cellId, self.label, self.samples) = (cellId, label, samples)
    }
}
