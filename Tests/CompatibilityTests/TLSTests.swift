import Foundation
import TestSupport
import XCTest

/// TLS failures named for what they are, against a loopback HTTPS server holding a deliberately
/// wrong certificate (scripts/tests/tls-server.py); verification stays on.
final class TLSTests: XCTestCase {
    struct Server {
        let process: Process
        let port: Int
        let folder: URL
    }

    func start(_ mode: String) throws -> Server {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-tls-\(UUID().uuidString.prefix(8))")
        let process = Process()
        process.executableURL = LocalBackend.packageRoot.appendingPathComponent(".scoretune/venv/bin/python")
        process.arguments = [LocalBackend.packageRoot.appendingPathComponent("scripts/tests/tls-server.py").path, mode, folder.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        let port = try XCTUnwrap(Int(String(decoding: line, as: UTF8.self)), "the TLS server did not start")
        addTeardownBlock {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: folder)
        }
        return Server(process: process, port: port, folder: folder)
    }

    func check(_ server: Server, caBundle: Bool) throws -> (status: Int32, out: String, err: String) {
        let env = server.folder.appendingPathComponent(".env.score").path
        try "S3_ENDPOINT=https://127.0.0.1:\(server.port)\nS3_ACCESSKEY=a\nS3_SECRETKEY=tls-test-secret\nBUCKET_NAME_OBJECT=o\nBUCKET_NAME_STATE=s\n"
            .write(toFile: env, atomically: true, encoding: .utf8)
        let bundle = caBundle ? ["--ca-bundle", server.folder.appendingPathComponent("ca.pem").path] : []
        return try ScoretuneBinary.run(["check", "--env", env] + bundle)
    }

    func testEachTLSFailureIsNamed() throws {
        let cases: [(String, Bool, String)] = [
            ("untrusted", false, "untrusted issuer"),
            ("untrusted", true, "untrusted issuer"),
            ("expired", true, "certificate expired"),
            ("wrong-host", true, "hostname mismatch"),
            ("plain", false, "TLS handshake refused or failed"),
        ]
        for (mode, bundle, expected) in cases {
            let result = try check(try start(mode), caBundle: bundle)
            XCTAssertEqual(result.status, 1, "\(mode): \(result.out)\(result.err)")
            let endpoint = result.out.split(separator: "\n").first { $0.hasPrefix("FAIL  endpoint") } ?? ""
            XCTAssertTrue(endpoint.contains(expected), "\(mode) (bundle \(bundle)): \(endpoint)\n\(result.out)")
            XCTAssertFalse(result.out.contains("tls-test-secret"))
        }
        // The same CA makes the valid certificate pass: verification is on, not broken.
        let valid = try check(try start("valid"), caBundle: true)
        XCTAssertTrue(valid.out.contains("PASS  endpoint"), valid.out)
    }

    func testCABundleThatIsNotPEMIsAUsageError() throws {
        let server = try start("valid")
        let notPEM = server.folder.appendingPathComponent("bundle.der").path
        try Data([0x30, 0x82, 0x01, 0x0a, 0x02]).write(to: URL(fileURLWithPath: notPEM))
        let env = server.folder.appendingPathComponent(".env.score").path
        try "S3_ENDPOINT=https://127.0.0.1:\(server.port)\nS3_ACCESSKEY=a\nS3_SECRETKEY=s\nBUCKET_NAME_OBJECT=o\nBUCKET_NAME_STATE=s\n"
            .write(toFile: env, atomically: true, encoding: .utf8)
        let result = try ScoretuneBinary.run(["check", "--env", env, "--ca-bundle", notPEM])
        XCTAssertEqual(result.status, 2, result.err)
        XCTAssertEqual(result.err, "scoretune: --ca-bundle \(notPEM): is not a PEM bundle of certificates (expected -----BEGIN CERTIFICATE----- blocks)\n")
    }
}
