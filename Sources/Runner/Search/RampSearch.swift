import Foundation
import Model
import Results

/// `search.strategy: ramp`: a concurrency ramp (`ConcurrencyRamp`) in every family of cells that
/// differ only in the ramped knob, all families measured together in interleaved rounds; the cells
/// no ramp reached are pruned, and halving then decides among the ramps' answers. The ramp's steps
/// are recorded together when it ends; a ramp cut short is replayed on resume from the trials it
/// recorded (the same measurements give the same steps), so nothing is measured twice.
struct RampSearch: Sendable {
    let halving: HalvingSearch

    func run() async throws -> RunStatus {
        let scenario = halving.scenario, database = halving.database
        var warmed = SessionWarmth(scenario: scenario)
        if try await database.searchVerdicts(run: halving.runId).contains(where: { $0.rung > 0 }) {
            return try await halving.run(warmed: warmed)   // the ramp was recorded: halving goes on
        }
        let knob = scenario.search.rampKnob ?? .parallel
        let live = try await database.cells(run: halving.runId).filter { !$0.status.isSetAside }
        let families = Dictionary(grouping: live) { cell -> Knobs in
            var key = cell.knobs
            if knob == .parallel { key.parallel = 0 } else { key.clients = 0 }
            return key
        }
        var ramps = families.values.map { cells in
            ConcurrencyRamp(knob: knob, ladder: cells.map { .init(value: knob == .parallel ? $0.knobs.parallel : $0.knobs.clients, cellId: $0.id) },
                            minGain: scenario.search.minGain)
        }.sorted { $0.ladder[0].cellId < $1.ladder[0].cellId }
        let rounds = scenario.search.initialRounds
        var step = 0
        while ramps.contains(where: { !$0.done }) {
            step += 1
            let ids = Set(ramps.filter { !$0.done }.flatMap(\.toMeasure))
            let cells = try await database.cells(run: halving.runId).filter { ids.contains($0.id) }
            let climbing = ramps.filter { !$0.done }.count
            halving.progress.note("ramp step \(step): \(climbing) \(climbing == 1 ? "family" : "families") climbing \(knob.rawValue)")
            guard try await halving.measure(cells, to: rounds, warmed: &warmed) else { return .budgetExhausted }
            let trials = try await database.trials(run: halving.runId)
            let standings = Dictionary(uniqueKeysWithValues: cells.map {
                ($0.id, CellStanding(cell: $0, trials: trials, objective: scenario.search.objective, rounds: rounds))
            })
            var failures: [Int64: Int] = [:]
            for trial in trials where !trial.warmup && !trial.succeeded && ids.contains(trial.cellId) { failures[trial.cellId, default: 0] += 1 }
            for index in ramps.indices where !ramps[index].done { ramps[index].decide(standings, failures: failures) }
        }

        // Record the ramp: each step's verdicts as a decision of its own, then the cells no ramp reached.
        let trials = try await database.trials(run: halving.runId)
        let cells = Dictionary(uniqueKeysWithValues: live.map { ($0.id, $0) })
        func standing(_ id: Int64) -> CellStanding {
            CellStanding(cell: cells[id]!, trials: trials, objective: scenario.search.objective, rounds: rounds)
        }
        // Every step and every prune in one transaction: an interrupt leaves the ramp either wholly
        // recorded (halving goes on) or not at all (it is replayed from the trials).
        let allSteps = ramps.flatMap(\.steps)
        var rows: [SearchVerdictRow] = []
        for number in Set(allSteps.map(\.step)).sorted() {
            rows += halving.rows(allSteps.filter { $0.step == number }.map { (standing($0.cellId), $0.verdict, $0.reason) },
                                 rung: number, rounds: rounds)
        }
        let reached = Set(allSteps.map(\.cellId))
        let unreached = live.filter { !reached.contains($0.id) }
        let now = Date().timeIntervalSince1970
        rows += unreached.map { cell in
            let ramp = ramps.first { $0.ladder.contains { $0.cellId == cell.id } }!
            let stop = ramp.ladder.first { $0.cellId == ramp.answer }!.value
            return SearchVerdictRow(runId: halving.runId, cellId: cell.id, rung: 0, rounds: 0, verdict: .pruned,
                                    reason: "the \(knob.rawValue) ramp of its family stopped at \(stop) and never reached it", decidedAt: now)
        }
        try await database.recordSearchDecision(rows)
        halving.progress.note("ramp: \(ramps.count) \(ramps.count == 1 ? "family" : "families"), answers \(ramps.map { "cell \($0.answer)" }.joined(separator: ", ")); "
                              + "\(unreached.count) cell(s) never reached; successive halving decides among the answers")
        return try await halving.run(warmed: warmed)
    }
}
