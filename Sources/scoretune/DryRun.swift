// `run --dry-run`: what a run would do, and for how long, with nothing created (no database, no
// object, no request to the store).
import Analysis
import Foundation
import Model
import Results
import Runner
import Scenario
import ScoreConfig
import Transport

struct DryRun: Encodable {
    struct Cell: Encodable {
        var position: Int
        var label: String
        var knobs: Knobs
        /// Everything the cell moves, up and down, warm-up repetitions included.
        var bytes: Int64
        /// Part uploads (or Azure blocks) and ranged downloads, warm-up included.
        var partTransfers: Int64
        /// Part size × parts in flight × objects at once: what the client holds (`Knobs.clientMemory`).
        var clientMemory: Int64
        /// From the estimate's source run; nil without one.
        var estimatedSeconds: Double?
        var estimateFrom: EstimateFrom?
    }

    /// Where a cell's time comes from.
    enum EstimateFrom: String, Encodable {
        /// The source run measured this very cell.
        case sameCell = "same cell"
        /// The source run's median over its cells.
        case runMedian = "run median"
        /// That median for a cell on a played network the source run did not measure: a lower bound.
        case lowerBound = "run median, lower bound (a played network)"
    }

    var scenario: String
    var env: String
    var mode: String
    var search: String
    var repetitions: Int
    var warmup: Int
    var cells: [Cell]
    /// Cells a search leaves out before measuring, with the reason.
    var pruned: [String]
    var notes: [String]
    var totalBytes: Int64
    var estimatedSeconds: Double?
    /// The earlier run on the same store the estimate comes from: `FILE:RUN_ID`.
    var estimateSource: String?
    var budgetSeconds: Double?

    static func make(scenarioPath: String, envPath: String?, database: String, worker: Worker?) async throws -> DryRun {
        let (scenario, env, settings) = try RunPlan.load(scenarioPath: scenarioPath, envPath: envPath)
        let plan = try RunPlan.make(scenario, settings: settings, envPath: env, worker: worker, resuming: false)
        // The endpoint as the run records it (on Azure, the account's URL): a connection is made
        // up, and nothing is sent.
        let transport = CurlTransport(options: TransportOptions())
        defer { transport.shutdown() }
        let endpoint = try StoreConnection(settings: settings, transport: transport, observer: nil).endpointURL
        var pruned: [String] = []
        var grid = plan.cells
        if scenario.search.strategy != .grid {
            let pruning = SearchPruning(cells: grid, scenario: scenario, defaults: plan.defaults,
                                        storeIsLocal: LoopbackHost.of(endpoint) != nil)
            grid = pruning.kept
            pruned = pruning.pruned.map { "\($0.knobs.label): \($0.reason)" }
        }
        let source = try await estimateSource(database: database, endpoint: endpoint)
        let repetitions = Int64(scenario.repetitions + scenario.warmup)
        // Every cell moves the same objects: up and back down, each repetition.
        let sizes = scenario.objects.map(\.size)
        let (bytes, overflow) = scenario.totalBytesPerRepetition.multipliedReportingOverflow(by: 2 * repetitions)
        var cells: [Cell] = []
        for (position, knobs) in grid.enumerated() {
            let transfers = sizes.map { Self.partTransfers(objectSize: $0, knobs: knobs, mode: scenario.mode) }.reduce(0, +) * repetitions
            var cell = Cell(position: position, label: knobs.label, knobs: knobs, bytes: overflow ? .max : bytes, partTransfers: transfers,
                            clientMemory: knobs.clientMemory ?? .max)
            if let source {
                let measured = source.analysis.cells.first { $0.knobs == knobs && $0.upload != nil && $0.download != nil }
                if let up = measured?.upload?.median ?? source.upload, let down = measured?.download?.median ?? source.download, up > 0, down > 0 {
                    // Per-object rates move `clients` objects at once; a clients sweep's rates are already aggregate.
                    let concurrency = source.analysis.axis == .aggregate ? 1 : Double(min(knobs.clients, max(scenario.objects.count, 1)))
                    let perRepetition = sizes.reduce(0.0) { $0 + Double($1) / 1e6 / up + Double($1) / 1e6 / down } / concurrency
                    cell.estimatedSeconds = perRepetition * Double(repetitions)
                    // A played network measured nowhere is slower than the source's rates say: a lower bound.
                    let played = knobs.network.flatMap { scenario.networks[$0] }.map { !$0.isIdentity } ?? false
                    cell.estimateFrom = measured != nil ? .sameCell : played ? .lowerBound : .runMedian
                }
            }
            cells.append(cell)
        }
        let estimates = cells.compactMap(\.estimatedSeconds)
        let budget = scenario.budgetMilliseconds.map { Double($0) / 1000 }
        var notes = plan.notes
        if scenario.search.strategy != .grid {
            notes.append("a \(scenario.search.strategy.rawValue) search measures fewer repetitions of the cells it drops: the figures are the grid's upper bound")
        }
        if source == nil {
            notes.append("no time estimate: \(database) holds no earlier run against \(endpoint) (a first run of scenarios/quickstart.yaml gives one)")
        }
        return DryRun(scenario: scenario.name, env: env, mode: scenario.mode.rawValue, search: scenario.search.strategy.rawValue,
                      repetitions: scenario.repetitions, warmup: scenario.warmup, cells: cells, pruned: pruned, notes: notes,
                      totalBytes: cells.reduce(Int64(0)) { $0.addingReportingOverflow($1.bytes).overflow ? .max : $0 + $1.bytes },
                      estimatedSeconds: estimates.count == cells.count && !cells.isEmpty ? estimates.reduce(0, +) : nil,
                      estimateSource: source.map { "\(database):\($0.analysis.run.id)" }, budgetSeconds: budget)
    }

    /// Uploads (parts, or Azure blocks) plus downloads (ranges) of one object in one repetition.
    static func partTransfers(objectSize: Int64, knobs: Knobs, mode: Mode) -> Int64 {
        func count(_ size: Int64) -> Int64 { size > 0 ? max(1, ObjectPart.count(objectSize: objectSize, partSize: size)) : 1 }
        if let block = knobs.blockSize { return count(block) + count(knobs.uploadPartSize) }
        if mode == .score {
            let parts = PartCalculator(uploadPartSize: knobs.uploadPartSize).partCount(objectSize: objectSize)
            return 2 * parts  // downloads follow the upload's layout
        }
        return count(knobs.uploadPartSize) + count(knobs.downloadPartSize ?? knobs.uploadPartSize)
    }

    /// The latest finished run in `database` against the same endpoint, with its median rates; the
    /// database is only read, and not created when it is missing.
    static func estimateSource(database: String, endpoint: String) async throws -> (analysis: RunAnalysis, upload: Double?, download: Double?)? {
        guard FileManager.default.fileExists(atPath: database), let results = try? ResultsDatabase(path: database, access: .read) else { return nil }
        for run in try await results.runs().reversed() where run.backendEndpoint == endpoint && run.status != .running {
            let analysis = try await RunAnalysis.load(database: results, runId: run.id)
            let up = Percentile.median(analysis.cells.compactMap { $0.upload?.median })
            let down = Percentile.median(analysis.cells.compactMap { $0.download?.median })
            if up != nil, down != nil { return (analysis, up, down) }
        }
        return nil
    }

    var lines: [String] {
        var out = ["dry run: \(scenario) (\(mode) mode, \(search)) against \(env): \(cells.count) cell(s), \(repetitions) repetition(s) + \(warmup) warm-up; nothing is created"]
        let rows = cells.map { cell in
            ["\(cell.position + 1)", cell.label, Units.humanSize(cell.bytes), "\(cell.partTransfers)", Units.humanSize(cell.clientMemory),
             cell.estimatedSeconds.map { (cell.estimateFrom == .lowerBound ? "≥" : "≈") + Units.humanDuration(seconds: $0) } ?? "–"]
        }
        out.append(TextTable(header: ["#", "cell", "moves", "part transfers", "client memory", "time"], rows: rows, rightAligned: [0, 2, 3, 4, 5]).text)
        for line in pruned { out.append("left out: \(line)") }
        var total = "in all: \(Units.humanSize(totalBytes)) moved"
        if let estimatedSeconds {
            let bound = cells.contains { $0.estimateFrom == .lowerBound }
            total += ", \(bound ? "at least" : "about") \(Units.humanDuration(seconds: estimatedSeconds)) from \(estimateSource ?? "an earlier run")"
                + (bound ? " (≥: cells on a played network it did not measure)" : "")
            if let budgetSeconds, budgetSeconds < estimatedSeconds { total += "; the budget of \(Units.humanDuration(seconds: budgetSeconds)) stops it first" }
        }
        out.append(total)
        for note in notes { out.append("note: \(note)") }
        return out
    }
}
