import Foundation
import TestSupport
import XCTest

/// `scoretune run` and `clean` as users meet them: one line and a distinct exit status for each
/// kind of mistake, the JSON summary for CI.
final class RunCommandTests: XCTestCase {
    func temporary(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-\(UUID().uuidString.prefix(8))-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testBadScenarioIsOneLineExit2() throws {
        let path = try temporary("s.yaml", "objects: {sizes: [30MiB]}\ngrid:\n  UPLOAD_PARTSIZE: 2MiB\n")
        let result = try ScoretuneBinary.run(["run", path, "--env", "/nonexistent", "--db", path + ".sqlite"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.err, "scoretune: \(path):3: grid.UPLOAD_PARTSIZE: 2MiB is below S3's 5MiB minimum part size\n")
    }

    func testMissingEnvAndBadEnvExit2() throws {
        let scenario = try temporary("s.yaml", "objects: {sizes: [30MiB]}\n")
        let noEnv = try ScoretuneBinary.run(["run", scenario, "--db", scenario + ".sqlite"])
        XCTAssertEqual(noEnv.status, 2)
        XCTAssertTrue(noEnv.err.contains("no .env.score: add 'env: path/to/.env.score' or pass --env FILE"), noEnv.err)
        let env = try temporary("bad.env", "S3_ENDPOINT=http://127.0.0.1:1\nS3_ACCESSKEY=a\nS3_SECRETKEY=topsecret\nBUCKET_NAME_OBJECT={{object_bucket}}\nBUCKET_NAME_STATE=s\n")
        let badEnv = try ScoretuneBinary.run(["run", scenario, "--env", env, "--db", scenario + ".sqlite"])
        XCTAssertEqual(badEnv.status, 2)
        XCTAssertTrue(badEnv.err.hasPrefix("scoretune: \(env):4:"), badEnv.err)
        XCTAssertFalse(badEnv.err.contains("topsecret"))
        XCTAssertEqual(try ScoretuneBinary.run(["run"]).status, 2, "no scenario, no --resume")
        XCTAssertEqual(try ScoretuneBinary.run(["run", scenario, "--db", scenario + ".sqlite", "--resume", "99"]).status, 2)
    }

    func testUnreachableStoreExits1BeforeCreatingAnything() throws {
        let port = try closedLoopbackPort()
        let scenario = try temporary("s.yaml", "objects: {sizes: [30MiB]}\n")
        let env = try temporary("dead.env", "S3_ENDPOINT=http://127.0.0.1:\(port)\nS3_ACCESSKEY=a\nS3_SECRETKEY=topsecret\nBUCKET_NAME_OBJECT=o\nBUCKET_NAME_STATE=s\n")
        let result = try ScoretuneBinary.run(["run", scenario, "--env", env, "--db", scenario + ".sqlite"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("does not answer"), result.err)
        XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err)
    }

    func testWrongSecretNamesTheCredentials() throws {
        let env = try LocalBackend.seaweedfs.settings().path
        let scenario = try temporary("s.yaml", "objects: {sizes: [30MiB]}\n")
        let result = try ScoretuneBinary.run(["run", scenario, "--env", env, "--db", scenario + ".sqlite"],
                                             environment: ["S3_SECRETKEY": "wrong-secret"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("access denied: check S3_ACCESSKEY and S3_SECRETKEY"), result.err)
    }

    func testJSONSummaryOnARealBackend() throws {
        let env = try LocalBackend.seaweedfs.settings().path
        let scenario = try temporary("s.yaml", """
            objects: {sizes: [21MiB], seed: 2}
            grid: {parallel: [1, 2]}
            repetitions: 1
            warmup: 0
            """)
        let db = scenario + ".sqlite"
        addTeardownBlock { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
        let result = try ScoretuneBinary.run(["run", scenario, "--env", env, "--db", db, "--json"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.err, "", "--json is quiet")
        let report = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        XCTAssertEqual(report?["status"] as? String, "completed")
        XCTAssertEqual((report?["cells"] as? [[String: Any]])?.count, 2)
        XCTAssertNotNil(report?["bestUploadCell"] as? Int)
        XCTAssertFalse(result.out.contains(try LocalBackend.seaweedfs.settings().secretKey))

        let clean = try ScoretuneBinary.run(["clean", "--db", db])
        XCTAssertEqual(clean.status, 0)
        XCTAssertTrue(clean.out.hasPrefix("removed 0 item(s)"), clean.out)
    }
}
