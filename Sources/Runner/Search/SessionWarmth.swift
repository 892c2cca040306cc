import Model
import Results

/// What a search has warmed in this session (a resumed process starts cold): the cells it has
/// visited, and how many connections the direct cells opened in the run's shared pool. A direct
/// cell with warm connections whose parallel × clients an earlier direct cell already opened has
/// nothing left to warm — its warm-up would measure the same open connections — so it skips it.
/// Played-network cells each talk through a proxy of their own and always warm up.
struct SessionWarmth: Sendable {
    private(set) var cells: Set<Int64> = []
    private(set) var directConnections = 0

    func needsWarmup(_ cell: CellRow) -> Bool {
        guard !cells.contains(cell.id) else { return false }
        return !(Self.sharesThePool(cell) && connections(cell) <= directConnections)
    }

    mutating func visited(_ cell: CellRow) {
        cells.insert(cell.id)
        if Self.sharesThePool(cell) { directConnections = max(directConnections, connections(cell)) }
    }

    private static func sharesThePool(_ cell: CellRow) -> Bool { cell.knobs.network == nil && cell.knobs.connections == .warm }
    private func connections(_ cell: CellRow) -> Int { cell.knobs.parallel * cell.knobs.clients }
}
