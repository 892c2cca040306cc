import Foundation
import GRDB
import MemoryStore
import Model
import Results
import Runner
import TestSupport
import Transport
import XCTest

/// Two workers of one distributed run in this process, sharing one in-memory store: every cell
/// starts at a barrier held in the store, a worker that never comes is named at it, and the
/// workers' databases merge into one run. The Slurm step and the real store stay in
/// DistributedRunTests.
final class MemoryDistributedTests: XCTestCase {
    static let yaml = """
        name: distributed-memory
        mode: score
        objects: {sizes: [4MiB], count: 2, seed: 3}
        grid: {UPLOAD_PARTSIZE: [20MiB], parallel: [1, 2]}
        repetitions: 1
        warmup: 0
        """

    struct Worker {
        let run: TemporaryRun
        let options: RunOptions
    }

    /// One folder for the `.env.score` every worker names: the workers' scenario texts are the same.
    lazy var shared: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-workers-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }()

    func workers(_ backend: MemoryS3Backend, count: Int, tag: String, barrierTimeout: Duration = .seconds(20)) throws -> [Worker] {
        let env = try backend.writeEnv(in: shared)
        return try (0..<count).map { rank in
            let temporary = try TemporaryRun(env: { _ in env }, Self.yaml)
            addTeardownBlock { temporary.remove() }
            var options = temporary.options(on: backend.store)
            options.worker = Model.Worker(rank: rank, count: count, tag: tag)
            options.barrierTimeout = barrierTimeout
            return Worker(run: temporary, options: options)
        }
    }

    func testTwoWorkersMeetAtEveryBarrierAndMergeIntoOneRun() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let pair = try workers(backend, count: 2, tag: "mem1")
        let results = try await withThrowingTaskGroup(of: RunResult.self) { group in
            for worker in pair {
                group.addTask { try await ScenarioRunner(options: worker.options, progress: RunProgress(style: .quiet)).run() }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(results.map(\.status), [.completed, .completed])
        // Objects and every barrier's markers are gone but the last's, which merge or clean --tag removes.
        XCTAssertEqual(backend.store.keys(in: backend.objectBucket), ["data/\(backend.sentinel)", "scoretune-barrier/mem1/end/0", "scoretune-barrier/mem1/end/1"])
        XCTAssertEqual(backend.store.keys(in: backend.stateBucket), [])
        // Each worker moved its share: object 0 by rank 0, object 1 by rank 1, in both cells.
        for (rank, worker) in pair.enumerated() {
            XCTAssertEqual(try worker.run.count("SELECT count(*) FROM trials WHERE object_index = ?", [rank]), 4, "rank \(rank)")
            XCTAssertEqual(try worker.run.count("SELECT count(*) FROM trials"), 4)
            XCTAssertEqual(try worker.run.count("SELECT count(DISTINCT name) FROM barriers"), 2 + 1, "a barrier per cell and the end")
        }

        let merged = pair[0].run.folder.appendingPathComponent("merged.sqlite").path
        let shards = try await WorkerMerge.shards(pair.map(\.run.database))
        let database = try ResultsDatabase(path: merged)
        let runId = try await WorkerMerge.merge(shards, into: database)
        try database.close()
        let queue = try DatabaseQueue(path: merged)
        try await queue.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT workers FROM runs WHERE id = ?", arguments: [runId]), 2)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM cells"), 2)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM trials"), 8)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(DISTINCT worker) FROM attempts"), 2)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM attempts WHERE worker IS NULL"), 0)
        }
    }

    /// The store drops barrier listings and a marker's answer (resets, a lost answer): the barrier
    /// polls again and puts again, and the workers still meet (found by the chaos suite: one such
    /// answer failed the run).
    func testABarrierRidesOutDroppedListingsAndMarkers() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let pair = try workers(backend, count: 2, tag: "mem3")
        backend.store.inject(MemoryFault(.reset, on: .listObjects, times: 3))
        backend.store.inject(MemoryFault(.lostAnswer, on: .putObject, times: 1))
        let results = try await withThrowingTaskGroup(of: RunResult.self) { group in
            for worker in pair {
                group.addTask { try await ScenarioRunner(options: worker.options, progress: RunProgress(style: .quiet)).run() }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(results.map(\.status), [.completed, .completed], "\(results.map { $0.failure ?? "" })")
        XCTAssertEqual(backend.store.log.filter { $0.fault != nil }.count, 4, "every dropped answer was met")
    }

    func testAWorkerThatNeverComesIsNamedAtTheBarrier() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        // Rank 1 of 2 never starts: rank 0 says what it waits for and until when, waits its
        // barrier timeout, then stops naming it.
        let lonely = try workers(backend, count: 2, tag: "mem2", barrierTimeout: .seconds(4))[0]
        let started = ContinuousClock.now
        let message: String
        let said = SaidLines()
        do {
            let result = try await ScenarioRunner(options: lonely.options, progress: RunProgress(style: .plain, write: { said.append($0) })).run()
            message = "status \(result.status.rawValue): \(result.failure ?? "")"
        } catch {
            message = "\(error)"
        }
        XCTAssertTrue(message.contains("worker 1 did not arrive within 4s"), message)
        let waiting = said.all.filter { $0.contains("waiting before cell 1, round 1 for worker 1 of 2") }
        XCTAssertEqual(waiting.count, 1, "said once, after 2 s of waiting: \(said.all)")
        XCTAssertTrue(waiting.first?.contains("gives up at ") == true && waiting.first?.contains(" UTC)") == true, "\(waiting)")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(30))
        // Its marker is gone: a worker that gives up removes what it put at the barrier.
        XCTAssertEqual(backend.store.keys(in: backend.objectBucket).filter { !$0.hasPrefix("data/") }, [])
    }

    func testMergeRefusesShardsOfDifferentScenarios() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let pair = try workers(backend, count: 2, tag: "mem3")
        // Rank 1 runs another grid under the same tag.
        let other = try workers(backend, count: 2, tag: "mem3")[1]
        try ("env: \(try backend.writeEnv(in: shared))\n" + Self.yaml.replacingOccurrences(of: "parallel: [1, 2]", with: "parallel: [1, 4]"))
            .write(toFile: other.run.scenario, atomically: true, encoding: .utf8)
        _ = try await withThrowingTaskGroup(of: RunResult.self) { group in
            group.addTask { try await ScenarioRunner(options: pair[0].options, progress: RunProgress(style: .quiet)).run() }
            group.addTask { try await ScenarioRunner(options: other.options, progress: RunProgress(style: .quiet)).run() }
            return try await group.reduce(into: [RunResult]()) { $0.append($1) }
        }
        do {
            _ = try await WorkerMerge.merge(try await WorkerMerge.shards([pair[0].run.database, other.run.database]),
                                            into: try ResultsDatabase(path: pair[0].run.folder.appendingPathComponent("m.sqlite").path))
            XCTFail("shards of different grids were merged")
        } catch {
            XCTAssertTrue("\(error)".contains("ran another scenario"), "\(error)")
        }
    }
}

/// What a run's progress wrote, line by line.
final class SaidLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
