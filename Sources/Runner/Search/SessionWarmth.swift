import Model
import Results
import Scenario

/// What a search has warmed in this session (a resumed process starts cold): the cells it has
/// visited, and on each route to the store — straight, or through one proxy (`CellProxies.route`) —
/// how many connections its warm cells have opened in the run's shared pool. A warm cell whose
/// connections an earlier cell on its route already opened has nothing left to warm (its warm-up
/// would measure the same open connections), so it skips it. Cells that open their own
/// connections (`connections: per-object | per-request`) always warm up.
struct SessionWarmth: Sendable {
    let scenario: Scenario
    private(set) var cells: Set<Int64> = []
    /// Connections opened per route to the store.
    private var opened: [CellProxies.Route: Int] = [:]

    init(scenario: Scenario) { self.scenario = scenario }

    func needsWarmup(_ cell: CellRow) -> Bool {
        guard !cells.contains(cell.id) else { return false }
        guard cell.knobs.connections == .warm else { return true }
        return connections(cell) > opened[route(cell), default: 0]
    }

    mutating func visited(_ cell: CellRow) {
        cells.insert(cell.id)
        guard cell.knobs.connections == .warm else { return }
        opened[route(cell)] = max(opened[route(cell), default: 0], connections(cell))
    }

    private func route(_ cell: CellRow) -> CellProxies.Route { CellProxies.route(of: cell, scenario: scenario) }
    /// The connections a cell opens: each client moves at most `parallel` parts at once, and no
    /// more than the largest object has (a 20 MiB object in 20 MiB parts opens one, whatever the
    /// parallelism). Counted with the smallest part size the cell uses in either direction, so it
    /// errs toward a warm-up too many, never one too few.
    private func connections(_ cell: CellRow) -> Int {
        let knobs = cell.knobs
        let smallestPart = max(1, [knobs.uploadPartSize, knobs.downloadPartSize, knobs.blockSize].compactMap { $0 }.min() ?? 1)
        let parts = Int(clamping: ObjectPart.count(objectSize: scenario.largestObject, partSize: smallestPart))
        return min(knobs.parallel, max(1, parts)) * knobs.clients
    }
}
