import Foundation
import TestSupport
import XCTest

/// `compare` on real runs: a run against itself passes; a run made through a slower path — the
/// same SeaweedFS in a network namespace of ours whose loopback `tc tbf` caps at 400 Mbit/s —
/// fails with the slowed cells named.
final class CompareTests: XCTestCase {
    let namespace = "scoretune-compare"
    let root = LocalBackend.packageRoot

    func shell(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = root
        // Output goes to a file, not a pipe: a backend started here lives on after the script and
        // would hold a pipe open.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-shell-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    func testSelfComparePassesAndASlowerPathRegresses() throws {
        // Needs root for `ip netns` (CI and the make targets run as root).
        guard getuid() == 0 else { throw XCTSkip("network namespaces need root") }
        try LocalBackend.skipUnlessServersWanted()  // it starts a SeaweedFS of its own
        let backendEnv = ["SCORETUNE_NETNS": namespace]
        XCTAssertEqual(try shell(["scripts/netns", "create", namespace]).status, 0)
        addTeardownBlock { [self] in
            _ = try? shell(["scripts/backend", "stop", "seaweedfs"], environment: backendEnv)
            _ = try? shell(["scripts/netns", "delete", namespace])
        }
        let started = try shell(["scripts/backend", "start", "seaweedfs"], environment: backendEnv)
        XCTAssertEqual(started.status, 0, started.out)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-compare-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let scenario = folder.appendingPathComponent("compare.yaml").path
        let db = folder.appendingPathComponent("results.sqlite").path
        try """
            env: \(root.path)/.scoretune/backends/seaweedfs@\(namespace)/.env.score
            mode: score
            objects: {sizes: [24MiB], count: 3, seed: 4}
            grid: {UPLOAD_PARTSIZE: [20MiB, 24MiB], parallel: 2}
            repetitions: 2
            warmup: 0
            """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let binary = ScoretuneBinary.url.path
        let baseline = try shell(["ip", "netns", "exec", namespace, binary, "run", scenario, "--db", db, "--quiet"])
        XCTAssertEqual(baseline.status, 0, baseline.out)
        XCTAssertEqual(try shell(["scripts/netns", "limit", namespace, "400mbit"]).status, 0)
        let candidate = try shell(["ip", "netns", "exec", namespace, binary, "run", scenario, "--db", db, "--quiet"])
        XCTAssertEqual(try shell(["scripts/netns", "limit", namespace, "none"]).status, 0)
        XCTAssertEqual(candidate.status, 0, candidate.out)

        let same = try ScoretuneBinary.run(["compare", "1", "\(db):1", "--db", db])
        XCTAssertEqual(same.status, 0, same.out + same.err)
        XCTAssertTrue(same.out.contains("no cell regressed"), same.out)

        let junit = folder.appendingPathComponent("junit.xml").path
        let slower = try ScoretuneBinary.run(["compare", "1", "2", "--db", db, "--threshold", "10%", "--junit", junit])
        XCTAssertEqual(slower.status, 1, slower.out + slower.err)
        for part in ["20MiB", "24MiB"] {
            XCTAssertTrue(slower.out.contains("REGRESSED:") && slower.out.contains("part=\(part) par=2"), slower.out)
        }
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertTrue(xml.contains("tests=\"4\" failures=\"4\""), xml)
        XCTAssertEqual(xml.components(separatedBy: "<testcase ").count - 1, 4, "one test case per cell and direction")
    }
}
