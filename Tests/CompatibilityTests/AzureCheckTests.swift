import Compatibility
import Foundation
import ObjectStore
import ScoreConfig
import TestSupport
import Transport
import XCTest

/// `check` on the Azure profile against the loopback Azure test server: all PASS as provisioned,
/// and each way an operator's file can be wrong gives one FAIL that names the fix. Variations come
/// from environment overrides, so the store itself is never changed.
final class AzureCheckTests: XCTestCase {
    let transport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    func run(overrides: [String: String] = [:]) async throws -> [CheckStep] {
        _ = try LocalBackend.azure.settings()
        let settings = try ScoreSettings.load(path: LocalBackend.azure.envPath, environment: overrides)
        return await AzureCompatibilityCheck(settings: settings, transport: transport).run { _ in }
    }

    func step(_ steps: [CheckStep], _ name: CheckStep.Name) -> CheckStep? { steps.first { $0.name == name } }

    func assertNothingLeft(file: StaticString = #filePath, line: UInt = #line) async throws {
        let (azure, settings) = try LocalBackend.azureClient(transport: transport)
        let left = try await azure.listBlobs(container: settings.objectBucket, prefix: "scoretune-check/")
        XCTAssertEqual(left.map(\.name), [], "probe blobs left behind", file: file, line: line)
        _ = try await azure.blobProperties(container: settings.objectBucket, blob: settings.sentinel)  // untouched
    }

    func testProvisionedAccountPassesEveryStep() async throws {
        let steps = try await run()
        XCTAssertEqual(steps.map(\.name), [.config, .endpoint, .accountKey, .container, .uploadPolicy, .downloadPolicy,
                                           .sentinel, .sasUpload, .sasDownload, .cleanup])
        XCTAssertEqual(steps.filter { $0.status != .pass }.map(\.detail), [])
        XCTAssertEqual(CheckOutcome.of(steps), .compatible)
        try await assertNothingLeft()
    }

    func testWrongAccountKeyFailsNamingTheKey() async throws {
        let steps = try await run(overrides: ["AZURE_ACCOUNTKEY": Data("an old rotated key".utf8).base64EncodedString()])
        let failed = try XCTUnwrap(step(steps, .accountKey))
        XCTAssertEqual(failed.status, .fail)
        XCTAssertTrue(failed.detail.contains("AZURE_ACCOUNTKEY is not the key"), failed.detail)
        let after = steps.drop { $0.name != .accountKey }.dropFirst()
        XCTAssertFalse(after.isEmpty, "every later step is shown")
        XCTAssertTrue(after.allSatisfy { $0.status == .skip && $0.detail == "not run: 'account key' failed" }, "nothing runs after a refused key: \(after)")
        XCTAssertEqual(CheckOutcome.of(steps), .incompatible)
    }

    func testMissingStoredPolicyFailsNamingTheVariable() async throws {
        let steps = try await run(overrides: ["BUCKET_POLICY_UPLOAD": "WritePolicy"])
        let failed = try XCTUnwrap(step(steps, .uploadPolicy))
        XCTAssertEqual(failed.status, .fail)
        XCTAssertTrue(failed.detail.contains("no stored access policy 'WritePolicy' (BUCKET_POLICY_UPLOAD)"), failed.detail)
        XCTAssertTrue(failed.detail.contains("it has: "), failed.detail)
        XCTAssertEqual(step(steps, .downloadPolicy)?.status, .pass)
        XCTAssertEqual(step(steps, .sasUpload)?.status, .skip, "no probe runs without the policies")
        XCTAssertEqual(step(steps, .cleanup)?.status, .skip)
    }

    func testPoliciesSwappedLackThePermissions() async throws {
        // The download policy (rl) named for uploads, the upload policy (acw) for downloads.
        let steps = try await run(overrides: ["BUCKET_POLICY_UPLOAD": "DownloadPolicy", "BUCKET_POLICY_DOWNLOAD": "UploadPolicy"])
        XCTAssertTrue(step(steps, .uploadPolicy)?.detail.contains("add 'acw'") ?? false, "\(steps)")
        XCTAssertTrue(step(steps, .downloadPolicy)?.detail.contains("add 'rl'") ?? false, "\(steps)")
    }

    func testMissingSentinelFailsNamingTheFix() async throws {
        let steps = try await run(overrides: ["OBJECT_SENTINEL": "no-such-sentinel"])
        let failed = try XCTUnwrap(step(steps, .sentinel))
        XCTAssertEqual(failed.status, .fail)
        XCTAssertTrue(failed.detail.contains("blob 'no-such-sentinel' is missing") && failed.detail.contains("OBJECT_SENTINEL"), failed.detail)
        XCTAssertEqual(step(steps, .cleanup)?.status, .pass)
        try await assertNothingLeft()
    }

    func testTheCommandLineExitsOneAndNeverPrintsTheKey() throws {
        _ = try LocalBackend.azure.settings()
        let wrong = Data("a wrong key that must not be printed".utf8).base64EncodedString()
        let result = try ScoretuneBinary.run(["check", "--env", LocalBackend.azure.envPath], environment: ["AZURE_ACCOUNTKEY": wrong])
        XCTAssertEqual(result.status, 1, result.out)
        XCTAssertTrue(result.out.contains("FAIL  account key"), result.out)
        let real = try LocalBackend.azure.settings().azureAccountKey
        XCTAssertFalse((result.out + result.err).contains(wrong) || (result.out + result.err).contains(real))
    }
}
