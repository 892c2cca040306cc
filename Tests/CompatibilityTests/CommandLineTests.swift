import Foundation
import TestSupport
import XCTest

/// The `scoretune` binary as users run it: exit codes, one-line errors, secrets never printed.
final class CommandLineTests: XCTestCase {
    func scoretune(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        try ScoretuneBinary.run(arguments, environment: environment)
    }

    func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-\(UUID().uuidString).env").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testMalformedFileIsOneLineAndExit2() throws {
        let path = try temporaryFile("S3_ENDPOINT=http://127.0.0.1:1\nNOT AN ASSIGNMENT\n")
        let result = try scoretune(["check", "--env", path])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.err, "scoretune: \(path):2: expected KEY=value (this line has no '=')\n")
    }

    /// The classes of leak found by mutating `.env.score` files: a line without `=`, text after a
    /// quote, unknown secret-looking keys listed by `config`, CR-only line endings.
    func testNoSecretReachesAnyOutput() throws {
        let secret = "Zq8-leaky-VALUE-77"
        let files = [
            "S3_ENDPOINT=http://127.0.0.1:1\nS3_SECRETKEY \(secret)\n",
            "S3_ENDPOINT=http://127.0.0.1:1\nS3_SECRETKEY=\"x\"\(secret)\n",
            "S3_ENDPOINT=http://127.0.0.1:1\nS3_ACCESSKEY=a\nS3_SECRETKEY=s\nBUCKET_NAME_OBJECT=o\nBUCKET_NAME_STATE=s\ns3_secretkey=\(secret)\nS3_SECRETKEY_OLD=\(secret)\nAWS_SECRET_ACCESS_KEY=\(secret)\nexportS3_SECRETKEY=\(secret)\n",
            "SPRING_PROFILES_ACTIVE=azure\rAZURE_ACCOUNTNAME=acct\rAZURE_ACCOUNTKEY=\(secret)\rBUCKET_NAME_OBJECT=c\r",
        ]
        for text in files {
            let path = try temporaryFile(text)
            for command in ["config", "check"] {
                let result = try scoretune([command, "--env", path])
                XCTAssertFalse((result.out + result.err).contains(secret), "\(command) printed the secret for \(text.debugDescription):\n\(result.out)\(result.err)")
                XCTAssertLessThan(result.status, 128, "no crash: \(text.debugDescription)")
            }
        }
    }

    func testMissingFileAndUsageErrorsExit2() throws {
        XCTAssertEqual(try scoretune(["check", "--env", "/nonexistent/.env.score"]).status, 2)
        XCTAssertEqual(try scoretune(["check", "--no-such-flag"]).status, 2)
        XCTAssertEqual(try scoretune(["--help"]).status, 0)
    }

    func testDeadEndpointExits1() throws {
        let port = try closedLoopbackPort()
        let path = try temporaryFile("S3_ENDPOINT=http://127.0.0.1:\(port)\nS3_ACCESSKEY=a\nS3_SECRETKEY=topsecret\nBUCKET_NAME_OBJECT=o\nBUCKET_NAME_STATE=s\n")
        let result = try scoretune(["check", "--env", path])
        XCTAssertEqual(result.status, 1, result.out)
        XCTAssertTrue(result.out.contains("FAIL  endpoint"), result.out)
        XCTAssertFalse(result.out.contains("topsecret") || result.err.contains("topsecret"))
    }

    func testConfigShowsSecretsMasked() throws {
        let path = try temporaryFile("S3_ENDPOINT=http://127.0.0.1:1\nS3_ACCESSKEY=a\nS3_SECRETKEY=topsecret\nBUCKET_NAME_OBJECT=o\nBUCKET_NAME_STATE=s\nUPLOAD_CONNECTIONTIMEOUT=60000\n")
        let result = try scoretune(["config", "--env", path])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.out.contains("S3_SECRETKEY=****"))
        XCTAssertFalse(result.out.contains("topsecret"))
        XCTAssertTrue(result.out.contains("UPLOAD_CONNECTION_TIMEOUT=60000"), "binding caveat explained")
        XCTAssertTrue(result.out.contains("next fires (UTC)"))
    }

    func testJSONOutputOnARealBackend() throws {
        let env = try LocalBackend.seaweedfs.settings().path
        let result = try scoretune(["check", "--env", env, "--json"])
        XCTAssertEqual(result.status, 0, result.out + result.err)
        let report = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        let steps = report?["steps"] as? [[String: Any]]
        XCTAssertEqual(steps?.count, 13)
        XCTAssertEqual(Set(steps?.compactMap { $0["status"] as? String } ?? []), ["PASS"])
        XCTAssertFalse(result.out.contains(try LocalBackend.seaweedfs.settings().secretKey))
    }
}
