/// How a run explores its grid: the scenario's `search.strategy`, `runs.search_strategy`.
public enum SearchStrategy: String, Codable, Sendable, CaseIterable {
    /// Every cell, every repetition (the default, and every run recorded before 0.5.0).
    case grid
    /// Successive halving: every live cell gets a few interleaved rounds, the best 1/η (and any
    /// cell the leader cannot yet be told apart from) go on to η times more, until one cell or one
    /// set of equivalent cells is left with a full grid's evidence.
    case halving
}
