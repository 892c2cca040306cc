import Foundation
import GRDB
import MemoryStore
import Results
import Runner
import TestSupport
import Transport
import XCTest

/// Successive halving and the concurrency ramp on the in-memory store, over a path played so that
/// one cell wins by construction: each request waits 5 ms and moves its bytes at 100 MB/s on its
/// own connection, so only parts in flight add bandwidth, and of a 20 MiB object's layouts only
/// 5 MiB parts × 4 in flight move it on four connections at once. The search must keep that cell
/// with well under half of the whole grid's trials. (The real-network version, through the fault
/// proxy to SeaweedFS, stays in HalvingSearchTests.)
final class MemorySearchTests: XCTestCase {
    static func scenario(strategy: String, seed: Int) -> String {
        """
        name: known-answer-memory
        mode: multipart
        objects: {sizes: [20MiB], count: 1, seed: 7}
        order_seed: \(seed)
        grid: {UPLOAD_PARTSIZE: [5MiB, 10MiB, 20MiB], parallel: [1, 2, 4]}
        repetitions: 4
        warmup: 1
        search: {strategy: \(strategy), eta: 2}
        """
    }

    /// 9 cells × (1 warm-up + 4 repetitions) × (1 upload + 1 download).
    let wholeGridTrials = 9 * 5 * 2

    func search(_ strategy: String, seed: Int) async throws -> TemporaryRun {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        backend.store.path = MemoryStore.Path(roundTrip: .milliseconds(5), bytesPerSecond: 100e6)
        let run = try TemporaryRun(env: { try backend.writeEnv(in: $0) }, Self.scenario(strategy: strategy, seed: seed))
        addTeardownBlock { run.remove() }
        let result = try await run.run(on: backend.store)
        XCTAssertEqual(result.status, .completed)
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)"]))
        return run
    }

    func checkKnownAnswer(_ run: TemporaryRun, _ what: String) throws {
        // The known best is kept to the end; a cell the search could not tell from it (a slow round
        // on a busy machine widens intervals) may be kept beside it, never instead of it.
        let done = try run.rows("SELECT upload_part_size, parallel FROM cells WHERE status = 'done'")
        XCTAssertTrue(done.contains { ($0["upload_part_size"] as Int64) == 5 << 20 && ($0["parallel"] as Int) == 4 }, "\(what): \(done)")
        XCTAssertLessThanOrEqual(done.count, 2, what)
        let trials = try run.count("SELECT count(*) FROM trials")
        XCTAssertLessThanOrEqual(Double(trials), 0.5 * Double(wholeGridTrials), "\(what): \(trials) of the whole grid's \(wholeGridTrials)")
        XCTAssertEqual(try run.count("SELECT count(*) FROM search_verdicts WHERE reason = ''"), 0, "every decision has its reason")
        XCTAssertEqual(try run.count("""
            SELECT count(*) FROM trials t JOIN search_verdicts v ON v.cell_id = t.cell_id AND v.verdict = 'dropped'
            WHERE t.warmup = 0 AND t.round >= v.rounds
            """), 0, "a dropped cell measures nothing after the decision that dropped it")
    }

    func testHalvingKeepsTheKnownBestCell() async throws {
        try checkKnownAnswer(try await search("halving", seed: 1), "halving, seed 1")
    }

    func testARampThenHalvingKeepsTheKnownBestCell() async throws {
        let run = try await search("ramp", seed: 3)
        try checkKnownAnswer(run, "ramp")
        XCTAssertGreaterThan(try run.count("SELECT count(*) FROM search_verdicts WHERE verdict = 'pruned'"), 0, "the ramp pruned the parallelisms past its knee")
    }

    /// Interrupted once its first decision is recorded, then resumed: the search goes on from that
    /// decision (no second one at one round), and the cells it dropped stay dropped.
    func testAResumedSearchGoesOnFromItsLastDecision() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        backend.store.path = MemoryStore.Path(roundTrip: .milliseconds(5), bytesPerSecond: 100e6)
        let run = try TemporaryRun(env: { try backend.writeEnv(in: $0) }, Self.scenario(strategy: "halving", seed: 4))
        addTeardownBlock { run.remove() }
        let first = Task { try await run.run(on: backend.store) }
        // Bounded wait for the first decision, then Ctrl-C.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, ((try? run.count("SELECT count(*) FROM search_verdicts")) ?? 0) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        first.cancel()
        let interrupted = try await first.value
        XCTAssertEqual(interrupted.status, .interrupted)
        let droppedBefore = Set(try run.strings("SELECT cell_id FROM search_verdicts WHERE verdict = 'dropped'"))
        XCTAssertFalse(droppedBefore.isEmpty)

        let resumed = try await run.run(on: backend.store, resume: interrupted.runId)
        XCTAssertEqual(resumed.status, .completed)
        XCTAssertEqual(try run.count("SELECT count(DISTINCT rung) FROM search_verdicts WHERE rung = 1"), 1)
        XCTAssertEqual(try run.count("SELECT count(*) FROM search_verdicts WHERE rung = 1"), 9, "one first decision, over every cell")
        XCTAssertTrue(droppedBefore.isSubset(of: Set(try run.strings("SELECT id FROM cells WHERE status = 'dropped'"))))
        try checkKnownAnswer(run, "resumed halving")
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)"]))
    }
}
