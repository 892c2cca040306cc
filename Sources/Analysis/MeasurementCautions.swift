import Model
import Results

extension RunAnalysis {
    /// What may make the run's figures mean less than they seem, one line each: cells during
    /// which the client rather than the store may have been the limit, drift between the first
    /// and last interleaved rounds, and a resumed run's cells measured in different sessions.
    /// `run`, `recommend` and the reports print them before their figures.
    public var measurementCautions: [String] {
        var lines: [String] = []
        let saturated = cells.filter { $0.client?.saturated == true }
        if let worst = saturated.max(by: { $0.client!.runnablePerCore < $1.client!.runnablePerCore }) {
            if let host = LoopbackHost.of(run.backendEndpoint) {
                // A store on this same machine shares its cores: the machine, not the store as such, was the limit.
                lines.append("this machine may have been the limit, not the store as such, in \(Self.cellList(saturated)): "
                             + "\(worst.client!.description) (cell \(worst.cell.id)), and the store at \(host) runs here too, so client and store competed for them")
            } else {
                lines.append("the client, not the store, may have been the limit in \(Self.cellList(saturated)): "
                             + "\(worst.client!.description) (cell \(worst.cell.id)); run scoretune on a quieter or larger machine, or fewer transfers at once")
            }
        }
        lines += Drift.check(self).map(\.description)
        let sessions = cellsBySession
        if sessions.count > 1 {
            lines.append("measured in \(sessions.count) sessions (resumed): "
                         + sessions.map { "session \($0.session): \(Self.cellList($0.cells))" }.joined(separator: "; ")
                         + " — time apart can differ in load; rerun in one go to compare them strictly")
        }
        return lines
    }

    /// Which cells each session measured (cells resumed mid-way appear in both).
    public var cellsBySession: [(session: Int, cells: [CellStatistics])] {
        let measured = trials.filter { !$0.warmup }
        let sessions = Set(measured.compactMap(\.session)).sorted()
        return sessions.map { session in
            let ids = Set(measured.filter { $0.session == session }.map(\.cellId))
            return (session, cells.filter { ids.contains($0.cell.id) })
        }
    }

    static func cellList(_ cells: [CellStatistics]) -> String {
        (cells.count == 1 ? "cell " : "cells ") + cells.map { "\($0.cell.id)" }.joined(separator: ", ")
    }
}
