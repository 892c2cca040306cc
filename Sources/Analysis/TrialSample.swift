import Results

/// The trials an analysis holds: each cell, direction and warm-up group's trials whole up to
/// its cap, beyond it an evenly spaced sample of them (every k-th in id order, k = ⌈count ÷ cap⌉,
/// so it spans the whole run). Medians, their intervals and the rank tests are drawn from it: an
/// interval from a sample is wider, never falsely narrow. Counts, bytes, failures and the fleet's
/// windows are never sampled: they come from `TrialTotals` and `DistributedThroughput`, added up
/// over every trial.
struct TrialSample {
    /// Trials a group keeps whole: 2,000 bounds a median's 95% interval to about ±2% of ranks.
    static let cap = 2_000
    /// Trials a whole analysis keeps (about 40 MiB): a grid of more than 50 groups keeps fewer of
    /// each, never fewer than `floor`.
    static let budget = 100_000
    static let floor = 500

    let totals: TrialTotals
    /// Trials each group keeps whole.
    let perGroup: Int
    private var seen: [TrialTotals.Key: Int] = [:]
    private(set) var trials: [TrialRow] = []

    /// `totals`: each group's count, from a first pass.
    init(totals: TrialTotals) {
        self.totals = totals
        perGroup = max(Self.floor, min(Self.cap, Self.budget / max(1, totals.groups.count)))
    }

    /// The next trial of a pass in id order: kept when it is its group's k-th.
    mutating func offer(_ trial: TrialRow) {
        let key = TrialTotals.Key(cellId: trial.cellId, direction: trial.direction, warmup: trial.warmup)
        let count = totals.groups[key]?.trials ?? 0
        let stride = max(1, (count + perGroup - 1) / perGroup)
        let index = seen[key, default: 0]
        seen[key] = index + 1
        if index % stride == 0 { trials.append(trial) }
    }
}
