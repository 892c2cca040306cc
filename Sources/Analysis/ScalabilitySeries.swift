import Model

/// The cells of a clients sweep that differ only in `clients`, as aggregate-throughput points with
/// the Universal Scalability Law fitted through them: what `plan` projects from and the report plots.
/// In a merged distributed run the load is every worker's clients together — clients × the
/// cell's workers (`grid.workers`, else all of the run's) — so a workers sweep is a load sweep too,
/// and its throughput is the fleet's (the leading figure of each round, barrier-aligned).
public struct ScalabilitySeries: Sendable {
    /// The other knobs, held fixed while `clients` varies.
    public var fixed: String
    public var points: [CapacityPlan.Point]
    /// nil with fewer than 3 client levels.
    public var model: UniversalScalability?

    /// The family with the most client levels (ties: the fastest), one point per level: the best
    /// median aggregate throughput over its repetitions.
    public init(_ analysis: RunAnalysis, direction: Direction) throws {
        let perCell = analysis.fleet.map { fleet in
            Dictionary(fleet.figures.filter { $0.direction == direction && !$0.leadSamples.isEmpty }.map { ($0.cellId, $0.leadSamples) },
                       uniquingKeysWith: { a, _ in a })
        } ?? AggregateThroughput.rates(analysis.trialTotals, direction: direction)
        let runWorkers = analysis.run.workers ?? 1
        func load(_ knobs: Knobs) -> Int { knobs.clients * (knobs.workers ?? runWorkers) }
        // A family: the cells whose knobs are the same but for the load (clients, workers).
        var families: [Knobs: [(CellStatistics, Double, Int)]] = [:]
        for stats in analysis.cells {
            guard let rates = perCell[stats.cell.id], let median = Statistics.median(rates) else { continue }
            var knobs = stats.knobs
            knobs.clients = 0
            knobs.workers = nil
            families[knobs, default: []].append((stats, median, rates.count))
        }
        func rank(_ family: [(CellStatistics, Double, Int)]) -> (Int, Double) {
            (Set(family.map { load($0.0.cell.knobs) }).count, family.map(\.1).max()!)
        }
        guard let family = families.max(by: { rank($0.value) < rank($1.value) }) else {
            throw AnalysisError("run \(analysis.run.id): no successful \(direction.rawValue) trials to plan from")
        }
        points = Dictionary(grouping: family.value, by: { load($0.0.cell.knobs) })
            .map { CapacityPlan.Point(clients: $0.key, throughput: $0.value.map(\.1).max()!, repetitions: $0.value.map(\.2).reduce(0, +)) }
            .sorted { $0.clients < $1.clients }
        guard points.count > 1 else {
            if let fleet = analysis.fleet {
                let figure = Units.formatMBps(points[0].throughput)
                let levels = Array(Set([1, max(1, fleet.workers / 2), fleet.workers])).sorted().map(String.init).joined(separator: ", ")
                throw CapacityPlan.NeedsClientsSweep(description: "run \(analysis.run.id) is a merged run of \(fleet.workers) workers at one load "
                    + "(the fleet's \(direction.rawValue) aggregate \(figure) MB/s at \(points[0].clients) transfer(s) at once): plan fits the load's "
                    + "scalability, so it needs a sweep of it: add `workers: [\(levels)]` to the scenario's grid (each cell then runs on that many "
                    + "of the \(fleet.workers) workers; 3 levels or more for a fit), or grid.clients with at least 2 levels")
            }
            throw CapacityPlan.NeedsClientsSweep(description: "run \(analysis.run.id) does not sweep clients (every cell ran \(points[0].clients) transfer(s) at once): "
                                                 + "plan needs grid.clients (or, distributed, grid.workers) with at least 2 levels, 3 for a scalability fit (see scenarios/capacity.yaml)")
        }
        fixed = family.key.label(excluding: [.clients, .workers])
        model = UniversalScalability.fit(points.map { (Double($0.clients), $0.throughput) })
    }
}
