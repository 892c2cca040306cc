import Model

/// One decision of successive halving with statistical racing, on the live cells' standings:
/// keep the best 1/η by median, and also every cell whose interval still overlaps the leader's
/// (it cannot yet be told apart), but never more than the budget can measure next. The final
/// decision, once every live cell has a full grid's evidence, keeps only the leader and the cells
/// equivalent to it.
enum SuccessiveHalving {
    struct Verdict: Sendable, Equatable {
        var standing: CellStanding
        var verdict: SearchVerdict
        var reason: String
    }

    /// `maxKeep`: the most cells the remaining budget can carry into the next round (≥ 1).
    static func decide(_ standings: [CellStanding], eta: Int, maxKeep: Int, final: Bool) -> [Verdict] {
        let ranked = standings.sorted { ($0.median, -$0.cellId) > ($1.median, -$1.cellId) }
        guard let leader = ranked.first else { return [] }
        let quota = final ? 1 : max(1, ranked.count / max(2, eta))
        var verdicts: [Verdict] = []
        var kept = 0
        for (rank, standing) in ranked.enumerated() {
            let equivalent = rank > 0 && standing.samples.count > 1 && leader.samples.count > 1 && standing.interval.overlaps(leader.interval)
            var keep = rank < quota || equivalent
            var reason: String
            if rank == 0 {
                reason = "the leader: \(standing.figures)"
            } else if equivalent {
                reason = "\(standing.figures) overlaps the leader's \(leaderFigures(leader)): not yet told apart"
            } else if rank < quota {
                reason = "among the best \(quota) of \(ranked.count): \(standing.figures)"
            } else {
                reason = "\(standing.figures), below the leader's \(leaderFigures(leader))"
            }
            if keep && kept >= max(1, maxKeep) {
                keep = false
                reason += "; the budget carries only \(max(1, maxKeep)) cell(s) into the next round"
            }
            if keep { kept += 1 }
            verdicts.append(Verdict(standing: standing, verdict: keep ? .kept : .dropped, reason: reason))
        }
        return verdicts
    }

    private static func leaderFigures(_ leader: CellStanding) -> String {
        let i = leader.interval
        return leader.samples.count < 2 ? String(format: "%.1f MB/s (cell %lld)", leader.median, leader.cellId)
            : String(format: "%.1f–%.1f (cell %lld)", i.low, i.high, leader.cellId)
    }
}
