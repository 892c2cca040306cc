import Foundation
import Runner
import TestSupport
import XCTest

/// `plan` on a real run that sweeps `clients`.
final class PlanTests: XCTestCase {
    func testPlanFitsTheSweepAndJudgesTheWindow() async throws {
        let env = try LocalBackend.seaweedfs.settings().path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-plan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let scenario = folder.appendingPathComponent("capacity.yaml").path
        let db = folder.appendingPathComponent("results.sqlite").path
        try """
            env: \(env)
            objects: {sizes: [8MiB], count: 6, seed: 3}
            grid: {parallel: 1, clients: [1, 2, 3]}
            repetitions: 2
            warmup: 0
            """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let result = try await ScenarioRunner(options: RunOptions(scenarioPath: scenario, envPath: nil, databasePath: db, resume: nil),
                                              progress: RunProgress(style: .quiet)).run()
        XCTAssertEqual(result.status, .completed)

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
