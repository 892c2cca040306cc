/// How a run orders its repetitions: the scenario's `order`, `runs.trial_order`.
public enum TrialOrder: String, Codable, Sendable, CaseIterable {
    /// Round-robin: each round measures one repetition of every cell, in an order shuffled anew
    /// per round. A machine that gets busier mid-run slows every cell alike instead of the cells
    /// that happened to run late, and the first and last rounds show whether it did (drift).
    case interleaved
    /// Each cell's repetitions back to back (`order: blocked`, and every run recorded before 0.4.0).
    case blocked
}
