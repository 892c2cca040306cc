import Foundation
import GRDB
import Results
import Runner
import TestSupport
import Transport
import XCTest

/// Small grids on the real backends: every trial verified, one attempts row per HTTP request,
/// nothing left in the buckets.
final class ScenarioRunTests: XCTestCase {
    let transport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    func run(_ backend: LocalBackend, _ yaml: String) async throws -> (TemporaryRun, RunResult, StoreSnapshot, StoreSnapshot) {
        let temporary = try TemporaryRun(backend, yaml)
        addTeardownBlock { temporary.remove() }
        let before = try await StoreSnapshot.take(backend, transport: transport)
        let runner = ScenarioRunner(options: RunOptions(scenarioPath: temporary.scenario, envPath: nil, databasePath: temporary.database, resume: nil),
                                    progress: RunProgress(style: .quiet))
        let result = try await runner.run()
        let after = try await StoreSnapshot.take(backend, transport: transport)
        return (temporary, result, before, after)
    }

    func checkScoreMode(_ backend: LocalBackend) async throws {
        let (run, result, before, after) = try await self.run(backend, """
            mode: score
            objects: {sizes: [30MiB, 8MiB], count: 2, seed: 5}
            grid: {UPLOAD_PARTSIZE: [20MiB], parallel: [1, 3], UPLOAD_RETRY_LIMIT: 2}
            repetitions: 1
            warmup: 1
            """)
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(result.cellsDone, 2)
        XCTAssertEqual(after, before, after.difference(from: before))
        // 2 cells × (1 warm-up + 1) repetitions × 2 objects × 2 directions, all verified.
        XCTAssertEqual(try run.count("SELECT count(*) FROM trials"), 16)
        let errors = try run.strings("SELECT error FROM trials WHERE error IS NOT NULL")
        XCTAssertEqual(try run.count("SELECT count(*) FROM trials WHERE outcome = 'ok'"), 16, errors.joined(separator: "\n"))
        XCTAssertEqual(try run.count("SELECT count(*) FROM trials WHERE warmup = 1"), 8)
        XCTAssertEqual(try run.count("SELECT count(*) FROM trials WHERE direction = 'upload' AND parts = 2 AND object_size = 31457280"), 4)

        // Score's path, request by request: per upload of N parts, 1 initiate + 1 state .meta,
        // N × (part PUT, ListParts, marker), 1 marker listing + Complete + data .meta,
        // 1 state listing + (N + 1) × (HEAD + DELETE); per download 1 .meta GET + N ranged GETs.
        let perTrial = try run.rows("""
            SELECT t.direction, t.parts, t.retries, count(a.id) AS requests FROM trials t
            JOIN attempts a ON a.trial_id = t.id GROUP BY t.id
            """)
        XCTAssertEqual(perTrial.count, 16)
        for row in perTrial {
            let parts: Int = row["parts"], requests: Int = row["requests"], retries: Int = row["retries"]
            let expected = (row["direction"] as String) == "upload" ? 5 * parts + 8 : 1 + parts
            XCTAssertEqual(requests, expected + retries, "\(row)")
        }
        // Removing each object: DELETE data/<id> and its .meta, outside any trial.
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE trial_id IS NULL AND phase = 'cleanup'"), 16)
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE trial_id IS NULL AND phase IS NOT 'cleanup'"), 0)
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE operation = 'UploadPart' AND status = 200"),
                       try run.count("SELECT sum(parts) FROM trials WHERE direction = 'upload'"))
        // Everything recorded as created is marked removed; digests were computed once per object.
        XCTAssertEqual(try run.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
        XCTAssertEqual(try run.count("SELECT count(*) FROM created WHERE kind = 'upload' AND upload_id IS NULL"), 0)
        XCTAssertEqual(try run.count("SELECT count(*) FROM digests"), 2 + 1 + 2, "2 + 1 parts and 2 wholes")
        XCTAssertEqual(try run.count("SELECT count(*) FROM runs WHERE status = 'completed'"), 1)
        if backend == .seaweedfs {  // Ceph RGW's beast sends no Server header
            XCTAssertEqual(try run.count("SELECT count(*) FROM runs WHERE backend_server LIKE 'SeaweedFS%'"), 1)
        }
    }

    func checkMultipartMode(_ backend: LocalBackend) async throws {
        let (run, result, before, after) = try await self.run(backend, """
            mode: multipart
            objects: {sizes: [12MiB], count: 2, seed: 6}
            grid: {UPLOAD_PARTSIZE: 5MiB, DOWNLOAD_PARTSIZE: [4MiB, 12MiB], parallel: 2}
            repetitions: 2
            warmup: 0
            """)
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(after, before, after.difference(from: before))
        XCTAssertEqual(try run.count("SELECT count(*) FROM trials WHERE outcome = 'ok'"), 2 * 2 * 2 * 2)
        // Upload: create + 3 parts + complete; download: 3 or 1 ranged GETs; no state bucket at all.
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts a JOIN trials t ON a.trial_id = t.id WHERE t.direction = 'upload'"), 8 * 5)
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE operation = 'GetObject' AND status = 206"), 2 * 2 * (3 + 1))
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE phase = 'cleanup'"), 8)
        XCTAssertEqual(try run.count("SELECT count(*) FROM digests"), 0, "the plain path computes no MD5s")
    }

    func testScoreModeOnSeaweedFS() async throws { try await checkScoreMode(.seaweedfs) }
    func testScoreModeOnCeph() async throws { try await checkScoreMode(.ceph) }
    func testMultipartModeOnSeaweedFS() async throws { try await checkMultipartMode(.seaweedfs) }
    func testMultipartModeOnCeph() async throws { try await checkMultipartMode(.ceph) }

    /// A part that cannot finish within the stall timeout, with no retries: the trial fails with
    /// that class, the run goes on, and the abandoned upload and its state are removed.
    func testAPartThatFailsIsRecordedAndCleanedUp() async throws {
        let (run, result, before, after) = try await self.run(.seaweedfs, """
            mode: score
            objects: {sizes: [128MiB], count: 1, seed: 8}
            grid: {UPLOAD_PARTSIZE: 128MiB, parallel: 1, UPLOAD_RETRY_LIMIT: 0, stall_timeout: 1ms}
            repetitions: 1
            warmup: 0
            """)
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(after, before, after.difference(from: before))
        let trial = try run.rows("SELECT * FROM trials").first
        XCTAssertEqual(trial?["direction"], "upload")
        XCTAssertEqual(trial?["outcome"], "failed")
        XCTAssertEqual(trial?["error_class"], "stall-timeout")
        XCTAssertEqual(trial?["retries"], 0)
        XCTAssertEqual(try run.count("SELECT count(*) FROM trials WHERE direction = 'download'"), 0)
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE operation = 'UploadPart' AND error_class = 'stall-timeout'"), 1)
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE operation = 'AbortMultipartUpload' AND phase = 'cleanup'"), 1)
        XCTAssertEqual(try run.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
    }
}
