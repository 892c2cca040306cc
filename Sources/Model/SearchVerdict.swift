/// What a search decided about a cell: `search_verdicts.verdict`.
public enum SearchVerdict: String, Codable, Sendable, CaseIterable {
    /// Left out before any trial.
    case pruned
    /// Measured on, into the next round of decisions.
    case kept
    /// Measured no further after this decision.
    case dropped
}
