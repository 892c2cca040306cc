import Model

/// How `recommend` decides between cells it cannot tell apart by speed. A cell whose interval
/// reaches the fastest cell's interval is as fast as far as the trials can tell; among those, a
/// cost that really differs decides — requests per GiB (what the store pays), then client memory
/// (what the client pays). When neither differs, the cells are equivalent and the median decides.
/// The runner-up is the next cell in the same order, so it is never ranked by another rule.
struct TieRule {
    var order: [Recommendation.Choice]
    var reason: String

    /// Requests per GiB closer than this share are the same cost (counts vary by a retry or two).
    static let requestTolerance = 0.05

    static func rank(_ candidates: [Recommendation.Choice], best: Recommendation.Choice) -> TieRule {
        let ties = candidates.filter { $0.high >= best.low && $0.low <= best.high }
        let others = candidates.filter { c in !ties.contains { $0.cellId == c.cellId } }
            .sorted { ($0.median, -$0.cellId) > ($1.median, -$1.cellId) }
        let ordered = ties.sorted(by: cheaper) + others
        let chosen = ordered[0]
        guard ties.count > 1 else {
            return TieRule(order: ordered, reason: "the best median, and no other cell's interval reaches it")
        }
        let n = ties.count
        let requestsDiffer = ties.contains { differ($0.requestsPerGiB, chosen.requestsPerGiB) }
        let memoryDiffers = ties.contains { $0.clientMemory != chosen.clientMemory }
        let reason: String
        if requestsDiffer {
            let most = ties.map(\.requestsPerGiB).max()!
            reason = "\(n) cells' intervals overlap the fastest (\(best.label), \(Units.formatMBps(best.median)) MB/s): chose the one needing the fewest "
                + "requests per GiB (\(String(format: "%.1f", chosen.requestsPerGiB)) against up to \(String(format: "%.1f", most)))"
        } else if memoryDiffers {
            let most = ties.map(\.clientMemory).max()!
            reason = "\(n) cells' intervals overlap the fastest (\(best.label), \(Units.formatMBps(best.median)) MB/s) and need the same requests per GiB "
                + "(\(String(format: "%.1f", chosen.requestsPerGiB))): chose the one needing the least client memory "
                + "(\(Units.formatSize(chosen.clientMemory)) against up to \(Units.formatSize(most)))"
        } else {
            reason = "\(n) cells are equivalent: their intervals overlap and they cost the same requests per GiB and client memory; "
                + "chose the best median (\(Units.formatMBps(chosen.median)) MB/s)"
        }
        return TieRule(order: ordered, reason: reason)
    }

    static func differ(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) > requestTolerance * max(a, b)
    }

    /// Fewer requests (beyond the tolerance), then less memory, then the higher median.
    static func cheaper(_ a: Recommendation.Choice, _ b: Recommendation.Choice) -> Bool {
        if differ(a.requestsPerGiB, b.requestsPerGiB) { return a.requestsPerGiB < b.requestsPerGiB }
        if a.clientMemory != b.clientMemory { return a.clientMemory < b.clientMemory }
        return (a.median, -a.cellId) > (b.median, -b.cellId)
    }
}
