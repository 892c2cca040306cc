import Model
import Results

/// `search.strategy: grid`: every cell, visit by visit in the order `RoundPlan` gives (interleaved
/// rounds, or blocked). A distributed run's workers meet at a barrier before each visit and stop
/// together when any one's time budget is spent.
struct GridWalk: CellWalk {
    let visits: [CellVisit]
    let cells: [CellRow]
    let runId: Int64
    let execution: CellExecution
    let progress: RunProgress
    /// A distributed run's barrier; nil on one machine.
    let barrier: StoreBarrier?
    /// A resumed run: its earlier session's markers are its own, not another run's.
    let resuming: Bool
    let envPath: String
    let budgetMilliseconds: Int64?
    let timeSpent: @Sendable () -> Bool

    func walk() async throws -> RunStatus {
        let cellsById = Dictionary(uniqueKeysWithValues: cells.map { ($0.id, $0) })
        var passage: StoreBarrier.Passage?
        // Markers an earlier run of this tag left would release or stop this one wrongly.
        let firstBarrier = visits.first.flatMap { visit in cellsById[visit.cellId].map { BarrierRow.name(position: $0.position, round: visit.round) } }
        if let barrier, !resuming, let stale = try await barrier.earlierRunsMarker(firstBarrier: firstBarrier ?? BarrierRow.endName) {
            throw RunFailure.badInput("--tag \(barrier.worker.tag): the store holds barrier markers of an earlier run of this tag (\(stale)); "
                                      + "remove them with `scoretune clean --tag \(barrier.worker.tag) --env \(envPath)`, or use another tag")
        }
        var status = RunStatus.completed
        var done = cells.count - Set(visits.map(\.cellId)).count
        for visit in visits {
            guard let cell = cellsById[visit.cellId] else { continue }
            // Workers start each cell together, and stop together when any one's budget is spent.
            var stop = timeSpent()
            if let barrier {
                passage = try await barrier.pass(BarrierRow.name(position: cell.position, round: visit.round), cellId: cell.id,
                                                 stop: stop, previous: passage)
                stop = passage!.stop
            }
            if stop {
                status = .budgetExhausted
                progress.note("time budget of \(Units.formatDuration(budgetMilliseconds ?? 0)) spent"
                              + (barrier != nil && !timeSpent() ? " by another worker" : "")
                              + ": \(cells.count - done) cell(s) not complete" + (barrier == nil ? "; finish them with --resume \(runId)" : ""))
                break
            }
            if try await execution.run(visit, of: cell) { done += 1 }
        }
        // Also after a stop: passing "end" is what lets each worker remove its stop marker
        // without pulling it from under a worker still listing.
        if let barrier {
            _ = try await barrier.pass(BarrierRow.endName, cellId: nil, stop: false, previous: passage)
        }
        return status
    }
}
