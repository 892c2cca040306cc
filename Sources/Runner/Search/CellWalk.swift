import Model

/// How a run goes over its cells: the whole grid in rounds (`GridWalk`), successive halving
/// (`HalvingSearch`), or a concurrency ramp then halving (`RampSearch`). The runner picks one by
/// the scenario's `search.strategy`, walks it, and does the same before (the run's row, the
/// ledger) and after (the clean-up, the status) whichever it was.
protocol CellWalk: Sendable {
    /// Visits cells until the walk is done, its budget is spent, or it is cancelled (which throws).
    func walk() async throws -> RunStatus
}

extension HalvingSearch: CellWalk {
    func walk() async throws -> RunStatus { try await run() }
}

extension RampSearch: CellWalk {
    func walk() async throws -> RunStatus { try await run() }
}
