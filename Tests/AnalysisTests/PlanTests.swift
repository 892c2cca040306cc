import Foundation
import Runner
import TestSupport
import XCTest

/// `plan` on a run that sweeps `clients` (on the memory store: the fit reads the run's rows).
final class PlanTests: XCTestCase {
    func testPlanFitsTheSweepAndJudgesTheWindow() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-plan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("results.sqlite").path
        _ = try await ClassRun.make(folder: folder, database: db, yaml: """
            objects: {sizes: [8MiB], count: 6, seed: 3}
            grid: {parallel: 1, clients: [1, 2, 3]}
            repetitions: 2
            warmup: 0
            """)

        let json = try ScoretuneBinary.run(["plan", "--db", db, "--dataset", "1GB", "--window", "1h", "--json"])
        XCTAssertEqual(json.status, 0, json.err)
        let plan = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        let points = plan?["points"] as? [[String: Any]]
        XCTAssertEqual(points?.compactMap { $0["clients"] as? Int }, [1, 2, 3])
        XCTAssertTrue(points?.allSatisfy { ($0["throughput"] as? Double ?? 0) > 0 } ?? false)
        let model = plan?["model"] as? [String: Any]
        XCTAssertGreaterThan(model?["lambda"] as? Double ?? 0, 0)
        XCTAssertTrue((plan?["lines"] as? [String])?.contains { $0.hasPrefix("feasible: 1 concurrent transfer") } ?? false, json.out)

        let impossible = try ScoretuneBinary.run(["plan", "--db", db, "--dataset", "1PB", "--window", "1h"])
        XCTAssertEqual(impossible.status, 0)
        XCTAssertTrue(impossible.out.contains("not feasible"), impossible.out)
        XCTAssertTrue(impossible.out.contains("needs 277777.8 MB/s sustained"), impossible.out)

        let bad = try ScoretuneBinary.run(["plan", "--db", db, "--dataset", "lots", "--window", "1h"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.err, "scoretune: --dataset 'lots' is not a size (e.g. 50TB)\n")
    }
}
