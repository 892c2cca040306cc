import Foundation
import GRDB
import Runner
import TestSupport
import Transport
import XCTest

/// Runs through the fault proxy against the real SeaweedFS: resets against the retry limit, stalls
/// against the stall timeout. The proxy's dice are seeded, so the same faults fall each time.
final class NetworkRunTests: XCTestCase {
    let transport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    func run(_ yaml: String) async throws -> (TemporaryRun, RunResult) {
        let temporary = try TemporaryRun(.seaweedfs, yaml)
        addTeardownBlock { temporary.remove() }
        let before = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        let result = try await ScenarioRunner(options: RunOptions(scenarioPath: temporary.scenario, envPath: nil,
                                                                  databasePath: temporary.database, resume: nil),
                                              progress: RunProgress(style: .quiet)).run()
        let after = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        XCTAssertEqual(after, before, after.difference(from: before))
        return (temporary, result)
    }

    func testResetsFailWithoutRetriesAndRecoverWithThem() async throws {
        // About one 5 MiB part in ten meets a reset (0.021 per MiB); 80 part transfers per cell.
        let (run, result) = try await self.run("""
            mode: multipart
            objects: {sizes: [40MiB], count: 5, seed: 9}
            network: {faults: {reset: 0.021}, seed: 4}
            grid: {UPLOAD_PARTSIZE: 5MiB, DOWNLOAD_PARTSIZE: 5MiB, parallel: 1, UPLOAD_RETRY_LIMIT: [0, 3]}
            backoff: {base: 5ms, max: 50ms}
            repetitions: 1
            warmup: 0
            """)
        XCTAssertEqual(result.status, .completed)
        let failed0 = try run.count("SELECT count(*) FROM trials t JOIN cells c ON c.id = t.cell_id WHERE c.retry_limit = 0 AND t.outcome = 'failed'")
        let reset0 = try run.count("SELECT count(*) FROM trials t JOIN cells c ON c.id = t.cell_id WHERE c.retry_limit = 0 AND t.error_class = 'connection-reset'")
        XCTAssertGreaterThan(failed0, 0, "with no retries a reset fails the trial")
        XCTAssertEqual(reset0, failed0, "and the trial says why")
        XCTAssertEqual(try run.count("SELECT count(*) FROM trials t JOIN cells c ON c.id = t.cell_id WHERE c.retry_limit = 3 AND t.outcome = 'failed'"), 0,
                       "three retries carry every part through")
        XCTAssertGreaterThan(try run.count("SELECT count(*) FROM attempts a JOIN cells c ON c.id = a.cell_id WHERE c.retry_limit = 3 AND a.attempt > 1"), 0,
                             "the attempts table shows the retries")
        XCTAssertGreaterThan(try run.count("SELECT count(*) FROM faults WHERE kind = 'reset'"), 0, "every injected reset is in the faults table")
    }

    /// Under a played 80 ms round trip a client that opens fresh connections for every object
    /// (a score-client started per file) pays the handshake and TCP slow start each time; a warm
    /// pool does not. The attempts' new-connection counts show why.
    func testFreshConnectionsPerObjectPaySetUpAndSlowStart() async throws {
        let (run, result) = try await self.run("""
            mode: multipart
            objects: {sizes: [16MiB], count: 2, seed: 31}
            network: {rtt: 80ms, bandwidth_per_connection: 25MB/s}
            grid: {UPLOAD_PARTSIZE: 8MiB, parallel: 2, connections: [warm, per-object]}
            repetitions: 2
            warmup: 1
            """)
        XCTAssertEqual(result.status, .completed)
        let rows = try run.rows("""
            SELECT c.connections AS reuse, count(*) AS trials, sum(t.object_size) / sum(t.duration) / 1e6 AS rate,
                   (SELECT count(*) FROM attempts a JOIN trials m ON m.id = a.trial_id
                    WHERE m.cell_id = c.id AND m.warmup = 0 AND a.reused = 0) AS opened
            FROM trials t JOIN cells c ON c.id = t.cell_id WHERE t.warmup = 0 AND t.outcome = 'ok'
            GROUP BY c.id ORDER BY c.connections
            """)
        XCTAssertEqual(rows.map { $0["reuse"] as String }, ["per-object", "warm"])
        let fresh = rows[0], warm = rows[1]
        XCTAssertEqual(warm["opened"] as Int, 0, "the warm pool opened its connections in the warm-up")
        XCTAssertGreaterThanOrEqual(fresh["opened"] as Int, 2 * (fresh["trials"] as Int), "two parts in flight: two new connections per object")
        let freshRate: Double = fresh["rate"], warmRate: Double = warm["rate"]
        XCTAssertLessThan(freshRate, 0.8 * warmRate, "set-up and slow start cost per-object at least a fifth: \(freshRate) vs \(warmRate) MB/s")
    }

    /// The store creates the upload but the answer is lost: the retried create must not leave its
    /// twin behind (the run's snapshot check above compares the store before and after).
    func testLostCreateAnswersLeaveNoTwinUploads() async throws {
        let (run, result) = try await self.run("""
            mode: multipart
            objects: {sizes: [6MiB], count: 12, seed: 21}
            network: {faults: {lost_answer: 0.3}, seed: 8}
            grid: {UPLOAD_PARTSIZE: 6MiB, DOWNLOAD_PARTSIZE: 6MiB, parallel: 1, clients: 1, UPLOAD_RETRY_LIMIT: 8}
            backoff: {base: 5ms, max: 20ms}
            repetitions: 1
            warmup: 0
            """)
        XCTAssertEqual(result.status, .completed)
        XCTAssertGreaterThan(try run.count("SELECT count(*) FROM faults WHERE kind = 'lost-answer'"), 0)
        XCTAssertGreaterThan(try run.count("SELECT count(*) FROM attempts WHERE operation = 'CreateMultipartUpload' AND attempt > 1"), 0,
                             "some create was retried after its answer was lost (the case under test)")
    }

    /// Stalls of 30 s: a 2 s stall timeout recovers within seconds, a 60 s one waits each stall out.
    func testAShortStallTimeoutRecoversWhereALongOneWaits() async throws {
        let (run, result) = try await self.run("""
            mode: multipart
            objects: {sizes: [8MiB], count: 1, seed: 10}
            network: {faults: {stall: 0.1, stall_for: 30s}, seed: 5}
            grid: {UPLOAD_PARTSIZE: 8MiB, parallel: 1, UPLOAD_RETRY_LIMIT: 3, stall_timeout: [2s, 60s]}
            backoff: {base: 5ms, max: 50ms}
            repetitions: 1
            warmup: 0
            """)
        XCTAssertEqual(result.status, .completed)
        XCTAssertGreaterThan(try run.count("SELECT count(*) FROM faults WHERE kind = 'stall'"), 0)
        let rows = try run.rows("""
            SELECT c.stall_timeout_ms AS timeout, max(t.duration) AS longest, sum(t.outcome = 'ok') AS ok, count(*) AS trials
            FROM trials t JOIN cells c ON c.id = t.cell_id GROUP BY c.id ORDER BY c.stall_timeout_ms
            """)
        XCTAssertEqual(rows.count, 2)
        let short = rows[0], long = rows[1]
        XCTAssertEqual(short["ok"] as Int, short["trials"] as Int, "the 2 s timeout cuts each stall and a retry goes through")
        XCTAssertLessThan(short["longest"] as Double, 15, "without waiting out a 30 s stall")
        XCTAssertGreaterThan(try run.count("SELECT count(*) FROM attempts a JOIN cells c ON c.id = a.cell_id WHERE c.stall_timeout_ms = 2000 AND a.error_class = 'stall-timeout'"), 0)
        XCTAssertGreaterThanOrEqual(long["longest"] as Double, 30, "the 60 s timeout sits through the whole 30 s stall")
    }

    func testSlowDownAnswersAreRetriedWithBackOff() async throws {
        let (run, result) = try await self.run("""
            mode: multipart
            objects: {sizes: [10MiB], count: 4, seed: 11}
            network: {faults: {slowdown_503: 0.4}, seed: 6}
            grid: {UPLOAD_PARTSIZE: 5MiB, parallel: 2, UPLOAD_RETRY_LIMIT: 10}
            backoff: {base: 200ms, max: 200ms}
            repetitions: 1
            warmup: 0
            """)
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(try run.count("SELECT count(*) FROM trials WHERE outcome = 'ok'"), 8)
        let slowDowns = try run.count("SELECT count(*) FROM attempts WHERE status = 503 AND error_class = 'slowdown-503'")
        XCTAssertGreaterThan(slowDowns, 0)
        XCTAssertEqual(slowDowns, try run.count("SELECT count(*) FROM faults WHERE kind = 'slowdown-503'"), "one answer per injected 503")
        // Back-off: a retry after a 503 starts later than the 503 came back.
        let gaps = try run.rows("""
            SELECT b.started_at - (a.started_at + a.total_s) AS gap FROM attempts a JOIN attempts b
            ON b.trial_id = a.trial_id AND b.operation = a.operation AND coalesce(b.part_number, 0) = coalesce(a.part_number, 0)
               AND b.attempt = a.attempt + 1
            WHERE a.status = 503
            """).map { $0["gap"] as Double }
        // Full jitter over 0…200 ms: waits average about 100 ms and never exceed the cap by much.
        XCTAssertGreaterThanOrEqual(gaps.count, 3, "\(gaps)")
        XCTAssertGreaterThan(gaps.reduce(0, +) / Double(gaps.count), 0.03, "retries wait: \(gaps)")
        XCTAssertTrue(gaps.allSatisfy { $0 >= 0 && $0 < 0.3 }, "\(gaps)")
    }
}
