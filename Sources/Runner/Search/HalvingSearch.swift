import Foundation
import Model
import Results
import Scenario

/// Runs a scenario's grid as successive halving (`search.strategy: halving`): rounds of
/// interleaved visits to the live cells, each followed by a decision (`SuccessiveHalving`) that is
/// recorded with its reasons before the next round starts. A resumed search goes on from its last
/// recorded decision: the cells it dropped stay dropped, the live ones continue from their
/// complete rounds.
struct HalvingSearch: Sendable {
    let scenario: Scenario
    let database: ResultsDatabase
    let runId: Int64
    let execution: CellExecution
    let progress: RunProgress
    /// Whether the run's time budget is spent.
    let timeSpent: @Sendable () -> Bool

    /// Trials one measured round of one cell records: every object up, then down.
    var trialsPerRound: Int { scenario.objects.count * 2 }

    /// The grid as the search starts it: every cell inserted in the run's shuffled order, those
    /// `SearchPruning` leaves out marked pruned with their reasons (decision 0).
    static func insertCells(_ plan: RunPlan, scenario: Scenario, storeIsLocal: Bool, runId: Int64,
                            database: ResultsDatabase, progress: RunProgress) async throws -> [CellRow] {
        let pruning = SearchPruning(cells: plan.cells, scenario: scenario, defaults: plan.defaults, storeIsLocal: storeIsLocal)
        let reasons = Dictionary(pruning.pruned.map { ($0.knobs, $0.reason) }, uniquingKeysWith: { first, _ in first })
        let cells = try await database.insertSearchCells(plan.cellRows(runId: runId, seed: scenario.orderSeed), pruned: reasons)
        if !reasons.isEmpty {
            progress.note("search: \(reasons.count) of \(cells.count) cell(s) pruned before any trial (see `recommend` or the search_verdicts table)")
        }
        return cells
    }

    /// Runs decisions until one cell, or one set of equivalent cells, has a full grid's evidence.
    /// `warmed`: what this session has warmed already (a ramp before it may have).
    func run(warmed: SessionWarmth? = nil) async throws -> RunStatus {
        let search = scenario.search
        var warmed = warmed ?? SessionWarmth(scenario: scenario)
        while true {
            let recorded = try await database.searchVerdicts(run: runId)
            let rung = (recorded.map(\.rung).max() ?? 0) + 1
            let live = try await database.cells(run: runId).filter { !$0.status.isSetAside }
            guard !live.isEmpty else { return .completed }
            // The next rounds of the schedule no decision has been taken at: a resumed search goes
            // on where it stopped, and after a ramp (decided at initial_rounds) halving starts above it.
            let decided = Set(recorded.filter { $0.verdict != .pruned }.map(\.rounds))
            let have = live.map(\.roundsDone).min() ?? 0
            var target = schedule.first { $0 > have || ($0 == have && !decided.contains($0)) } ?? scenario.repetitions
            var final = target >= scenario.repetitions
            // A trial budget that cannot measure the whole round ends the search with a last decision
            // on the evidence there is, rather than a round cut in the middle.
            var stoppedByBudget = false
            if let budget = search.trialBudget, try await database.trialCount(run: runId) + cost(live, to: target, warmed: warmed) > budget {
                guard have >= 1, !decided.contains(have) else {
                    progress.note("trial budget of \(budget) spent: " + (have >= 1 ? "the search's last decision stands" : "no complete round to decide on"))
                    return .budgetExhausted
                }
                progress.note("trial budget of \(budget) cannot measure the next round: the last decision is taken at \(have) round(s)")
                (target, final, stoppedByBudget) = (have, true, true)
            }
            progress.note("search decision \(rung): \(live.count) live cell(s), each measured to \(target) round(s)"
                          + (final && !stoppedByBudget ? " (a full grid's evidence)" : ""))
            guard try await measure(live, to: target, warmed: &warmed) else { return .budgetExhausted }

            let trials = try await database.trials(run: runId)
            let standings = live.map { CellStanding(cell: $0, trials: trials, objective: search.objective, rounds: target) }
            // One network at a time: each played network has its own leader and its own answer.
            let carried = try await cellsTheBudgetCarries(from: target)
            let networks = Dictionary(grouping: live, by: \.knobs.network)
            let verdicts = networks.keys.sorted { ($0 ?? "") < ($1 ?? "") }.flatMap { network in
                let ids = Set(networks[network]!.map(\.id))
                return SuccessiveHalving.decide(standings.filter { ids.contains($0.cellId) }, eta: search.eta,
                                                maxKeep: max(1, carried / networks.count), final: final)
            }
            try await record(verdicts.map { ($0.standing, $0.verdict, $0.reason) }, rung: rung, rounds: target)
            let dropped = Set(verdicts.filter { $0.verdict == .dropped }.map(\.standing.cellId))
            for cell in live where dropped.contains(cell.id) { await execution.proxies.stop(cell: cell, scenario: scenario) }
            let kept = verdicts.filter { $0.verdict == .kept }
            progress.note("search decision \(rung): kept \(kept.map { "cell \($0.standing.cellId)" }.joined(separator: ", ")); "
                          + "dropped \(verdicts.count - kept.count)")
            if final { return stoppedByBudget ? .budgetExhausted : .completed }
        }
    }

    /// Trials that bring `cells` to `rounds` (warm-ups of cells this session has not visited included).
    func cost(_ cells: [CellRow], to rounds: Int, warmed: SessionWarmth) -> Int {
        cells.reduce(0) { sum, cell in
            let missing = max(0, rounds - cell.roundsDone)
            guard missing > 0 else { return sum }
            return sum + trialsPerRound * (missing + (warmed.needsWarmup(cell) ? scenario.warmup : 0))
        }
    }

    /// The rounds at which halving decides: initial, ×η each time, up to the repetitions.
    var schedule: [Int] {
        var values: [Int] = []
        for rung in 0..<64 {
            let rounds = scenario.search.rounds(afterRung: rung, repetitions: scenario.repetitions)
            if values.last != rounds { values.append(rounds) }
            if rounds >= scenario.repetitions { break }
        }
        return values
    }

    /// Brings `cells` to `rounds` measured rounds each, in interleaved order; false when the
    /// budget stopped it first.
    func measure(_ cells: [CellRow], to rounds: Int, warmed: inout SessionWarmth) async throws -> Bool {
        let visits = RoundPlan.visits(cells: cells, repetitions: rounds, order: .interleaved, seed: scenario.orderSeed)
        progress.start(visits: visits.count, cells: cells.count, rounds: rounds)
        let byId = Dictionary(uniqueKeysWithValues: cells.map { ($0.id, $0) })
        for visit in visits {
            if let stop = try await budgetStop(visit) { progress.note(stop); return false }
            guard let cell = byId[visit.cellId] else { continue }
            var visit = visit
            // Decided at the visit, not when planned: an earlier visit of this round may have warmed the pool.
            if visit.warmup { visit.warmup = warmed.needsWarmup(cell) }
            _ = try await execution.run(visit, of: cell)
            warmed.visited(cell)
        }
        return true
    }

    /// One decision's verdicts, written in one transaction with the cells they set aside.
    func record(_ verdicts: [(standing: CellStanding, verdict: SearchVerdict, reason: String)], rung: Int, rounds: Int) async throws {
        try await database.recordSearchDecision(rows(verdicts, rung: rung, rounds: rounds))
    }

    func rows(_ verdicts: [(standing: CellStanding, verdict: SearchVerdict, reason: String)], rung: Int, rounds: Int) -> [SearchVerdictRow] {
        let now = Date().timeIntervalSince1970
        return verdicts.map {
            let i = $0.standing.interval
            return SearchVerdictRow(runId: runId, cellId: $0.standing.cellId, rung: rung, rounds: rounds, verdict: $0.verdict, reason: $0.reason,
                                    median: $0.standing.samples.isEmpty ? nil : $0.standing.median,
                                    low: $0.standing.samples.isEmpty ? nil : i.low, high: $0.standing.samples.isEmpty ? nil : i.high,
                                    level: $0.standing.samples.isEmpty ? nil : i.level, decidedAt: now)
        }
    }

    /// A reason to stop before this visit, when it would overrun the trial budget or the time is spent.
    private func budgetStop(_ visit: CellVisit) async throws -> String? {
        if timeSpent() { return "time budget spent: the search stops before its decision; finish it with --resume \(runId)" }
        guard let budget = scenario.search.trialBudget else { return nil }
        let cost = trialsPerRound * (visit.rounds.count + (visit.warmup ? scenario.warmup : 0))
        let used = try await database.trialCount(run: runId)
        guard used + cost > budget else { return nil }
        return "trial budget of \(budget) spent (\(used) used; the next visit needs \(cost)): the search stops; finish it with --resume \(runId)"
    }

    /// The most cells the remaining trial budget can measure in the next round (all of them without a budget).
    private func cellsTheBudgetCarries(from rounds: Int) async throws -> Int {
        guard let budget = scenario.search.trialBudget else { return Int.max }
        let next = schedule.first { $0 > rounds } ?? rounds
        let perCell = (next - rounds) * trialsPerRound
        guard perCell > 0 else { return Int.max }
        return max(1, (budget - (try await database.trialCount(run: runId))) / perCell)
    }
}
