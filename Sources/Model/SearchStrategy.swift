/// How a run explores its grid: the scenario's `search.strategy`, `runs.search_strategy`.
public enum SearchStrategy: String, Codable, Sendable, CaseIterable {
    /// Every cell, every repetition (the default, and every run recorded before 0.5.0).
    case grid
    /// Successive halving: every live cell gets a few interleaved rounds, the best 1/η (and any
    /// cell the leader cannot yet be told apart from) go on to η times more, until one cell or one
    /// set of equivalent cells is left with a full grid's evidence.
    case halving
    /// A concurrency ramp per family of cells (the grid's `parallel` or `clients` values): ×4, then
    /// ×2 while each step gains at least a stated share of linear and fails no more; one refining
    /// step between the last accepted and the rejected value; then halving over the ramps' winners.
    case ramp
}

/// Which knob a ramp climbs: the scenario's `search.ramp`.
public enum RampKnob: String, Codable, Sendable, CaseIterable {
    case parallel, clients
}
