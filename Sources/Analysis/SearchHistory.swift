import Model
import Results

/// What a search did, read back from its verdicts: how many decisions, which cells it measured,
/// and why each cell left — for `recommend`'s evidence and the report's chart.
public struct SearchHistory: Sendable {
    public var strategy: SearchStrategy
    public var verdicts: [SearchVerdictRow]
    /// Decisions after measuring (pruning, decision 0, not counted).
    public var decisions: Int { verdicts.map(\.rung).max() ?? 0 }
    public var pruned: [SearchVerdictRow] { verdicts.filter { $0.verdict == .pruned } }
    /// Each dropped cell's verdict (a cell is dropped once).
    public var dropped: [SearchVerdictRow] { verdicts.filter { $0.verdict == .dropped } }
    /// The cells kept at the last decision: the search's answer.
    public var survivors: [Int64] { verdicts.filter { $0.rung == decisions && $0.verdict == .kept }.map(\.cellId) }

    /// nil for a run that searched nothing (a grid run, or one recorded before v8).
    public init?(_ analysis: RunAnalysis) {
        guard let strategy = analysis.run.searchStrategy, strategy != .grid, !analysis.searchVerdicts.isEmpty else { return nil }
        self.strategy = strategy
        verdicts = analysis.searchVerdicts
    }

    /// The verdict that set a cell aside, if one did.
    public func leaving(_ cellId: Int64) -> SearchVerdictRow? {
        verdicts.first { $0.cellId == cellId && $0.verdict != .kept }
    }

    /// Lines of evidence: the search's course, its cost against the whole grid, the closest calls.
    func evidence(_ analysis: RunAnalysis) -> [String] {
        let cells = analysis.cells.count
        let measured = Set(analysis.trialTotals.groups.keys.map(\.cellId)).count
        let trials = analysis.trialTotals.all.trials
        let how = strategy == .ramp ? "a concurrency ramp, then successive halving," : "successive halving"
        var lines = ["chosen by \(how) after \(decisions) decision(s): \(measured) of \(cells) cells measured"
                     + (pruned.isEmpty ? "" : ", \(pruned.count) pruned before any trial") + ", \(trials) trials"]
        if let full = fullGridTrials(analysis), full.trials > 0 {
            lines[0] += String(format: " (the whole grid at %d rounds: about %d, so %.0f%%)", full.rounds, full.trials,
                               100 * Double(trials) / Double(full.trials))
        }
        // The last cells to go were the closest calls: they are the evidence worth reading first.
        for verdict in dropped.sorted(by: { ($0.rung, $0.median ?? 0) > ($1.rung, $1.median ?? 0) }).prefix(4) {
            let label = analysis.cells.first { $0.cell.id == verdict.cellId }?.knobs.label ?? "?"
            lines.append("cell \(verdict.cellId) (\(label)) dropped at decision \(verdict.rung) after \(verdict.rounds) round(s): \(verdict.reason)")
        }
        if dropped.count > 4 { lines.append("\(dropped.count - 4) more dropped earlier (the search_verdicts table has every reason)") }
        if let reason = pruned.first?.reason {
            lines.append("pruned before any trial: \(pruned.count) cell(s), e.g. \(reason)")
        }
        return lines
    }

    /// What measuring every cell to the search's deepest rounds would have cost: cells × (warm-up +
    /// rounds) × trials per round (a search its budget stopped went less deep than the scenario's repetitions).
    private func fullGridTrials(_ analysis: RunAnalysis) -> (rounds: Int, trials: Int)? {
        guard let survivor = survivors.first else { return nil }
        let perRound = analysis.trialTotals.measured(cell: survivor).byRound[0] ?? 0
        guard perRound > 0 else { return nil }
        // Warm-up repetitions are numbered 0..<warmup in every session: count the numbers, not the
        // sessions, over every cell (a search lets a cell skip a warm-up another one already did).
        let warmupRounds = analysis.trialTotals.sum(where: \.warmup).repetitions.count
        let rounds = verdicts.map(\.rounds).max() ?? 0
        return (rounds, analysis.cells.count * (warmupRounds + rounds) * perRound)
    }
}
