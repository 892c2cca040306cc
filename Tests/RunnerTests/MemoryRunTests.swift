import Foundation
import GRDB
import MemoryStore
import Results
import Runner
import TestSupport
import Transport
import XCTest

/// The runner, cell execution, the recorder and the clean-up, end to end on the in-memory store:
/// the same accounting the real-backend runs check, without a server, and with faults a real
/// store will not play on demand.
final class MemoryRunTests: XCTestCase {
    func run(_ store: MemoryStore, _ run: TemporaryRun, resume: Int64? = nil,
             cancelAfter: Duration? = nil) async throws -> RunResult {
        var options = RunOptions(scenarioPath: resume == nil ? run.scenario : nil, envPath: nil, databasePath: run.database, resume: resume)
        options.makeTransport = { store.transport(options: $0) }
        let runner = ScenarioRunner(options: options, progress: RunProgress(style: .quiet))
        guard let cancelAfter else { return try await runner.run() }
        let task = Task { try await runner.run() }
        try await Task.sleep(for: cancelAfter)
        task.cancel()
        return try await task.value
    }

    func s3Run(_ yaml: String) async throws -> (MemoryS3Backend, TemporaryRun) {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let temporary = try TemporaryRun(env: { try backend.writeEnv(in: $0) }, yaml)
        addTeardownBlock { temporary.remove() }
        return (backend, temporary)
    }

    func testScoreModeRecordsEveryRequestAndLeavesOnlyTheSentinel() async throws {
        let (backend, temporary) = try await s3Run("""
            mode: score
            objects: {sizes: [30MiB, 8MiB], count: 2, seed: 5}
            grid: {UPLOAD_PARTSIZE: [20MiB], parallel: [1, 3], UPLOAD_RETRY_LIMIT: 2}
            repetitions: 1
            warmup: 1
            """)
        let result = try await run(backend.store, temporary)
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(result.cellsDone, 2)
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)"]))
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM trials WHERE outcome = 'ok'"), 16)
        // Score's path, request by request (see ScenarioRunTests): 5N + 8 per upload, 1 + N per download.
        for row in try temporary.rows("""
            SELECT t.direction, t.parts, t.retries, count(a.id) AS requests FROM trials t
            JOIN attempts a ON a.trial_id = t.id GROUP BY t.id
            """) {
            let parts: Int = row["parts"], requests: Int = row["requests"], retries: Int = row["retries"]
            XCTAssertEqual(requests, ((row["direction"] as String) == "upload" ? 5 * parts + 8 : 1 + parts) + retries, "\(row)")
        }
        // Every request the store served is one attempts row (the pre-flight's included).
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM attempts"),
                       backend.store.log.count - 1 - (try preflightRequests(backend.store)), "the sentinel's PUT is the test's own")
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM runs WHERE backend_server = ?", [backend.store.server]), 1)
    }

    /// The pre-flight's requests go through an unrecorded connection.
    func preflightRequests(_ store: MemoryStore) throws -> Int {
        store.log.filter { [.headBucket, .listBuckets].contains($0.operation) }.count
            + store.log.filter { $0.operation == .getObject && $0.path.hasSuffix("/data/heliograph") }.count
    }

    func testFaultsAreRetriedRecordedAndClassed() async throws {
        let (backend, temporary) = try await s3Run("""
            mode: score
            objects: {sizes: [25MiB], count: 1, seed: 6}
            grid: {UPLOAD_PARTSIZE: 20MiB, parallel: 2, UPLOAD_RETRY_LIMIT: 3}
            repetitions: 2
            warmup: 0
            """)
        backend.store.inject(MemoryFault(.slowDown, on: .uploadPart, times: 2))
        backend.store.inject(MemoryFault(.reset, on: .listParts))
        let result = try await run(backend.store, temporary)
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM trials WHERE outcome = 'ok'"), 4)
        XCTAssertEqual(try temporary.count("SELECT sum(retries) FROM trials"), 3)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM attempts WHERE error_class = 'slowdown-503'"), 2)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM attempts WHERE error_class = 'connection-reset'"), 1)
    }

    func testRetriesSpentFailTheTrialAndTheRunGoesOnAndCleansUp() async throws {
        let (backend, temporary) = try await s3Run("""
            mode: score
            objects: {sizes: [25MiB], count: 1, seed: 7}
            grid: {UPLOAD_PARTSIZE: 20MiB, parallel: 1, UPLOAD_RETRY_LIMIT: [0, 1]}
            repetitions: 1
            warmup: 0
            order: blocked
            """)
        backend.store.inject(MemoryFault(.slowDown, on: .uploadPart, times: 1))
        let result = try await run(backend.store, temporary)
        XCTAssertEqual(result.status, .completed)
        let failed = try temporary.rows("SELECT t.error_class, c.retry_limit FROM trials t JOIN cells c ON c.id = t.cell_id WHERE t.outcome = 'failed'")
        XCTAssertEqual(failed.count, 1, "the first part's 503 meets whichever cell comes first")
        XCTAssertEqual(failed.first?["error_class"], "slowdown-503")
        XCTAssertEqual(failed.first?["retry_limit"], 0, "the cell with a retry would have survived it")
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)"]))
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
    }

    func testCancellingARunMarksItInterruptedAndRemovesWhatItCreated() async throws {
        let (backend, temporary) = try await s3Run("""
            mode: score
            objects: {sizes: [45MiB], count: 2, seed: 8}
            grid: {UPLOAD_PARTSIZE: [20MiB, 32MiB], parallel: [1, 2]}
            repetitions: 3
            warmup: 0
            """)
        // Every part waits a little, so the cancellation finds work in flight.
        backend.store.inject(MemoryFault(.delay(.milliseconds(40)), on: .uploadPart, times: .max))
        let result = try await run(backend.store, temporary, cancelAfter: .milliseconds(600))
        XCTAssertEqual(result.status, .interrupted)
        XCTAssertEqual(result.leftBehind, [])
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)"]),
                      "\(backend.store.keys(in: backend.objectBucket)) \(backend.store.keys(in: backend.stateBucket)) \(backend.store.openUploads)")
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM runs WHERE status = 'interrupted'"), 1)

        // --resume finishes the cells the interrupted session did not.
        backend.store.clearFaults()
        let resumed = try await run(backend.store, temporary, resume: result.runId)
        XCTAssertEqual(resumed.status, .completed)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM cells WHERE status = 'done'"), 4)
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)"]))
    }

    func testAnAzureRunMovesBlocksThroughTheStoredPolicies() async throws {
        let backend = MemoryAzureBackend()
        try await backend.putSentinel()
        let temporary = try TemporaryRun(env: { try backend.writeEnv(in: $0) }, """
            mode: score
            objects: {sizes: [40MiB], count: 1, seed: 9}
            grid: {UPLOAD_PARTSIZE: 16MiB, block_size: [8MiB, 20MiB], parallel: 2}
            repetitions: 1
            warmup: 0
            """)
        addTeardownBlock { temporary.remove() }
        let result = try await run(backend.store, temporary)
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM trials WHERE outcome = 'ok'"), 4)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM attempts WHERE operation = 'PutBlock'"), 5 + 2)
        XCTAssertEqual(try temporary.count("SELECT count(DISTINCT block_size) FROM cells"), 2)
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.container)/\(backend.sentinel)"]))
    }
}
