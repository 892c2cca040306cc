import Model
import Results

extension RunAnalysis {
    /// What may make the run's figures mean less than they seem: cells during which the client
    /// rather than the store may have been the limit, drift between the first and last interleaved
    /// rounds, and a resumed run's cells measured in different sessions. `run`, `recommend` and the
    /// reports show them before their figures.
    public var measurementCautions: [Caution] {
        var cautions: [Caution] = []
        let saturated = cells.filter { $0.client?.saturated == true }
        if let worst = saturated.max(by: { $0.client!.runnablePerCore < $1.client!.runnablePerCore }) {
            cautions.append(.clientSaturated(cells: saturated.map(\.cell.id), worst: worst.client!, worstCell: worst.cell.id,
                                             storeOnThisMachine: LoopbackHost.of(run.backendEndpoint)))
        }
        cautions += Drift.check(self).map(Caution.drift)
        let sessions = cellsBySession
        if sessions.count > 1 {
            cautions.append(.resumed(sessions.map { Caution.SessionCells(session: $0.session, cells: $0.cells.map(\.cell.id)) }))
        }
        return cautions
    }

    /// Which cells each session measured (cells resumed mid-way appear in both).
    public var cellsBySession: [(session: Int, cells: [CellStatistics])] {
        let sessions = trialTotals.sum { !$0.warmup }.sessions.sorted()
        return sessions.map { session in
            (session, cells.filter { trialTotals.measured(cell: $0.cell.id).sessions.contains(session) })
        }
    }
}
