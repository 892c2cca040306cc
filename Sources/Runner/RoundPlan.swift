import Model
import Results

/// One visit of a cell: the measured repetitions (rounds) it runs now, and whether its warm-up
/// goes first (on a cell's first visit in each session: a resumed process has no warm
/// connections of its own; a search may still skip it, see `SessionWarmth`).
struct CellVisit: Sendable, Equatable {
    var cellId: Int64
    var rounds: Range<Int>
    var warmup: Bool
    /// Interleaved order: the round the visit belongs to; nil in blocked order.
    var round: Int?
}

/// The visits a run still has to make, in order.
///
/// Interleaved (the default): round r measures repetition r of every cell that has not done it,
/// in an order shuffled anew each round from the run's seed, so load that changes during a run
/// falls on every cell alike and the first and last rounds can be compared (drift). Blocked: each
/// cell's repetitions back to back, in the cells' positions.
///
/// A resumed run continues from each cell's `roundsDone`. In blocked order a cell cut short
/// starts over (its `roundsDone` is set only when it completes).
enum RoundPlan {
    static func visits(cells: [CellRow], repetitions: Int, order: TrialOrder, seed: UInt64) -> [CellVisit] {
        let pending = cells.filter { !$0.status.isSettled && $0.roundsDone < repetitions }.sorted { $0.position < $1.position }
        switch order {
        case .blocked:
            return pending.map { CellVisit(cellId: $0.id, rounds: 0..<repetitions, warmup: true, round: nil) }
        case .interleaved:
            var visits: [CellVisit] = []
            for round in 0..<repetitions {
                var shuffle = SplitMix64(seed: seed ^ (UInt64(round + 1) &* 0xD1B5_4A32_D192_ED03))
                let due = pending.filter { $0.roundsDone <= round }.shuffled(using: &shuffle)
                visits += due.map { CellVisit(cellId: $0.id, rounds: round..<(round + 1), warmup: round == $0.roundsDone, round: round) }
            }
            return visits
        }
    }
}
