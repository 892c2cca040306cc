import Analysis
import ArgumentParser
import Foundation
import Model
import Results
import Runner
import Transport

struct Merge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the databases of a distributed run's workers into one run, with each worker's provenance.",
        discussion: """
        The databases must hold one worker each (run --worker K/N), all of one tag, one worker count, one scenario \
        and one store, and every rank once; anything else is refused with one line. With --tag (and --env) the \
        databases the workers uploaded (run --upload-db) are fetched from the object bucket, and removed from it once \
        merged. With --env the tag's last barrier markers are removed from the store. The merged run works with \
        recommend, report, compare and plan. \
        Exit status: 0 merged, 1 markers could not be removed, 2 the databases do not make one run (or bad input).
        """)

    @Argument(help: "The workers' databases (e.g. results/worker-*.sqlite).")
    var files: [String] = []

    @Option(name: .long, help: "Fetch the databases the workers of this tag uploaded (run --upload-db) from the object bucket; needs --env.")
    var tag: String?

    @Option(name: .long, help: "The database the merged run goes into.")
    var db = "reports/scoretune.sqlite"

    @Option(name: .long, help: "The .env.score of the workers' store: remove the tag's last barrier markers.")
    var env: String?

    @Flag(name: .long, help: "Print the summary as JSON.")
    var json = false

    @OptionGroup var transportFlags: TransportFlags

    func run() async throws {
        var files = self.files
        var fetched: String?
        if let tag {
            if let problem = Worker.tagProblem(tag) { throw CommandFailure(message: "--tag \(tag.prefix(70)): \(problem)") }
            guard files.isEmpty else { throw CommandFailure(message: "--tag fetches the databases from the store: name no files with it") }
            guard env != nil else { throw CommandFailure(message: "--tag \(tag): give --env FILE, the .env.score of the workers' store") }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-merge-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            fetched = folder
        }
        defer { if let fetched { try? FileManager.default.removeItem(atPath: fetched) } }
        if let tag, let env, let folder = fetched {
            files = try await transportFlags.withSharedStore(env) { try await WorkerResults.download(tag: tag, into: folder, connection: $0) }
            if files.isEmpty { throw CommandFailure(message: "--tag \(tag): no worker database under \(WorkerResults.prefix(tag: tag)) in the object bucket") }
        }
        let shards: [WorkerMerge.Shard]
        do { shards = try await WorkerMerge.shards(files) } catch let refusal as WorkerMerge.Refusal {
            throw CommandFailure(message: refusal.description)
        }
        if shards.contains(where: { FileManager.default.fileExists(atPath: db) && URL(fileURLWithPath: $0.path).standardized == URL(fileURLWithPath: db).standardized }) {
            throw CommandFailure(message: "--db \(db): is one of the workers' databases; give another file for the merged run")
        }
        let output: ResultsDatabase
        do { output = try ResultsDatabase(path: db) } catch let error as ResultsDatabase.OpenError { throw CommandFailure(message: error.description) }
        do { try await output.acquireLease(.clean) } catch let held as RunLease.Held {
            throw CommandFailure(message: held.description, code: 3)
        }
        // Ctrl-C (or SIGTERM, a closed terminal) stops the copy and leaves no half-merged run.
        let merging = Task { () -> Result<Int64, Error> in
            do { return .success(try await WorkerMerge.merge(shards, into: output)) } catch { return .failure(error) }
        }
        let interrupts = Interrupts.cancelOnSignal(merging)
        let merged = await merging.value
        try? await output.releaseLease()
        if interrupts.happened, case .failure = merged {
            try? output.close()
            throw CommandFailure(message: "interrupted: nothing merged (\(db) holds no part of it)", code: 130)
        }
        let runId = try merged.get()
        let tag = shards[0].run.tag ?? ""
        var warnings: [String] = []
        for shard in shards where shard.leftInStore > 0 {
            warnings.append("worker \(shard.rank) left \(shard.leftInStore) item(s) in the store: `scoretune clean --db \(shard.path)` or `scoretune clean --tag \(tag) --env FILE`")
        }
        var removedFromStore: Int?
        var failures: [String] = []
        if let env {
            // The last barrier's markers, and the uploaded databases once merged.
            let leftovers = [Worker.barrierPrefix(tag: tag)] + (fetched != nil ? [WorkerResults.prefix(tag: tag)] : [])
            let (report, scrubbed) = try await transportFlags.withSharedStore(env) { connection in
                let report = await TagCleaner(connection: connection).clean(tag: tag, only: { leftovers.contains($0) })
                return (report, report.failures.map(connection.settings.scrubbed))
            }
            removedFromStore = report.removed
            failures = scrubbed
        }
        var summary = try await MergeSummary.load(output, runId: runId, shards: shards, removedFromStore: removedFromStore, warnings: warnings)
        try? output.close()
        // A copy of the merged file alone, carried off the cluster, holds the whole run.
        do { try ResultsDatabase.makeSelfContained(path: db) } catch let error as ResultsDatabase.OpenError {
            summary.warnings.append(error.description)
            warnings.append(error.description)
        }
        if json {
            try JSONOutput.print(summary)
        } else {
            summary.print()
        }
        for warning in warnings { Console.error("scoretune: warning: \(warning)\n") }
        for failure in failures { Console.error("scoretune: could not remove \(failure)\n") }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}

/// What `merge` says about the run it wrote.
struct MergeSummary: Encodable {
    var runId: Int64
    var database: String
    var tag: String
    var workers: Int
    var status: RunStatus
    var cells: Int
    var trials: Int
    /// Trials per worker, by rank.
    var trialsByWorker: [String: Int]
    /// The spread of the workers' releases at each barrier, in milliseconds: the largest and the median.
    var releaseSkewMaxMs: Double?
    var releaseSkewMedianMs: Double?
    var aggregates: [DistributedThroughput]
    var labels: [String: String]
    var removedFromStore: Int?
    var warnings: [String]

    static func load(_ database: ResultsDatabase, runId: Int64, shards: [WorkerMerge.Shard], removedFromStore: Int?,
                     warnings: [String]) async throws -> MergeSummary {
        let analysis = try await RunAnalysis.load(database: database, runId: runId)
        let (run, cells, fleet) = (analysis.run, analysis.cells.map(\.cell), analysis.fleet)
        return MergeSummary(
            runId: runId, database: database.path, tag: shards[0].run.tag ?? "", workers: shards.count, status: run.status,
            cells: cells.count, trials: analysis.trialTotals.all.trials,
            trialsByWorker: Dictionary(uniqueKeysWithValues: analysis.trialTotals.byWorker.map { (String($0.key ?? -1), $0.value) }),
            releaseSkewMaxMs: fleet?.releaseSkewMax.map { $0 * 1000 }, releaseSkewMedianMs: fleet?.releaseSkewMedian.map { $0 * 1000 },
            aggregates: fleet?.figures ?? [],
            labels: Dictionary(uniqueKeysWithValues: cells.map { (String($0.id), $0.knobs.label) }),
            removedFromStore: removedFromStore, warnings: warnings)
    }

    func print() {
        Swift.print("run \(runId): merged \(workers) workers of tag \(tag) (\(status.rawValue)), \(cells) cells, \(trials) trials, results in \(database)")
        Swift.print("trials by worker: " + trialsByWorker.keys.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.map { "\($0): \(trialsByWorker[$0]!)" }.joined(separator: ", "))
        if let max = releaseSkewMaxMs, let median = releaseSkewMedianMs {
            Swift.print(String(format: "barrier release skew: %.0f ms at most, %.0f ms median (poll interval %lld ms)", max, median,
                               StoreBarrier.pollInterval(workers: workers).milliseconds))
        }
        if let removedFromStore { Swift.print("removed \(removedFromStore) item(s) of the tag from the store (the last barrier markers, uploaded databases)") }
        guard !aggregates.isEmpty else { return }
        Swift.print("\naggregate MB/s of all workers together (medians over rounds):")
        func row(_ cells: [String]) -> String {
            let widths = [5, 10, 8, 9, 20, 10, 12, 13]
            return zip(cells, widths).enumerated().map { index, pair in
                let pad = String(repeating: " ", count: max(0, pair.1 - pair.0.count))
                return index < 2 || index == 4 || index == 7 ? pair.0 + pad : pad + pair.0
            }.joined(separator: " ")
        }
        Swift.print(row(["cell", "direction", "workers", "window", "(rule, coverage)", "stonewall", "pessimistic", "leads"]))
        for figure in aggregates {
            let mbps = Units.formatMBps
            let rule = figure.windowRule.map { "(\($0.rawValue), \(String(format: "%.0f%%", (figure.windowCoverage ?? 0) * 100)))" } ?? "(no window)"
            Swift.print(row(["\(figure.cellId)", figure.direction.rawValue, "\(figure.workers)", mbps(figure.windowMBps), rule,
                             mbps(figure.stonewallMBps), mbps(figure.pessimisticMBps), "  " + figure.lead.rawValue]))
        }
        Swift.print("(the window leads when every round had one spanning at least half of it; else the stonewall figure)")
        for (id, label) in labels.sorted(by: { (Int64($0.key) ?? 0) < (Int64($1.key) ?? 0) }) { Swift.print("  cell \(id): \(label)") }
    }
}
