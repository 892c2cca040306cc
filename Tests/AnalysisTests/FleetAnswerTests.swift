@testable import Analysis
import Foundation
import GRDB
import MemoryStore
import Model
@testable import Reports
import Results
import Runner
import TestSupport
import XCTest

/// A merged run's fleet in every answer (#25): two workers of one distributed run in this process
/// on one in-memory store, merged; a copy of the merged file alone is the whole run, and its
/// report, recommendation, comparison and plan all speak of what the workers got together.
final class FleetAnswerTests: XCTestCase {
    static let yaml = """
        name: fleet-memory
        mode: score
        objects: {sizes: [4MiB], count: 2, seed: 3}
        grid: {UPLOAD_PARTSIZE: [20MiB], parallel: [1, 2]}
        repetitions: 3
        warmup: 0
        """

    /// Runs two workers, merges them as `merge` does, and returns a copy of the merged file alone.
    func mergedCopy() async throws -> (path: String, runId: Int64) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-fleet-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let env = try backend.writeEnv(in: folder)
        let scenario = folder.appendingPathComponent("scenario.yaml").path
        try ("env: \(env)\n" + Self.yaml).write(toFile: scenario, atomically: true, encoding: .utf8)
        let shards = (0..<2).map { folder.appendingPathComponent("worker-\($0).sqlite").path }
        let statuses = try await withThrowingTaskGroup(of: RunStatus.self) { group in
            for rank in 0..<2 {
                var options = RunOptions(scenarioPath: scenario, envPath: nil, databasePath: shards[rank], resume: nil)
                options.makeTransport = { backend.store.transport(options: $0) }
                options.worker = Worker(rank: rank, count: 2, tag: "fleet1")
                group.addTask { try await ScenarioRunner(options: options, progress: RunProgress(style: .quiet)).run().status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(statuses, [.completed, .completed])
        // Each worker's database was left one self-contained file (what it uploads).
        for shard in shards {
            XCTAssertFalse(FileManager.default.fileExists(atPath: shard + "-wal"), shard)
            let mode = try await DatabaseQueue(path: shard).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
            XCTAssertEqual(mode, "delete")
        }
        let merged = folder.appendingPathComponent("merged.sqlite").path
        let database = try ResultsDatabase(path: merged)
        let runId = try await WorkerMerge.merge(try await WorkerMerge.shards(shards), into: database)
        try database.close()
        try ResultsDatabase.makeSelfContained(path: merged)
        XCTAssertFalse(FileManager.default.fileExists(atPath: merged + "-wal"))
        // Carried off the cluster: the file alone, somewhere else.
        let away = folder.appendingPathComponent("away")
        try FileManager.default.createDirectory(at: away, withIntermediateDirectories: true)
        let copy = away.appendingPathComponent("merged.sqlite").path
        try FileManager.default.copyItem(atPath: merged, toPath: copy)
        return (copy, runId)
    }

    func testAMergedRunAnswersWithTheFleetsAggregate() async throws {
        let (path, runId) = try await mergedCopy()
        let database = try ResultsDatabase(path: path, access: .read)
        let runs = try await database.runs().map(\.id)
        XCTAssertEqual(runs, [runId], "the copy alone holds the run")
        let analysis = try await RunAnalysis.load(database: database, runId: runId)
        let mode = try await DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(mode, "delete", "reading it changed nothing")
        let fleet = try XCTUnwrap(analysis.fleet)
        XCTAssertEqual(fleet.workers, 2)
        XCTAssertEqual(fleet.figures.count, 4, "two cells, two directions")
        for figure in fleet.figures {
            XCTAssertEqual(figure.workers, 2)
            XCTAssertEqual(figure.perWorker.map(\.worker), [0, 1])
            XCTAssertEqual(figure.leadSamples.count, 3, "one per round: \(figure)")
            // The window leads only when it spans at least half the round; its figure is the one shown.
            switch figure.lead {
            case .window:
                XCTAssertGreaterThanOrEqual(try XCTUnwrap(figure.windowCoverage), 0.5)
                XCTAssertEqual(figure.leadMBps, figure.windowMBps)
            case .stonewall:
                XCTAssertEqual(figure.leadMBps, figure.stonewallMBps)
            case .pessimistic:
                XCTFail("every round had a fastest worker: \(figure)")
            }
        }
        // The digests were summed from the workers' and stored with the merged run.
        let attempts = try await database.attempts(run: runId).count
        XCTAssertEqual(analysis.counts.requests, attempts)

        // recommend: the fleet's figure by default, one object's beside it.
        let recommendation = try Recommendation.make(analysis, options: RecommendOptions(objective: .standard(for: analysis)))
        XCTAssertEqual(recommendation.objective, .aggregate)
        let json = String(decoding: try JSONEncoder().encode(recommendation), as: UTF8.self)
        XCTAssertTrue(json.contains("\"objective\":\"aggregate\""), json)
        let chosen = recommendation.chosen
        XCTAssertEqual(chosen.trials, 3, "three rounds, each with a figure of both directions")
        XCTAssertGreaterThan(chosen.median, try XCTUnwrap(chosen.perObjectMedian))
        XCTAssertTrue(recommendation.settings.contains { $0.evidence.contains("the fleet's aggregate median") && $0.evidence.contains("per object:") })

        // report: the fleet's table, each worker's bars, the barrier skew.
        let html = HTMLReport(analysis: analysis, recommendations: [(nil, .success(recommendation))]).html
        XCTAssertTrue(html.contains("Fleet: 2 workers together"))
        XCTAssertTrue(html.contains("barrier release skew"))
        XCTAssertEqual(html.components(separatedBy: "data-lead=").count - 1, 4, "a fleet row per cell and direction")
        XCTAssertTrue(html.contains("fleet-workers-upload") && html.contains("fleet-workers-download"))
        let markdown = MarkdownReport(analysis: analysis, recommendations: [(nil, .success(recommendation))]).markdown
        XCTAssertTrue(markdown.contains("## Fleet: 2 workers together"))
        XCTAssertTrue(markdown.contains("Each worker's upload MB/s in cell \(chosen.cellId): w0 "))

        // compare: the fleets' aggregates, round by round.
        let comparison = try Comparison.make(baseline: analysis, candidate: analysis, threshold: 0.1)
        XCTAssertEqual(comparison.rows.count, 4)
        XCTAssertTrue(comparison.rows.allSatisfy { $0.figure == .fleetAggregate && $0.baselineSamples == 3 })
        XCTAssertTrue(comparison.table.contains("upload (fleet)"))

        // plan: one load only; it says which sweep it needs.
        XCTAssertThrowsError(try ScalabilitySeries(analysis, direction: .upload)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("merged run of 2 workers") && text.contains("workers: [1, 2]"), text)
        }
    }

    /// One machine's run has no fleet: `aggregate` is not its objective.
    func testARunOfOneMachineHasNoFleet() {
        let analysis = AnswerTests.analysis([AnswerTests.Cell(up: [200, 201, 199])])
        XCTAssertNil(analysis.fleet)
        XCTAssertEqual(RecommendOptions.Objective.standard(for: analysis), .upload)
    }
}
