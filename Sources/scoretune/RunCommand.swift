import Model
import Analysis
import ArgumentParser
import Foundation
import Results
import Runner
import Scenario

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario: Score's data path across a grid of settings, every attempt recorded in SQLite.",
        discussion: """
        Exit status: 0 the run finished or spent its time budget (failed trials are results, not errors), \
        1 the store cannot be used or stopped answering mid-run, or (a worker) the others did not reach a barrier in time \
        (status failed), 2 bad scenario, .env.score, option \
        or results database, 3 the results database is in use by another live run or clean-up, \
        130 interrupted (what the run created is removed first).
        """)

    @Argument(help: "The scenario file (YAML). Not needed with --resume.")
    var scenario: String?

    @Option(name: .long, help: "The .env.score to use instead of the scenario's 'env:'.")
    var env: String?

    @OptionGroup var database: DatabaseOption
    /// The database path as given; a worker's has `{rank}` replaced (see `run()`).
    var db: String { database.db }

    @Option(name: .long, help: "Finish the cells an earlier run (by id) did not complete.")
    var resume: Int64?

    @Flag(name: .long, help: "No progress output; only the summary (the same as --progress none).")
    var quiet = false

    @Option(name: .long, help: "bar (one live line, fitted to the terminal), plain (a log line per cell visit) or none. Default: bar on a terminal, else plain.")
    var progress: RunProgress.Style?

    @Flag(name: .long, help: "Print the summary as JSON (implies --quiet).")
    var json = false

    @Flag(name: .customLong("dry-run"), help: "Print the cells (after merging and pruning), the bytes, part transfers and client memory of each, and a time estimate from an earlier run on the same store in --db; create nothing and send nothing to the store.")
    var dryRun = false

    @OptionGroup var transportFlags: TransportFlags

    @OptionGroup(title: "Distributed runs") var workerFlags: WorkerFlags

    func validate() throws {
        if scenario == nil && resume == nil { throw ValidationError("name a scenario file, or --resume RUN_ID") }
        if scenario != nil && resume != nil { throw ValidationError("give a scenario file or --resume, not both") }
        if dryRun && scenario == nil { throw ValidationError("--dry-run plans a scenario file: name one") }
    }

    func run() async throws {
        if dryRun, let scenario {
            let plan: DryRun
            do {
                plan = try await DryRun.make(scenarioPath: scenario, envPath: env, database: db, worker: try workerFlags.resolve())
            } catch let failure as RunFailure {
                throw CommandFailure(message: failure.description, code: failure.exitCode)
            }
            if json { return try JSONOutput.print(plan) }
            return plan.lines.forEach { print($0) }
        }
        let worker = try workerFlags.resolve()
        let db = try WorkerFlags.databasePath(self.db, worker: worker)
        var options = RunOptions(scenarioPath: scenario, envPath: env, databasePath: db, resume: resume,
                                 transport: try transportFlags.options())
        options.worker = worker
        options.barrierTimeout = .seconds(workerFlags.barrierTimeout)
        options.uploadDatabase = workerFlags.uploadDb
        let shown = quiet || json ? RunProgress(style: .quiet) : progress.map { RunProgress(style: $0) } ?? RunProgress.automatic()
        let runner = ScenarioRunner(options: options, progress: shown)
        let identity = runner.identity
        let (result, interrupts) = try await Self.runInterruptibly(runner)
        // The run is recorded: its summary is read back from the database, as `report` would.
        let summary = RunSummary(try await RunAnalysis.load(database: try openResults(db), runId: result.runId))
        if json {
            try JSONOutput.print(RunReport(result: result, summary: summary, database: db))
        } else {
            printSummary(result, summary, db: db)
        }
        if let key = result.uploadedTo, !json { print("uploaded the results database to the object bucket as \(key)") }
        let cleanCommand = identity.cleanCommand ?? "scoretune clean --run \(result.runId)"
        for failure in result.leftBehind {
            Console.error("scoretune: could not remove \(failure); run `\(cleanCommand)`\n")
        }
        if result.status == .failed {
            throw CommandFailure(message: "run \(result.runId) failed: \(result.failure ?? "the store stopped answering")"
                                 + (result.leftBehind.isEmpty ? "" : "; once the store is back, run `\(cleanCommand)`"), code: 1)
        }
        if result.status == .interrupted || interrupts.happened {
            Console.error("scoretune: " + result.interruptedNote(cleanCommand: cleanCommand)
                          + (worker == nil ? " (finish it with `scoretune run --resume \(result.runId) --db \(RunIdentity.shellQuoted(db))`)\n"
                             : " (a worker is not resumed: run the scenario again under a new --tag)\n"))
            throw ExitCode(130)
        }
    }

    private func printSummary(_ result: RunResult, _ summary: RunSummary, db: String) {
        print("run \(result.runId): \(result.status.rawValue), \(result.cellsDone)/\(result.cellsTotal) cells, results in \(db)")
        let measured = summary.cells.filter { $0.trials > 0 }
        guard !measured.isEmpty else { return }
        print("")
        // Cells are named by id, as recommend's evidence and the cautions name them.
        let name = { (stats: RunSummary.CellStats) in "\(stats.cellId): \(stats.label)" }
        let width = measured.map { name($0).count }.max()! + 2
        func row(_ cells: [String]) -> String {
            cells[0].padding(toLength: width, withPad: " ", startingAt: 0)
                + cells.dropFirst().map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined(separator: " ")
        }
        if summary.axis == .aggregate { print("MB/s are aggregate: all of a repetition's transfers at once (the run sweeps clients)") }
        print(row(["cell", "up MB/s", "down MB/s", "failed", "retries", "client"]))
        for stats in measured.sorted(by: { ($0.uploadMBps ?? 0) > ($1.uploadMBps ?? 0) }) {
            print(row([name(stats), Units.formatMBps(stats.uploadMBps),
                       Units.formatMBps(stats.downloadMBps), "\(stats.failed)", "\(stats.retries)",
                       stats.clientSaturated ? "saturated" : "ok"]))
        }
        print("")
        for caution in summary.cautions { print("caution: \(caution)") }
        if !summary.cautions.isEmpty { print("") }
        // One network at a time: a run that played several names the best cells of each.
        for network in summary.networks {
            let on = summary.networks.count > 1 ? " on \(network ?? "the direct path")" : ""
            if let best = summary.bestUpload(network: network) { print("best upload\(on):   \(best.label) (\(Units.formatMBps(best.uploadMBps)) MB/s median)") }
            if let best = summary.bestDownload(network: network) { print("best download\(on): \(best.label) (\(Units.formatMBps(best.downloadMBps)) MB/s median)") }
        }
        if let why = summary.noBestReason { print("best cell:     none (\(why))") }
    }
}

struct RunReport: Encodable {
    var runId: Int64
    var status: RunStatus
    var failure: String?
    var database: String
    var cellsDone: Int
    var cellsTotal: Int
    var cells: [RunSummary.CellStats]
    var bestUploadCell: Int64?
    var bestDownloadCell: Int64?
    /// The best cells of each played network ("direct" for none), when the run played several.
    var bestByNetwork: [String: Best]
    /// What the MB/s figures are (per-object, or aggregate for a clients sweep), and what may make them mean less.
    var axis: ThroughputAxis
    var cautions: [String]
    var findings: [Caution]
    var leftBehind: [String]

    struct Best: Encodable {
        var uploadCell: Int64?
        var downloadCell: Int64?
    }

    init(result: RunResult, summary: RunSummary, database: String) {
        runId = result.runId
        status = result.status
        failure = result.failure
        self.database = database
        cellsDone = result.cellsDone
        cellsTotal = result.cellsTotal
        cells = summary.cells
        bestUploadCell = summary.bestUpload?.cellId
        bestDownloadCell = summary.bestDownload?.cellId
        bestByNetwork = Dictionary(uniqueKeysWithValues: summary.networks.map { network in
            (network ?? "direct", Best(uploadCell: summary.bestUpload(network: network)?.cellId,
                                       downloadCell: summary.bestDownload(network: network)?.cellId))
        })
        axis = summary.axis
        cautions = summary.cautions
        findings = summary.findings
        leftBehind = result.leftBehind
    }
}

extension RunProgress.Style: ExpressibleByArgument {}

extension Run {
    /// Runs one scenario so that Ctrl-C, SIGTERM or a closed terminal cancel it (the runner marks
    /// the run interrupted and removes what it created), and its failures become one line and
    /// their exit status. Shared by `run` and `confirm`.
    static func runInterruptibly(_ runner: ScenarioRunner) async throws -> (RunResult, Interrupts) {
        let task = Task { () -> Result<RunResult, Error> in
            do { return .success(try await runner.run()) } catch { return .failure(error) }
        }
        let identity = runner.identity
        let interrupts = Interrupts.cancelOnSignal(task) {
            identity.cleanCommand.map { "what the run created may still be in the store: run `\($0)`" }
        }
        switch await task.value {
        case .success(let value): return (value, interrupts)
        case .failure where interrupts.happened:
            throw CommandFailure(message: "interrupted before the run had created anything", code: 130)
        case .failure(let failure as RunFailure): throw CommandFailure(message: failure.description, code: failure.exitCode)
        case .failure(let error as ResultsDatabase.OpenError): throw CommandFailure(message: error.description, code: 2)
        case .failure(let error): throw CommandFailure(message: "\(error)", code: 1)
        }
    }
}
