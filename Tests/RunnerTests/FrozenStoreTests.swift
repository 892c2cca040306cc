import Foundation
import GRDB
import MemoryStore
import Results
@testable import Runner
import ScoreConfig
import TestSupport
import Transport
import XCTest

/// A store that takes requests and never answers (frozen, or a stopped proxy in front of it) ends
/// a run within the run's own timeouts, as failed, with what it could not remove left in the ledger
/// for `scoretune clean`; a store that answers again lets `clean` finish the job.
final class FrozenStoreTests: XCTestCase {
    func testAFrozenStoreEndsTheRunWithinItsTimeoutsAndLeavesTheRestToClean() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        // Score mode: its server's calls wait 50 s an attempt (the AWS SDK's socket timeout), and a
        // trial retries each part twice; the run's own timeouts are 1 s of stall and 2 s to connect.
        let temporary = try TemporaryRun(env: { try backend.writeEnv(in: $0) }, """
            mode: score
            objects: {sizes: [30MiB], count: 2, seed: 4}
            grid: {UPLOAD_PARTSIZE: 20MiB, parallel: 2, UPLOAD_RETRY_LIMIT: 2, stall_timeout: 1s, UPLOAD_CONNECTIONTIMEOUT: 2s}
            backoff: {base: 1ms, max: 5ms}
            repetitions: 3
            warmup: 0
            """)
        addTeardownBlock { temporary.remove() }
        // The pre-flight goes through (its probe and two bucket HEADs), and a few of the first
        // trial's requests; then the store never answers again.
        backend.store.inject(MemoryFault(.frozen, on: nil, times: .max, after: 6))
        let started = ContinuousClock.now
        let result = try await temporary.run(on: backend.store)
        let took = ContinuousClock.now - started
        XCTAssertEqual(result.status, .failed)
        XCTAssertTrue(result.failure?.hasPrefix("store not answering") == true, result.failure ?? "")
        // Detection (1 s of silence) + a probe (2 s to connect, 1 s to answer) + the clean-up's one
        // try (the same): 7 s, and a little for the run around them.
        XCTAssertLessThan(took, .seconds(10), "the run's own timeouts bound it: \(took)")
        XCTAssertFalse(result.leftBehind.isEmpty, "what the frozen store holds is named")
        let open = try temporary.count("SELECT count(*) FROM created WHERE removed_at IS NULL")
        XCTAssertGreaterThan(open, 0, "and left in the ledger for `clean`")
        XCTAssertEqual(try temporary.strings("SELECT status FROM runs"), ["failed"])
        XCTAssertTrue(RunResult(runId: result.runId, status: .interrupted, failure: nil, cellsDone: 0, cellsTotal: 1, leftBehind: result.leftBehind)
            .interruptedNote(cleanCommand: "scoretune clean --run \(result.runId)").contains("could not be removed"),
                      "no message says its objects were removed")

        // The store is back: `clean` removes exactly what the run left.
        backend.store.clearFaults()
        let database = try ResultsDatabase(path: temporary.database)
        let settings = try ScoreSettings.load(path: try backend.writeEnv(in: temporary.folder), environment: [:])
        let connection = try StoreConnection(settings: settings, transport: backend.store.transport(), observer: nil)
        let report = await Cleaner(database: database, remover: connection.remover).clean(run: result.runId)
        try database.close()
        XCTAssertEqual(report.failures, [])
        XCTAssertEqual(report.removed, open)
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)"]),
                      "\(backend.store.keys(in: backend.objectBucket)) \(backend.store.keys(in: backend.stateBucket)) \(backend.store.openUploads)")
    }

    /// An interrupted run that removed everything says so; one that could not says what is left.
    func testTheInterruptedNoteIsTrueOfTheCleanUp() {
        var result = RunResult(runId: 7, status: .interrupted, failure: nil, cellsDone: 0, cellsTotal: 2, leftBehind: [])
        XCTAssertEqual(result.interruptedNote(cleanCommand: "scoretune clean --run 7"), "interrupted; run 7 marked interrupted, its objects removed")
        result.leftBehind = ["object score-object/data/a: stall timeout", "upload score-object/data/b: not tried"]
        let note = result.interruptedNote(cleanCommand: "scoretune clean --run 7")
        XCTAssertFalse(note.contains("its objects removed"), note)
        XCTAssertTrue(note.contains("2 of the things it created could not be removed") && note.contains("`scoretune clean --run 7`"), note)
    }
}
