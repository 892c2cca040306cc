/// Where a run stands: `runs.status`.
public enum RunStatus: String, Sendable, CaseIterable, Codable {
    /// Going on, or its process died (the lease tells which).
    case running
    case completed
    /// Ended by Ctrl-C, SIGTERM or a closed terminal; `--resume` carries it on.
    case interrupted
    /// The scenario's time budget ran out before every cell was measured.
    case budgetExhausted = "budget-exhausted"
    /// The store stopped answering; the run gave up.
    case failed
}
