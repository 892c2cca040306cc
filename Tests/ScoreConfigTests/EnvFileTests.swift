import Foundation
@testable import ScoreConfig
import XCTest

final class EnvFileTests: XCTestCase {
    func fixture(_ name: String) throws -> String {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "env", subdirectory: "Fixtures"))
        return url.path
    }

    func testQuotingCommentsAndExport() throws {
        let path = try fixture("quoting")
        let file = try EnvFile(path: path, text: String(contentsOfFile: path, encoding: .utf8))
        XCTAssertEqual(file.entry("S3_ENDPOINT")?.value, "http://127.0.0.1:8333")
        XCTAssertEqual(file.entry("S3_ENDPOINT")?.line, 3)
        XCTAssertEqual(file.entry("S3_ACCESSKEY")?.value, "single # not a comment")
        XCTAssertEqual(file.entry("S3_SECRETKEY")?.value, "double \"quoted\" # kept")
        XCTAssertEqual(file.entry("BUCKET_NAME_OBJECT")?.value, "bucket#hash-inside")
        XCTAssertEqual(file.entry("BUCKET_NAME_STATE")?.value, "spaced")
        XCTAssertEqual(file.entry("OBJECT_SENTINEL")?.value, "")
        XCTAssertEqual(file.entry("UPLOAD_CLEAN_CRON")?.value, "0 */15 2-4 ? JAN-MAR MON-FRI")
    }

    func testCRLFLineEndings() throws {
        let file = try EnvFile(path: "crlf.env", text: "S3_ENDPOINT=http://h:1\r\nS3_ACCESSKEY=a\r\n")
        XCTAssertEqual(file.entry("S3_ENDPOINT")?.value, "http://h:1")
        XCTAssertEqual(file.entry("S3_ACCESSKEY")?.value, "a")
    }

    func testMalformedFilesNameTheLine() {
        let cases: [(String, Int, String)] = [
            ("S3_ENDPOINT=x\nJUST SOME WORDS\n", 2, "expected KEY=value"),
            ("A=1\n\nB=\"unterminated\n", 3, "unterminated double quote"),
            ("C='x' trailing\n", 1, "C: text after the closing quote"),
            ("1BAD=x\n", 1, "not a variable name"),
        ]
        for (text, line, message) in cases {
            XCTAssertThrowsError(try EnvFile(path: "bad.env", text: text)) { error in
                let parse = error as? EnvFile.ParseError
                XCTAssertEqual(parse?.line, line, text)
                XCTAssertTrue(parse?.description.hasPrefix("bad.env:\(line): ") ?? false)
                XCTAssertTrue(parse?.message.contains(message) ?? false, "\(parse?.message ?? "") lacks \(message)")
            }
        }
    }

    func testUnreadableFileIsAOneLineError() {
        XCTAssertThrowsError(try ScoreSettings.load(path: "/nonexistent/.env.score")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/.env.score: does not exist")
        }
    }
}
