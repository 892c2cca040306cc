import Foundation
import GRDB
import MemoryStore
import Runner
import TestSupport
import Transport
import XCTest

/// `run --dry-run` with no store at all (the memory store's endpoint has nothing listening): the
/// cells it plans are the run's, its estimate comes from the earlier run on the same endpoint in
/// `--db`, and it creates nothing.
final class DryRunTests: XCTestCase {
    static let yaml = """
        name: dry
        mode: score
        objects: {sizes: [21MiB], count: 2, seed: 4}
        grid: {UPLOAD_PARTSIZE: [20MiB, 32MiB], parallel: [1, 2]}
        repetitions: 2
        warmup: 0
        """

    func testTheDryRunPlansTheRunsCellsAndEstimatesFromIt() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let run = try TemporaryRun(env: { try backend.writeEnv(in: $0) }, Self.yaml)
        addTeardownBlock { run.remove() }
        let result = try await run.run(on: backend.store)
        XCTAssertEqual(result.status, .completed)
        let requests = backend.store.log.count

        let dry = try ScoretuneBinary.run(["run", run.scenario, "--db", run.database, "--dry-run", "--json"])
        XCTAssertEqual(dry.status, 0, dry.err)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dry.out.utf8)) as? [String: Any])
        let planned = try XCTUnwrap(document["cells"] as? [[String: Any]])
        let labels = planned.compactMap { $0["label"] as? String }
        // The run's cells, by their knobs' labels (the run shuffles their order; the plan is the same set).
        let runLabels = try run.rows("SELECT upload_part_size, parallel FROM cells").map { row -> String in
            let part: Int64 = row["upload_part_size"], parallel: Int = row["parallel"]
            return "part=\(part >> 20)MiB par=\(parallel)"
        }
        XCTAssertEqual(Set(labels.map { String($0.split(separator: " ").prefix(2).joined(separator: " ")) }), Set(runLabels))
        XCTAssertEqual(planned.map { $0["bytes"] as? Int }, Array(repeating: (21 << 20) * 2 * 2 * 2, count: 4), "2 objects up and down, 2 repetitions")
        XCTAssertEqual(planned.compactMap { $0["estimateFrom"] as? String }, Array(repeating: "same cell", count: 4))
        XCTAssertEqual(document["estimateSource"] as? String, "\(run.database):\(result.runId)")
        XCTAssertEqual(backend.store.log.count, requests, "the dry run sent nothing (and its process could not have reached this store)")

        let missing = run.folder.appendingPathComponent("none.sqlite").path
        let blind = try ScoretuneBinary.run(["run", run.scenario, "--db", missing, "--dry-run"])
        XCTAssertEqual(blind.status, 0, blind.err)
        XCTAssertTrue(blind.out.contains("no time estimate"), blind.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "a dry run creates no database")
    }
}
