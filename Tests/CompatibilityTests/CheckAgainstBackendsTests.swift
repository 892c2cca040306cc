import Compatibility
import Foundation
import ObjectStore
import ScoreConfig
import TestSupport
import Transport
import XCTest

/// `check` against the real local servers: truthful rows for each, one clear line per failure,
/// and nothing left behind in the buckets.
final class CheckAgainstBackendsTests: XCTestCase {
    let transport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    func run(_ backend: LocalBackend, overrides: [String: String] = [:]) async throws -> [CheckStep] {
        _ = try backend.settings()  // skips or fails when the backend is not running
        let settings = try ScoreSettings.load(path: backend.envPath, environment: overrides)
        return await S3CompatibilityCheck(settings: settings, transport: transport).run { _ in }
    }

    func status(_ steps: [CheckStep], _ name: CheckStep.Name) -> CheckStep.Status? { steps.first { $0.name == name }?.status }

    func assertNothingLeft(_ backend: LocalBackend, file: StaticString = #filePath, line: UInt = #line) async throws {
        let (s3, settings) = try backend.client(transport: transport)
        for bucket in [settings.objectBucket, settings.stateBucket] {
            let objects = try await s3.listObjects(bucket: bucket, prefix: "scoretune-check/")
            XCTAssertEqual(objects.map(\.key), [], "objects left in \(bucket)", file: file, line: line)
            let uploads = try await s3.listMultipartUploads(bucket: bucket, prefix: "scoretune-check/")
            XCTAssertEqual(uploads.map(\.key), [], "uploads left in \(bucket)", file: file, line: line)
        }
        // The sentinel, which check did not create, is still there.
        _ = try await s3.headObject(bucket: settings.objectBucket, key: "data/\(settings.sentinel)")
    }

    let allSteps: [CheckStep.Name] = [.config, .endpoint, .credentials, .objectBucket, .stateBucket, .sentinel, .multipartUpload,
                    .listParts, .complete, .rangedGet, .listAndAbortUploads, .signing, .cleanup]

    func testSeaweedFSPassesWithBothSigners() async throws {
        for sigV4 in ["true", "false"] {
            let steps = try await run(.seaweedfs, overrides: ["S3_SIGV4ENABLED": sigV4])
            XCTAssertEqual(steps.map(\.name), allSteps)
            XCTAssertEqual(steps.filter { $0.status != .pass }.map(\.name), [], "SIGV4=\(sigV4): \(steps.filter { $0.status != .pass })")
            XCTAssertEqual(CheckOutcome.of(steps), .compatible)
        }
        try await assertNothingLeft(.seaweedfs)
    }

    func testCephPassesWithBothSignersAndCopesWithItsEmptyETag() async throws {
        for sigV4 in ["true", "false"] {
            let steps = try await run(.ceph, overrides: ["S3_SIGV4ENABLED": sigV4])
            XCTAssertEqual(steps.filter { $0.status != .pass }.map(\.name), [], "SIGV4=\(sigV4): \(steps.filter { $0.status != .pass })")
            XCTAssertTrue(steps.first { $0.name == .complete }?.detail.contains("ETag is empty") ?? false)
        }
        try await assertNothingLeft(.ceph)
    }

    func testRcloneTellsTheTruthAboutRangesSigV2AndPartMarkers() async throws {
        let steps = try await run(.rclone)
        XCTAssertEqual(status(steps, .rangedGet), .warn)
        XCTAssertTrue(steps.first { $0.name == .rangedGet }?.detail.contains("instead of 206") ?? false)
        XCTAssertEqual(status(steps, .signing), .warn)
        XCTAssertTrue(steps.first { $0.name == .signing }?.detail.contains("refuses SigV2") ?? false)
        // rclone answers part-number-marker=1 with part 1: Score's per-part check fails there.
        XCTAssertEqual(status(steps, .listParts), .fail)
        let listParts = steps.first { $0.name == .listParts }?.detail ?? ""
        XCTAssertTrue(listParts.contains("marker 1 gave part 1, not part 2") && listParts.contains("treats the marker as inclusive"), listParts)
        XCTAssertEqual(CheckOutcome.of(steps), .incompatible)

        let v2 = try await run(.rclone, overrides: ["S3_SIGV4ENABLED": "false"])
        XCTAssertEqual(status(v2, .credentials), .fail)
        let refused = v2.first { $0.name == .credentials }?.detail ?? ""
        XCTAssertTrue(refused.contains("set S3_SIGV4ENABLED=true"), refused)
        XCTAssertTrue(v2.drop { $0.name != .credentials }.dropFirst().allSatisfy { $0.status == .skip }, "the steps after it are SKIP")
        XCTAssertEqual(CheckOutcome.of(v2), .incompatible)
        try await assertNothingLeft(.rclone)
    }

    func testEachMistakeGivesOneLineThatSaysWhatToFix() async throws {
        let cases: [([String: String], CheckStep.Name, String)] = [
            (["S3_SECRETKEY": "wrong"], .credentials, "S3_SECRETKEY is wrong"),
            (["S3_ACCESSKEY": "nobody"], .credentials, "S3_ACCESSKEY"),
            (["BUCKET_NAME_OBJECT": "no-such-bucket"], .objectBucket, "does not exist: create it or fix BUCKET_NAME_OBJECT"),
            (["BUCKET_NAME_STATE": "no-such-state"], .stateBucket, "fix BUCKET_NAME_STATE"),
            (["OBJECT_SENTINEL": "absent"], .sentinel, "fix OBJECT_SENTINEL"),
            (["S3_ENDPOINT": "http://127.0.0.1:\(try closedLoopbackPort())"], .endpoint, "connection refused"),
        ]
        for (overrides, step, advice) in cases {
            let steps = try await run(.seaweedfs, overrides: overrides)
            let failed = steps.filter { $0.status == .fail }
            XCTAssertEqual(failed.map(\.name), [step], "\(overrides)")
            XCTAssertTrue(failed.first?.detail.contains(advice) ?? false, "\(failed.first?.detail ?? "") lacks \(advice)")
            XCTAssertFalse(failed.first?.detail.contains("\n") ?? true)
            XCTAssertEqual(CheckOutcome.of(steps), .incompatible)
        }
        try await assertNothingLeft(.seaweedfs)
    }

    /// Ctrl-C at any moment of the probe: whatever it had created is gone, and it says so truly.
    func testInterruptedCheckLeavesNothing() async throws {
        let env = try LocalBackend.seaweedfs.settings().path
        let (s3, settings) = try LocalBackend.seaweedfs.client(transport: transport)
        for delay in [0.05, 0.15, 0.25, 0.35, 0.45, 0.6] {
            let process = try ScoretuneBinary.start(["check", "--env", env])
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
            let err = String(decoding: (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let out = String(decoding: (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            if process.terminationStatus == 130 {
                // Every line is true: no verdict on an interrupted check, no step blamed for the interrupt.
                XCTAssertFalse(out.contains("Compatible:") || out.contains("Not compatible:"), "after \(delay) s: \(out)")
                XCTAssertTrue(out.contains("Interrupted: no verdict"), "after \(delay) s: \(out)")
                XCTAssertFalse(out.split(separator: "\n").contains { ($0.hasPrefix("WARN") || $0.hasPrefix("FAIL")) && !$0.contains("cleanup") },
                               "after \(delay) s: \(out)")
            }
            // A signal that arrives before the handlers are installed (the process still starting)
            // ends it by SIGINT, before it has created anything; otherwise it cleans up and exits 130.
            let killedWhileStarting = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGINT
            XCTAssertTrue(killedWhileStarting || [0, 130].contains(process.terminationStatus),
                          "after \(delay) s: \(process.terminationReason) \(process.terminationStatus) \(err)")
            XCTAssertFalse(err.contains("NOT everything"), err)
            let objects = try await s3.listObjects(bucket: settings.objectBucket, prefix: "scoretune-check/")
            let uploads = try await s3.listMultipartUploads(bucket: settings.objectBucket, prefix: "scoretune-check/")
            XCTAssertEqual(objects.map(\.key) + uploads.map(\.key), [], "left after Ctrl-C at \(delay) s: \(err)")
        }
    }
}
