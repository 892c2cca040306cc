import Foundation
import Runner
import TestSupport
import XCTest

/// `recommend --for`: each export is handed to the tool it is written for, which must accept it and
/// move a real file with it to SeaweedFS and back. The multipart ETag's part count proves the part
/// size reached the tool. The decision comes from a run on the memory store: what is proved here is
/// that the tools read the files, not where the run's figures came from.
final class ExportTests: XCTestCase {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-export-\(UUID().uuidString.prefix(8))")
    static var database: String { folder.appendingPathComponent("results.sqlite").path }
    nonisolated(unsafe) static var runId: Int64?
    static let venv = LocalBackend.packageRoot.appendingPathComponent(".scoretune/venv/bin")
    /// 70 MiB: 4 parts of 20 MiB, 3 of 32 MiB.
    static let fileSize = 70 << 20

    override class func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func run() async throws -> Int64 {
        if let id = Self.runId { return id }
        let id = try await ClassRun.make(folder: Self.folder, database: Self.database, yaml: """
            name: export-grid
            mode: score
            objects: {sizes: [40MiB], count: 1, seed: 5}
            grid: {UPLOAD_PARTSIZE: [20MiB, 32MiB], parallel: [1, 2]}
            repetitions: 2
            warmup: 0
            """)
        Self.runId = id
        return id
    }

    /// The export's text and the decision it was written from.
    func export(_ client: String) async throws -> (text: String, decision: [String: Any]) {
        let runId = try await run()
        let result = try ScoretuneBinary.run(["recommend", "\(runId)", "--db", Self.database, "--for", client, "--json"])
        XCTAssertEqual(result.status, 0, result.err)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], result.out)
        XCTAssertEqual(document["client"] as? String, client)
        let text = try XCTUnwrap(document["text"] as? String)
        let plain = try ScoretuneBinary.run(["recommend", "\(runId)", "--db", Self.database, "--for", client])
        XCTAssertEqual(plain.out, text, "--json carries the same text")
        return (text, try XCTUnwrap(document["decision"] as? [String: Any]))
    }

    /// The flags of an export: every line that is not a comment, split at white space.
    func flags(_ text: String) -> [String] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .flatMap { $0.split(separator: " ").map(String.init) }.filter { $0 != "\\" }
    }

    func testRcloneMovesAFileWithTheExportedFlags() async throws {
        let (text, decision) = try await export("rclone")
        let part = try XCTUnwrap(decision["partSize"] as? Int)
        XCTAssertTrue(text.contains("--s3-chunk-size \(part >> 20)Mi"), text)
        let store = try Store()
        defer { store.remove() }
        let remote = "st:\(store.bucket)/\(store.prefix)/rclone.bin"
        let environment = [
            "RCLONE_CONFIG": store.folder.appendingPathComponent("rclone.conf").path,
            "RCLONE_CONFIG_ST_TYPE": "s3", "RCLONE_CONFIG_ST_PROVIDER": "Other", "RCLONE_CONFIG_ST_ENDPOINT": store.endpoint,
            "RCLONE_CONFIG_ST_ACCESS_KEY_ID": store.accessKey, "RCLONE_CONFIG_ST_SECRET_ACCESS_KEY": store.secretKey,
        ]
        try Data().write(to: URL(fileURLWithPath: environment["RCLONE_CONFIG"]!))
        let up = try Self.tool("rclone", ["copyto", store.source.path, remote] + flags(text), environment)
        XCTAssertEqual(up.status, 0, up.err)
        XCTAssertEqual(try store.parts("rclone.bin"), (Self.fileSize + part - 1) / part, "rclone uploaded in the exported part size")
        let back = store.folder.appendingPathComponent("rclone.back")
        let down = try Self.tool("rclone", ["copyto", remote, back.path] + flags(text), environment)
        XCTAssertEqual(down.status, 0, down.err)
        XCTAssertEqual(try Data(contentsOf: back), try Data(contentsOf: store.source))
        let refused = try Self.tool("rclone", ["copyto", store.source.path, remote, "--s3-chunk-size", "64MB"], environment)
        XCTAssertNotEqual(refused.status, 0, "rclone checks its size flags, so acceptance above means something")
    }

    func testS5cmdMovesAFileWithTheExportedFlags() async throws {
        let (text, decision) = try await export("s5cmd")
        let part = try XCTUnwrap(decision["partSize"] as? Int)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(lines.count, 2, text)
        let (global, copy) = (lines[0], lines[1])
        let store = try Store()
        defer { store.remove() }
        let environment = ["AWS_ACCESS_KEY_ID": store.accessKey, "AWS_SECRET_ACCESS_KEY": store.secretKey, "AWS_REGION": "us-east-1"]
        let target = "s3://\(store.bucket)/\(store.prefix)/s5cmd.bin"
        let up = try Self.tool("s5cmd", ["--endpoint-url", store.endpoint] + global + ["cp"] + copy + [store.source.path, target], environment)
        XCTAssertEqual(up.status, 0, up.out + up.err)
        XCTAssertEqual(try store.parts("s5cmd.bin"), (Self.fileSize + part - 1) / part, "s5cmd uploaded in the exported part size")
        let back = store.folder.appendingPathComponent("s5cmd.back")
        let down = try Self.tool("s5cmd", ["--endpoint-url", store.endpoint] + global + ["cp"] + copy + [target, back.path], environment)
        XCTAssertEqual(down.status, 0, down.out + down.err)
        XCTAssertEqual(try Data(contentsOf: back), try Data(contentsOf: store.source))
    }

    func testAWSCLIReadsTheExportedConfigAndMovesAFileWithIt() async throws {
        let (text, decision) = try await export("awscli")
        let part = try XCTUnwrap(decision["partSize"] as? Int)
        let store = try Store()
        defer { store.remove() }
        let config = store.folder.appendingPathComponent("aws-config")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let environment = ["AWS_CONFIG_FILE": config.path, "AWS_SHARED_CREDENTIALS_FILE": store.folder.appendingPathComponent("none").path,
                           "AWS_ACCESS_KEY_ID": store.accessKey, "AWS_SECRET_ACCESS_KEY": store.secretKey, "AWS_DEFAULT_REGION": "us-east-1"]
        let chunk = try Self.tool("aws", ["configure", "get", "default.s3.multipart_chunksize"], environment)
        XCTAssertEqual(chunk.status, 0, chunk.err)
        XCTAssertEqual(chunk.out.trimmingCharacters(in: .whitespacesAndNewlines), "\(part >> 20)MB")
        let attempts = try Self.tool("aws", ["configure", "get", "max_attempts"], environment)
        XCTAssertEqual(Int(attempts.out.trimmingCharacters(in: .whitespacesAndNewlines)), (decision["retryLimit"] as? Int).map { $0 + 1 })
        let target = "s3://\(store.bucket)/\(store.prefix)/aws.bin"
        let up = try Self.tool("aws", ["--endpoint-url", store.endpoint, "s3", "cp", store.source.path, target, "--only-show-errors"], environment)
        XCTAssertEqual(up.status, 0, up.err)
        XCTAssertEqual(try store.parts("aws.bin"), (Self.fileSize + part - 1) / part, "the AWS CLI uploaded in the exported chunk size")
    }

    func testHelmValuesCarryTheDecisionUnderTheChartsKeys() async throws {
        let (text, decision) = try await export("helm")
        let parsed = try Self.tool("python", ["-c", """
            import json, sys, yaml
            v = yaml.safe_load(sys.stdin.read())
            print(json.dumps([v["appConfig"]["storageServer"]["partSize"], v["appConfig"]["storageServer"]["connectionTimeout"], v["extraEnv"]["UPLOAD_RETRY_LIMIT"]]))
            """], [:], input: text)
        XCTAssertEqual(parsed.status, 0, parsed.err)
        let values = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(parsed.out.utf8)) as? [String])
        XCTAssertEqual(values, ["\(decision["partSize"]!)", "\(decision["connectTimeoutMilliseconds"]!)", "\(decision["retryLimit"]!)"],
                       "the chart's values are strings holding the decision's numbers")
    }

    func testScoreClientExportNamesTheClientsProperties() async throws {
        let (text, decision) = try await export("score-client")
        let properties = Dictionary(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line -> (String, String) in
            let pair = line.split(separator: "=", maxSplits: 1).map(String.init)
            return (pair[0], pair[1])
        }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(properties["transport.parallel"], "\(decision["parallel"]!)")
        XCTAssertEqual(properties["storage.retryNumber"], "\(decision["retryLimit"]!)")
        XCTAssertEqual(properties["client.connectTimeoutSeconds"].flatMap(Int.init), (decision["connectTimeoutMilliseconds"] as? Int).map { $0 / 1000 })
    }

    // MARK: helpers

    /// SeaweedFS's object bucket, a prefix of this test's own and a local source file; `remove`
    /// deletes both.
    struct Store {
        let folder = ExportTests.folder.appendingPathComponent(UUID().uuidString.prefix(8).description)
        let endpoint: String, accessKey: String, secretKey: String, bucket: String
        let prefix = "scoretune-export-test/\(UUID().uuidString)"
        var source: URL { folder.appendingPathComponent("source.bin") }

        init() throws {
            let settings = try LocalBackend.seaweedfs.settings()
            (endpoint, accessKey, secretKey, bucket) = (settings.endpoint, settings.accessKey, settings.secretKey, settings.objectBucket)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var bytes = [UInt8](repeating: 0, count: ExportTests.fileSize)
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            for index in bytes.indices {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes[index] = UInt8(truncatingIfNeeded: state >> 33)
            }
            try Data(bytes).write(to: source)
        }

        var credentials: [String: String] {
            ["AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": secretKey, "AWS_DEFAULT_REGION": "us-east-1",
             "AWS_CONFIG_FILE": folder.appendingPathComponent("none").path, "AWS_SHARED_CREDENTIALS_FILE": folder.appendingPathComponent("none").path]
        }

        /// The part count in the object's multipart ETag ("…-N"), read with the AWS CLI.
        func parts(_ name: String) throws -> Int? {
            let head = try ExportTests.tool("aws", ["--endpoint-url", endpoint, "s3api", "head-object", "--bucket", bucket, "--key", "\(prefix)/\(name)"], credentials)
            guard head.status == 0, let object = try JSONSerialization.jsonObject(with: Data(head.out.utf8)) as? [String: Any],
                  let etag = object["ETag"] as? String, let dash = etag.lastIndex(of: "-") else { return nil }
            return Int(etag[etag.index(after: dash)...].filter(\.isNumber))
        }

        func remove() {
            _ = try? ExportTests.tool("aws", ["--endpoint-url", endpoint, "s3", "rm", "--recursive", "s3://\(bucket)/\(prefix)/", "--only-show-errors"], credentials)
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// A tool from the project's venv, run to the end with a bounded wait.
    static func tool(_ name: String, _ arguments: [String], _ environment: [String: String], input: String? = nil) throws -> (status: Int32, out: String, err: String) {
        try runTool(venv.appendingPathComponent(name), arguments, environment: environment, input: input)
    }
}
