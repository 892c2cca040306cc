import Foundation
import TestSupport
import XCTest

/// `scoretune compare` on real runs against SeaweedFS, through the binary as CI calls it: a run
/// through a played 80 ms / 25 MB/s network regressed (exit 1), a run against itself is unchanged
/// (exit 0), runs with no cell in common cannot pass (exit 2).
final class CompareRunTests: XCTestCase {
    func testCompareVerdictsOnRealRuns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-compare-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        _ = try LocalBackend.seaweedfs.settings()
        let env = LocalBackend.seaweedfs.envPath
        let database = folder.appendingPathComponent("results.sqlite").path
        let common = """
            env: \(env)
            mode: multipart
            objects: {sizes: [4MiB], count: 1, seed: 3}
            repetitions: 5
            warmup: 0

            """
        let scenarios: [(String, String)] = [
            ("direct", common + "grid: {UPLOAD_PARTSIZE: 5MiB, parallel: 2}\n"),
            ("wan", common + "network: {rtt: 80ms, bandwidth_total: 25MB/s, seed: 1}\ngrid: {UPLOAD_PARTSIZE: 5MiB, parallel: 2}\n"),
            ("other", common + "grid: {UPLOAD_PARTSIZE: 5MiB, parallel: 1}\n"),
        ]
        for (name, yaml) in scenarios {
            let path = folder.appendingPathComponent("\(name).yaml").path
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try ScoretuneBinary.run(["run", path, "--db", database])
            XCTAssertEqual(run.status, 0, "\(name): \(run.err)")
        }
        let regressed = try ScoretuneBinary.run(["compare", "1", "2", "--db", database, "--junit", folder.appendingPathComponent("j.xml").path])
        XCTAssertEqual(regressed.status, 1, regressed.out + regressed.err)
        XCTAssertTrue(regressed.out.contains("NOTE: played network differs"), regressed.out)
        XCTAssertTrue(regressed.out.contains("regressed"), regressed.out)
        let junit = try String(contentsOfFile: folder.appendingPathComponent("j.xml").path, encoding: .utf8)
        XCTAssertTrue(junit.contains("<failure"), junit)

        let strict = try ScoretuneBinary.run(["compare", "1", "2", "--db", database, "--strict"])
        XCTAssertEqual(strict.status, 2, strict.err)
        XCTAssertTrue(strict.err.contains("played network differs"), strict.err)

        let itself = try ScoretuneBinary.run(["compare", "1", "1", "--db", database])
        XCTAssertEqual(itself.status, 0, itself.out + itself.err)
        // Every row unchanged where the samples are tight enough to show it; a noisy direction may
        // honestly be inconclusive, but a run never regresses or improves against itself.
        XCTAssertTrue(itself.out.contains("unchanged"), itself.out)
        XCTAssertTrue(itself.out.contains("0 regressed, 0 improved"), itself.out)

        let disjoint = try ScoretuneBinary.run(["compare", "1", "3", "--db", database])
        XCTAssertEqual(disjoint.status, 2, disjoint.out + disjoint.err)
        XCTAssertTrue(disjoint.err.contains("no cell in common"), disjoint.err)
        XCTAssertEqual(disjoint.err.split(separator: "\n").count, 1, "one line: \(disjoint.err)")
    }
}
