import Foundation
import GRDB
import MemoryStore
import Results
import ObjectStore
@testable import Runner
import ScoreConfig
import TestSupport
import Transport
import XCTest

/// The runner, cell execution, the recorder and the clean-up, end to end on the in-memory store:
/// the same accounting the real-backend runs check, without a server, and with faults a real
/// store will not play on demand.
final class MemoryRunTests: XCTestCase {
    func run(_ store: MemoryStore, _ run: TemporaryRun, resume: Int64? = nil,
             cancelAfter: Duration? = nil) async throws -> RunResult {
        let runner = ScenarioRunner(options: run.options(on: store, resume: resume), progress: RunProgress(style: .quiet))
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
            objects: {sizes: [21MiB], count: 2, seed: 8}
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

    func testMultipartModeSendsAPlainClientsRequestsOnly() async throws {
        let (backend, temporary) = try await s3Run("""
            mode: multipart
            objects: {sizes: [12MiB], count: 2, seed: 6}
            grid: {UPLOAD_PARTSIZE: 5MiB, DOWNLOAD_PARTSIZE: [4MiB, 12MiB], parallel: 2}
            repetitions: 2
            warmup: 0
            """)
        let result = try await run(backend.store, temporary)
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM trials WHERE outcome = 'ok'"), 16)
        // Upload: create + 3 parts + complete; download: 3 or 1 ranged GETs; no state bucket at all.
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM attempts a JOIN trials t ON a.trial_id = t.id WHERE t.direction = 'upload'"), 8 * 5)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM attempts WHERE operation = 'GetObject' AND status = 206"), 2 * 2 * (3 + 1))
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM digests"), 0, "the plain path computes no MD5s")
        XCTAssertFalse(backend.store.log.contains { $0.path.hasPrefix("/\(backend.stateBucket)/") }, "no key in the state bucket is touched")
    }

    func testARunThatCannotStartSaysWhyAndLeavesNoDatabase() async throws {
        let (backend, temporary) = try await s3Run("""
            objects: {sizes: [1MiB], count: 1}
            repetitions: 1
            warmup: 0
            """)
        let cases: [(String, String)] = [("BUCKET_NAME_OBJECT=nowhere", "nowhere"), ("S3_ACCESSKEY=NOBODY", "S3_ACCESSKEY")]
        for (line, named) in cases {
            let env = try backend.writeEnv(in: temporary.folder, extra: [line])
            do {
                _ = try await temporary.run(on: backend.store, envPath: env)
                XCTFail("\(line): the run started")
            } catch let failure as RunFailure {
                guard case .store(let message) = failure else { return XCTFail("\(line): \(failure)") }
                XCTAssertTrue(message.contains(named), "\(line): \(message)")
                XCTAssertFalse(message.contains(MemoryS3Backend.secretKey))
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: temporary.database), "\(line): no empty database is left")
        }
    }

    func testCleanRemovesExactlyTheLedgerAndNothingElse() async throws {
        let (backend, temporary) = try await s3Run("""
            mode: score
            objects: {sizes: [25MiB], count: 1, seed: 3}
            grid: {UPLOAD_PARTSIZE: 20MiB, parallel: 1, UPLOAD_RETRY_LIMIT: 0}
            repetitions: 1
            warmup: 0
            """)
        // Every delete the run tries fails: its objects stay, listed in the ledger, as after a kill -9.
        backend.store.inject(MemoryFault(.slowDown, on: .deleteObject, times: .max))
        backend.store.inject(MemoryFault(.slowDown, on: .abortMultipartUpload, times: .max))
        let result = try await run(backend.store, temporary)
        XCTAssertFalse(result.leftBehind.isEmpty)
        XCTAssertGreaterThan(try temporary.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
        // Someone else's object under a look-alike key must survive the clean-up.
        try await backend.client(backend.store.transport()).putObject(bucket: backend.objectBucket, key: "data/not-ours", body: [1])

        backend.store.clearFaults()
        let database = try ResultsDatabase(path: temporary.database)
        let settings = try ScoreSettings.load(path: try backend.writeEnv(in: temporary.folder), environment: [:])
        let connection = try StoreConnection(settings: settings, transport: backend.store.transport(), observer: nil)
        let report = await Cleaner(database: database, remover: connection.remover).clean(run: result.runId)
        try database.close()
        XCTAssertEqual(report.failures, [])
        XCTAssertGreaterThan(report.removed, 0)
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)", "\(backend.objectBucket)/data/not-ours"]),
                      "\(backend.store.keys(in: backend.objectBucket)) \(backend.store.keys(in: backend.stateBucket))")
        XCTAssertEqual(backend.store.keys(in: backend.objectBucket), ["data/\(backend.sentinel)", "data/not-ours"])
    }

    func testATrialBudgetStopsTheRunBetweenVisits() async throws {
        let (backend, temporary) = try await s3Run("""
            mode: multipart
            objects: {sizes: [6MiB], count: 1, seed: 2}
            grid: {UPLOAD_PARTSIZE: 6MiB, parallel: [1, 2, 3]}
            repetitions: 4
            warmup: 0
            budget: 2s
            """)
        backend.store.path = MemoryStore.Path(roundTrip: .milliseconds(150), bytesPerSecond: 1e9)
        let result = try await run(backend.store, temporary)
        XCTAssertEqual(result.status, .budgetExhausted)
        XCTAssertLessThan(result.cellsDone, 3)
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)"]), "objects of the last visit removed")
    }

    func testInterleavedRoundsVisitEveryCellOncePerRound() async throws {
        let (backend, temporary) = try await s3Run("""
            mode: multipart
            objects: {sizes: [6MiB], count: 1, seed: 4}
            grid: {UPLOAD_PARTSIZE: 6MiB, parallel: [1, 2, 3]}
            repetitions: 3
            warmup: 1
            """)
        let result = try await run(backend.store, temporary)
        XCTAssertEqual(result.status, .completed)
        // Uploads by start time: round by round, each round holding every cell once.
        let order = try temporary.rows("SELECT cell_id, round, warmup FROM trials WHERE direction = 'upload' ORDER BY started_at")
        let measured = order.filter { ($0["warmup"] as Int) == 0 }
        XCTAssertEqual(measured.map { $0["round"] as Int }, [0, 0, 0, 1, 1, 1, 2, 2, 2])
        for round in 0..<3 {
            XCTAssertEqual(Set(measured.filter { ($0["round"] as Int) == round }.map { $0["cell_id"] as Int64 }).count, 3, "round \(round)")
        }
        XCTAssertEqual(order.filter { ($0["warmup"] as Int) == 1 }.count, 3, "one warm-up per cell, at its first visit")
    }

    func testCancellingAnAzureRunLeavesNoStagedBlocks() async throws {
        let backend = MemoryAzureBackend()
        try await backend.putSentinel()
        let temporary = try TemporaryRun(env: { try backend.writeEnv(in: $0) }, """
            mode: score
            objects: {sizes: [48MiB], count: 2, seed: 9}
            grid: {UPLOAD_PARTSIZE: 16MiB, block_size: [4MiB], parallel: 2}
            repetitions: 5
            warmup: 0
            """)
        addTeardownBlock { temporary.remove() }
        backend.store.inject(MemoryFault(.delay(.milliseconds(30)), on: .putBlock, times: .max))
        let result = try await run(backend.store, temporary, cancelAfter: .milliseconds(400))
        XCTAssertEqual(result.status, .interrupted)
        XCTAssertEqual(backend.store.blobsWithStagedBlocks, [], "an interrupted block upload leaves no staged blocks")
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.container)/\(backend.sentinel)"]))
        XCTAssertEqual(try temporary.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
    }
}
