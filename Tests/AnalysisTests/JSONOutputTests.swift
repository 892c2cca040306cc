import Foundation
import Runner
import TestSupport
import XCTest

/// Every subcommand with `--json`, on success and on a failure: standard output is one JSON
/// document with `schema_version`, `command` and the fields README's "JSON output" documents, and
/// a failure is `{"error": {"message", "exit_code"}}` with the same exit status as without --json.
/// (`merge` is covered by DistributedRunTests, which has the worker databases.)
final class JSONOutputTests: XCTestCase {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-json-\(UUID().uuidString.prefix(8))")
    static var database: String { folder.appendingPathComponent("results.sqlite").path }
    static var scenario: String { folder.appendingPathComponent("sweep.yaml").path }

    override class func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// The fields each command's document carries (README, "JSON output").
    static let documented: [String: [String]] = [
        "check": ["env", "profile", "steps", "exitCode"],
        "config": ["env", "profile", "valid", "values", "findings", "facts"],
        "run": ["runId", "status", "database", "cellsDone", "cellsTotal", "cells", "bestUploadCell", "axis", "cautions", "leftBehind"],
        "runs": ["database", "runs"],
        "recommend": ["runId", "chosen", "settings", "clientProperties", "decision", "reason", "cautions"],
        "report": ["runId", "files"],
        "compare": ["baseline", "candidate", "regressed", "comparison"],
        "plan": ["direction", "points"],
        "clean": ["removed", "failures"],
        "slurm": ["script", "workers", "tag", "mergedDatabase"],
        "k8s": ["tag", "workers", "manifests"],
        "proxy": ["listen", "upstream"],
        "run --dry-run": ["scenario", "cells", "pruned", "notes", "totalBytes"],
    ]

    /// Runs `arguments` with --json; the document, after checking its envelope and status.
    @discardableResult
    func document(_ arguments: [String], status: Int32, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try ScoretuneBinary.run(arguments + ["--json"])
        XCTAssertEqual(result.status, status, result.out + result.err, file: file, line: line)
        let object = try XCTUnwrap(try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any],
                                   "\(arguments): not one JSON object: \(result.out)", file: file, line: line)
        XCTAssertEqual(object["schema_version"] as? Int, 1, file: file, line: line)
        XCTAssertEqual(object["command"] as? String, arguments[0], file: file, line: line)
        if let error = object["error"] as? [String: Any] {
            XCTAssertNotEqual(status, 0, "an error document only on failure", file: file, line: line)
            XCTAssertEqual(try ScoretuneBinary.run(arguments).status, status, "the same exit status without --json", file: file, line: line)
            XCTAssertEqual(error["exit_code"] as? Int, Int(status), file: file, line: line)
            XCTAssertFalse((error["message"] as? String ?? "").isEmpty, file: file, line: line)
        } else if object["text"] == nil {
            let name = arguments.contains("--dry-run") ? "run --dry-run" : arguments[0]
            for field in Self.documented[name] ?? [] {
                XCTAssertNotNil(object[field], "\(arguments[0]) --json lacks '\(field)': \(result.out)", file: file, line: line)
            }
        }
        return object
    }

    func error(_ object: [String: Any]) -> String? { (object["error"] as? [String: Any])?["message"] as? String }

    func testEveryCommandPrintsOneDocumentOnSuccessAndOnFailure() async throws {
        let env = try LocalBackend.seaweedfs.settings().path
        try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
        try """
            name: json-sweep
            env: \(env)
            mode: score
            objects: {sizes: [21MiB], count: 2, seed: 9}
            grid: {parallel: 1, clients: [1, 2]}
            repetitions: 2
            warmup: 0
            """.write(toFile: Self.scenario, atomically: true, encoding: .utf8)
        let missing = Self.folder.appendingPathComponent("missing.sqlite").path

        // check and config
        XCTAssertEqual(try document(["check", "--env", env], status: 0)["exitCode"] as? Int, 0)
        XCTAssertNotNil(error(try document(["check", "--env", "/nonexistent/.env.score"], status: 2)))
        let config = try document(["config", "--env", env], status: 0)
        let values = try XCTUnwrap(config["values"] as? [[String: Any]])
        XCTAssertEqual(values.first { $0["name"] as? String == "S3_SECRETKEY" }?["value"] as? String, "****", "secrets stay masked in JSON")
        XCTAssertNotNil(error(try document(["config", "--env", "/nonexistent/.env.score"], status: 2)))

        // run, and the commands that read its database
        let run = try document(["run", Self.scenario, "--db", Self.database], status: 0)
        let runId = try XCTUnwrap(run["runId"] as? Int)
        XCTAssertNotNil(error(try document(["run", "/nonexistent.yaml", "--db", Self.database], status: 2)))
        XCTAssertNotNil(error(try document(["run"], status: 2)), "a usage error found while parsing is a document too")
        XCTAssertTrue((try document(["runs", "--help"], status: 0)["text"] as? String)?.contains("USAGE") == true, "--help under --json is a document")
        // The dry run: the same cells the run made, estimated from it; without a database, no estimate and no file.
        let dry = try document(["run", Self.scenario, "--db", Self.database, "--dry-run"], status: 0)
        let planned = try XCTUnwrap(dry["cells"] as? [[String: Any]])
        XCTAssertEqual(planned.compactMap { ($0["knobs"] as? [String: Any])?["clients"] as? Int }.sorted(), [1, 2])
        XCTAssertEqual(planned.map { $0["bytes"] as? Int }, [(21 << 20) * 2 * 2 * 2, (21 << 20) * 2 * 2 * 2], "2 objects up and down, 2 repetitions")
        XCTAssertEqual(dry["estimateSource"] as? String, "\(Self.database):\(runId)")
        XCTAssertGreaterThan(dry["estimatedSeconds"] as? Double ?? 0, 0)
        XCTAssertEqual(planned.compactMap { $0["estimateFrom"] as? String }, ["same cell", "same cell"])
        let blind = try document(["run", Self.scenario, "--db", missing, "--dry-run"], status: 0)
        XCTAssertNil(blind["estimatedSeconds"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "a dry run creates no database")
        XCTAssertNotNil(error(try document(["run", "/nonexistent.yaml", "--dry-run"], status: 2)))
        let runs = try document(["runs", "--db", Self.database], status: 0)
        XCTAssertEqual((runs["runs"] as? [[String: Any]])?.first?["id"] as? Int, runId)
        XCTAssertNotNil(error(try document(["runs", "--db", missing], status: 2)))
        XCTAssertNotNil(try document(["recommend", "--db", Self.database], status: 0)["decision"] as? [String: Any])
        XCTAssertNotNil(try document(["recommend", "--db", Self.database, "--format", "json"], status: 0)["decision"], "--format json is an alias")
        XCTAssertNotNil(error(try document(["recommend", "--db", missing], status: 2)))
        let html = Self.folder.appendingPathComponent("r.html").path
        XCTAssertEqual(try document(["report", "--db", Self.database, "--html", html], status: 0)["files"] as? [String], [html])
        XCTAssertNotNil(error(try document(["report", "99", "--db", Self.database], status: 2)))
        let compared = try document(["compare", "\(Self.database):\(runId)", "\(Self.database):\(runId)"], status: 0)
        XCTAssertEqual(compared["regressed"] as? Bool, false)
        XCTAssertNotNil(error(try document(["compare", "1", "2", "--db", Self.database, "--threshold=-3"], status: 2)))
        XCTAssertNotNil(try document(["plan", "--db", Self.database, "--dataset", "1TB", "--window", "2d"], status: 0)["points"])
        XCTAssertNotNil(error(try document(["plan", "--db", Self.database, "--dataset", "lots", "--window", "2d"], status: 2)))
        XCTAssertEqual(try document(["clean", "--db", Self.database], status: 0)["removed"] as? Int, 0)
        XCTAssertNotNil(error(try document(["clean", "--db", missing], status: 2)))

        // the generators
        let slurmDir = Self.folder.appendingPathComponent("slurm").path
        XCTAssertNotNil(try document(["slurm", Self.scenario, "--workers", "2", "--tag", "jsontest", "--dir", slurmDir], status: 0)["script"])
        XCTAssertNotNil(error(try document(["slurm", Self.scenario, "--workers", "0"], status: 2)))
        let k8s = try document(["k8s", Self.scenario, "--workers", "2", "--image", "scoretune:1", "--env-secret", "score-env", "--tag", "jsontest"], status: 0)
        XCTAssertTrue((k8s["manifests"] as? String)?.contains("completionMode: Indexed") == true)
        XCTAssertNotNil(error(try document(["k8s", Self.scenario, "--workers", "2", "--image", "x", "--env-secret", "Bad_Name"], status: 2)))

        // the proxy and the benchmark helper fail as documents; the proxy's success is below
        XCTAssertNotNil(error(try document(["proxy", "--listen", "10.0.0.1:9", "--upstream", "127.0.0.1:1"], status: 2)))
        XCTAssertNotNil(error(try document(["bench-transport", "--url", "http://example.com/"], status: 2)))
        XCTAssertFalse(try ScoretuneBinary.run(["runs", "--db", missing]).out.contains("{"), "without --json nothing changes on stdout")
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "a failed command creates no database")
    }

    func testProxyPrintsWhereItListensAsADocument() throws {
        let process = try ScoretuneBinary.start(["proxy", "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:8333", "--json"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // A proxy that never prints is killed after 30 s, which ends the reads below.
        let deadline = killAfter(30, process)
        defer { deadline.cancel() }
        // The document is complete when it parses; read until then, or until the proxy ends.
        let output = (process.standardOutput as! Pipe).fileHandleForReading
        var text = Data()
        var object: [String: Any]?
        for _ in 0..<200 where object == nil {
            let chunk = output.availableData
            if chunk.isEmpty { break }
            text += chunk
            object = try? JSONSerialization.jsonObject(with: text) as? [String: Any]
        }
        XCTAssertEqual(object?["schema_version"] as? Int, 1, String(decoding: text, as: UTF8.self))
        XCTAssertTrue((object?["listen"] as? String)?.hasPrefix("127.0.0.1:") == true)
        XCTAssertEqual(object?["upstream"] as? String, "127.0.0.1:8333")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
    }
}
