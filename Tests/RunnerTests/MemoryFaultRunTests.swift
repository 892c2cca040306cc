import Foundation
import GRDB
import MemoryStore
import Results
import Runner
import TestSupport
import Transport
import XCTest

/// What the runner does with faults, deterministically, on the memory store: resets fail a trial
/// without retries and not with them, 503s are retried after a back-off, a lost create answer
/// leaves no twin, a short stall timeout recovers where a long one waits, fresh connections per
/// object are counted as such,.
/// The same behaviours through the fault proxy and a real store stay in NetworkRunTests.
final class MemoryFaultRunTests: XCTestCase {
    func run(_ yaml: String, faults: [MemoryFault] = []) async throws -> (MemoryS3Backend, TemporaryRun, RunResult) {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let temporary = try TemporaryRun(env: { try backend.writeEnv(in: $0) }, yaml)
        addTeardownBlock { temporary.remove() }
        faults.forEach(backend.store.inject)
        return (backend, temporary, try await temporary.run(on: backend.store))
    }

    func onlySentinel(_ backend: MemoryS3Backend) -> Bool { backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)"]) }

    func testResetsFailWithoutRetriesAndRecoverWithThem() async throws {
        // Two resets on the first part PUTs: each fails its trial without retries, costs a retry with them.
        for limit in [0, 3] {
            let (backend, run, result) = try await self.run("""
                mode: multipart
                objects: {sizes: [10MiB], count: 2, seed: 9}
                grid: {UPLOAD_PARTSIZE: 5MiB, DOWNLOAD_PARTSIZE: 5MiB, parallel: 1, UPLOAD_RETRY_LIMIT: \(limit)}
                backoff: {base: 1ms, max: 5ms}
                repetitions: 2
                warmup: 0
                """, faults: [MemoryFault(.reset, on: .uploadPart, times: 2)])
            XCTAssertEqual(result.status, .completed)
            let failed = try run.count("SELECT count(*) FROM trials WHERE outcome = 'failed'")
            XCTAssertEqual(failed, limit == 0 ? 2 : 0, "retry limit \(limit)")
            XCTAssertEqual(try run.count("SELECT count(*) FROM trials WHERE error_class = 'connection-reset'"), failed, "a failed trial says why")
            XCTAssertEqual(try run.count("SELECT sum(retries) FROM trials"), limit == 0 ? 0 : 2)
            XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE error_class = 'connection-reset'"), 2, "every reset is an attempts row")
            XCTAssertTrue(onlySentinel(backend), "a failed upload aborts itself")
        }
    }

    func testSlowDownAnswersAreRetriedAfterABackOff() async throws {
        let (_, run, result) = try await self.run("""
            mode: multipart
            objects: {sizes: [10MiB], count: 2, seed: 11}
            grid: {UPLOAD_PARTSIZE: 5MiB, parallel: 2, UPLOAD_RETRY_LIMIT: 10}
            backoff: {base: 100ms, max: 100ms}
            repetitions: 1
            warmup: 0
            """, faults: [MemoryFault(.slowDown, on: .uploadPart, times: 4)])
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(try run.count("SELECT count(*) FROM trials WHERE outcome = 'ok'"), 4)
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE status = 503 AND error_class = 'slowdown-503'"), 4)
        let gaps = try run.rows("""
            SELECT b.started_at - (a.started_at + a.total_s) AS gap FROM attempts a JOIN attempts b
            ON b.trial_id = a.trial_id AND b.operation = a.operation AND coalesce(b.part_number, 0) = coalesce(a.part_number, 0)
               AND b.attempt = a.attempt + 1
            WHERE a.status = 503
            """).map { $0["gap"] as Double }
        XCTAssertEqual(gaps.count, 4)
        XCTAssertTrue(gaps.allSatisfy { $0 >= 0 && $0 < 0.25 }, "full jitter within the 100 ms cap: \(gaps)")
    }

    func testLostCreateAnswersLeaveNoTwinUploads() async throws {
        let (backend, run, result) = try await self.run("""
            mode: multipart
            objects: {sizes: [6MiB], count: 3, seed: 21}
            grid: {UPLOAD_PARTSIZE: 6MiB, parallel: 1, UPLOAD_RETRY_LIMIT: 4}
            backoff: {base: 1ms, max: 5ms}
            repetitions: 1
            warmup: 0
            """, faults: [MemoryFault(.lostAnswer, on: .createMultipartUpload, times: 3)])
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE operation = 'CreateMultipartUpload' AND attempt > 1"), 3)
        XCTAssertEqual(backend.store.openUploads.count, 0, "every twin the lost answers left was aborted")
        XCTAssertTrue(onlySentinel(backend))
    }

    func testAShortStallTimeoutRecoversWhereALongOneWaits() async throws {
        // The first part PUT waits 3 s before the store answers.
        var longest: [String: Double] = [:]
        for timeout in ["500ms", "10s"] {
            let (_, run, result) = try await self.run("""
                mode: multipart
                objects: {sizes: [6MiB], count: 1, seed: 10}
                grid: {UPLOAD_PARTSIZE: 6MiB, parallel: 1, UPLOAD_RETRY_LIMIT: 2, stall_timeout: \(timeout)}
                backoff: {base: 1ms, max: 5ms}
                repetitions: 1
                warmup: 0
                """, faults: [MemoryFault(.delay(.seconds(3)), on: .uploadPart, times: 1)])
            XCTAssertEqual(result.status, .completed)
            XCTAssertEqual(try run.count("SELECT count(*) FROM trials WHERE outcome = 'ok'"), 2, "\(timeout): up and down get through")
            XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE error_class = 'stall-timeout'"), timeout == "500ms" ? 1 : 0)
            longest[timeout] = try await run.open().read { db in try Double.fetchOne(db, sql: "SELECT max(duration) FROM trials") } ?? 0
        }
        XCTAssertLessThan(longest["500ms"]!, 2.5, "the 500 ms timeout cuts the 3 s wait and a retry goes through")
        XCTAssertGreaterThanOrEqual(longest["10s"]!, 3, "the 10 s timeout sits through it")
    }

    func testFreshConnectionsPerObjectAreCounted() async throws {
        let (_, run, result) = try await self.run("""
            mode: multipart
            objects: {sizes: [16MiB], count: 2, seed: 31}
            grid: {UPLOAD_PARTSIZE: 8MiB, parallel: 2, connections: [warm, per-object, per-request]}
            repetitions: 2
            warmup: 1
            """)
        XCTAssertEqual(result.status, .completed)
        let rows = try run.rows("""
            SELECT c.connections AS reuse, count(*) AS requests, sum(a.reused = 0) AS opened
            FROM attempts a JOIN trials t ON t.id = a.trial_id JOIN cells c ON c.id = t.cell_id
            WHERE t.warmup = 0 AND a.operation IN ('UploadPart', 'GetObject') GROUP BY c.id ORDER BY c.connections
            """)
        let opened = Dictionary(uniqueKeysWithValues: rows.map { ($0["reuse"] as String, ($0["opened"] as Int, $0["requests"] as Int)) })
        XCTAssertEqual(opened["warm"]?.0, 0, "the warm pool opened its connections in the warm-up")
        XCTAssertEqual(opened["per-request"]?.0, opened["per-request"]?.1, "every request on a connection of its own")
        let perObject = try XCTUnwrap(opened["per-object"])
        XCTAssertTrue(perObject.0 > 0 && perObject.0 < perObject.1, "per object: new connections, reused within the object: \(perObject)")
    }
}
