import Compatibility
import Foundation
import MemoryStore
import ScoreConfig
import TestSupport
import Transport
import XCTest

/// `check`'s logic on the in-memory store: every step's verdict and its one line of advice for
/// the faults and quirks the store plays, the SKIP rows, the outcome, and that the probe leaves
/// nothing. The real stores' verdicts (signatures, rclone's and Ceph's own answers) stay in
/// CheckAgainstBackendsTests and AzureCheckTests.
final class MemoryCheckTests: XCTestCase {
    var folder: URL!
    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("memory-check-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func s3Check(_ backend: MemoryS3Backend, overrides: [String: String] = [:]) async throws -> [CheckStep] {
        let settings = try ScoreSettings.load(path: try backend.writeEnv(in: folder), environment: overrides)
        return await S3CompatibilityCheck(settings: settings, transport: backend.store.transport()).run { _ in }
    }

    func azureCheck(_ backend: MemoryAzureBackend, overrides: [String: String] = [:]) async throws -> [CheckStep] {
        let settings = try ScoreSettings.load(path: try backend.writeEnv(in: folder), environment: overrides)
        return await AzureCompatibilityCheck(settings: settings, transport: backend.store.transport()).run { _ in }
    }

    func status(_ steps: [CheckStep], _ name: CheckStep.Name) -> CheckStep.Status? { steps.first { $0.name == name }?.status }
    func detail(_ steps: [CheckStep], _ name: CheckStep.Name) -> String { steps.first { $0.name == name }?.detail ?? "" }

    func sentinelOnly(_ backend: MemoryS3Backend) -> Bool { backend.store.isEmpty(except: ["\(backend.objectBucket)/data/\(backend.sentinel)"]) }

    func testAStoreThatBehavesPassesEveryStepAndKeepsOnlyTheSentinel() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let steps = try await s3Check(backend)
        XCTAssertEqual(steps.map(\.name), [.config, .endpoint, .credentials, .objectBucket, .stateBucket, .sentinel, .multipartUpload,
                                           .listParts, .complete, .rangedGet, .listAndAbortUploads, .signing, .cleanup])
        XCTAssertEqual(steps.filter { $0.status != .pass }.map { "\($0.name): \($0.detail)" }, [])
        XCTAssertEqual(CheckOutcome.of(steps), .compatible)
        XCTAssertTrue(sentinelOnly(backend), "\(backend.store.keys(in: backend.objectBucket)) \(backend.store.openUploads)")
    }

    func testAFileThatSignsWithSigV2IsCheckedWithItAndSigV4Too() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let steps = try await s3Check(backend, overrides: ["S3_SIGV4ENABLED": "false"])
        XCTAssertEqual(steps.filter { $0.status != .pass }.map { "\($0.name): \($0.detail)" }, [])
        XCTAssertTrue(detail(steps, .credentials).contains("SigV2"), detail(steps, .credentials))
        // Score's presigned part PUTs were signed the file's way: V2's query names.
        XCTAssertTrue(backend.store.log.contains { $0.operation == .uploadPart })
    }

    func testAnInclusivePartMarkerFailsListPartsAsScoreWould() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        backend.store.quirks.inclusivePartMarker = true
        let steps = try await s3Check(backend)
        XCTAssertEqual(status(steps, .listParts), .fail)
        XCTAssertTrue(detail(steps, .listParts).contains("treats the marker as inclusive"), detail(steps, .listParts))
        XCTAssertEqual(CheckOutcome.of(steps), .incompatible)
        XCTAssertTrue(sentinelOnly(backend))
    }

    func testCephsEmptyCompleteETagIsRecognised() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        backend.store.quirks.emptyCompleteETag = true
        let steps = try await s3Check(backend)
        XCTAssertEqual(status(steps, .complete), .pass, detail(steps, .complete))
        XCTAssertEqual(CheckOutcome.of(steps), .compatible)
    }

    func testAPartETagThatIsNotItsMD5FailsTheMultipartStep() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        backend.store.inject(MemoryFault(.wrongETag, on: .uploadPart, times: .max))
        let steps = try await s3Check(backend)
        XCTAssertEqual(status(steps, .multipartUpload), .fail)
        XCTAssertTrue(detail(steps, .multipartUpload).contains("MD5"), detail(steps, .multipartUpload))
        XCTAssertEqual(steps.drop { $0.name != .multipartUpload }.dropFirst().prefix(4).map(\.status), [.skip, .skip, .skip, .skip])
        XCTAssertTrue(sentinelOnly(backend), "the aborted probe upload is gone: \(backend.store.openUploads)")
    }

    func testEachMistakeFailsItsOwnStepWithOneLine() async throws {
        let cases: [([String: String], CheckStep.Name, String)] = [
            (["S3_ACCESSKEY": "nobody"], .credentials, "S3_ACCESSKEY"),
            (["BUCKET_NAME_OBJECT": "no-such-bucket"], .objectBucket, "does not exist: create it or fix BUCKET_NAME_OBJECT"),
            (["BUCKET_NAME_STATE": "no-such-state"], .stateBucket, "fix BUCKET_NAME_STATE"),
            (["OBJECT_SENTINEL": "absent"], .sentinel, "fix OBJECT_SENTINEL"),
        ]
        for (overrides, step, advice) in cases {
            let backend = MemoryS3Backend()
            try await backend.putSentinel()
            let steps = try await s3Check(backend, overrides: overrides)
            XCTAssertEqual(steps.filter { $0.status == .fail }.map(\.name), [step], "\(overrides)")
            XCTAssertTrue(detail(steps, step).contains(advice), "\(detail(steps, step)) lacks \(advice)")
            XCTAssertFalse(detail(steps, step).contains("\n"))
            XCTAssertEqual(CheckOutcome.of(steps), .incompatible)
            XCTAssertTrue(sentinelOnly(backend))
        }
    }

    func testBadConfigurationStopsBeforeAnyRequest() async throws {
        let backend = MemoryS3Backend()
        let steps = try await s3Check(backend, overrides: ["UPLOAD_PARTSIZE": "3000000000"])
        XCTAssertEqual(steps.first?.status, .fail)
        // Every later step is shown, as SKIP naming the failure that stopped it, and none sent a request.
        XCTAssertEqual(steps.dropFirst().map(\.status), Array(repeating: .skip, count: steps.count - 1))
        XCTAssertEqual(steps.map(\.name).last, .cleanup)
        XCTAssertTrue(steps.dropFirst().allSatisfy { $0.detail == "not run: 'config' failed" && $0.milliseconds == 0 })
        XCTAssertEqual(CheckOutcome.of(steps), .badConfiguration)
        XCTAssertEqual(backend.store.log.count, 0)
    }

    func testAFrozenStoreFailsTheSentinelWithinItsTimeouts() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        // The sentinel's GET is the first GET the check sends: it never answers.
        backend.store.inject(MemoryFault(.frozen, on: .getObject, times: 1))
        let steps = try await s3Check(backend)
        XCTAssertEqual(status(steps, .sentinel), .fail)
        let waited = steps.first { $0.name == .sentinel }?.milliseconds ?? 0
        XCTAssertTrue((5_000..<10_000).contains(waited), "Score's ping gives up after its 5 s read timeout: \(waited) ms")
        XCTAssertTrue(detail(steps, .sentinel).contains("stall") || detail(steps, .sentinel).contains("time"), detail(steps, .sentinel))
    }

    func testAnInterruptedCheckLeavesNothingAndSaysItWasInterrupted() async throws {
        for delay in [5, 20, 60, 150, 300] {
            let backend = MemoryS3Backend()
            try await backend.putSentinel()
            backend.store.inject(MemoryFault(.delay(.milliseconds(15)), on: nil, times: .max))
            let settings = try ScoreSettings.load(path: try backend.writeEnv(in: folder), environment: [:])
            let task = Task { await S3CompatibilityCheck(settings: settings, transport: backend.store.transport()).run { _ in } }
            try await Task.sleep(for: .milliseconds(delay))
            task.cancel()
            let steps = await task.value
            XCTAssertTrue(steps.contains { $0.detail == "not run: interrupted" || $0.detail == "not finished: interrupted" },
                          "at \(delay) ms: \(steps.map { "\($0.name) \($0.status)" })")
            // No step is blamed for the interrupt: a WARN or FAIL cut off by it would be false of the store.
            XCTAssertEqual(steps.filter { $0.name != .cleanup && ($0.status == .warn || $0.status == .fail) }.map { "\($0.name): \($0.detail)" }, [],
                           "at \(delay) ms")
            XCTAssertTrue(sentinelOnly(backend), "left after a cancel at \(delay) ms: \(backend.store.keys(in: backend.objectBucket))")
        }
    }

    // MARK: Azure

    /// `config` and `check` read the Azure settings by one set of rules: a key or an endpoint that
    /// `check` cannot use is invalid for `config` too, and `check` shows one config row (issue #26, item 5).
    func testConfigAndCheckGiveOneVerdictOnTheAccountsSettings() async throws {
        for (variable, value) in [("AZURE_ACCOUNTKEY", "{{"), ("SCORETUNE_AZURE_ENDPOINT", "http://"), ("SCORETUNE_AZURE_ENDPOINT", "https:///acct")] {
            let backend = MemoryAzureBackend()
            let settings = try ScoreSettings.load(path: try backend.writeEnv(in: folder), environment: [variable: value])
            XCTAssertTrue(settings.errors.contains { $0.variable == variable }, "config must refuse \(variable)=\(value): \(settings.diagnostics)")
            let steps = try await azureCheck(backend, overrides: [variable: value])
            XCTAssertEqual(steps.filter { $0.name == .config }.map(\.status), [.fail], "\(variable)=\(value)")
        }
    }

    func testAnAzureAccountAsScoreNeedsPassesEveryStep() async throws {
        let backend = MemoryAzureBackend()
        try await backend.putSentinel()
        let steps = try await azureCheck(backend)
        XCTAssertEqual(steps.map(\.name), [.config, .endpoint, .accountKey, .container, .uploadPolicy, .downloadPolicy,
                                           .sentinel, .sasUpload, .sasDownload, .cleanup])
        XCTAssertEqual(steps.filter { $0.status != .pass }.map { "\($0.name): \($0.detail)" }, [])
        XCTAssertTrue(backend.store.isEmpty(except: ["\(backend.container)/\(backend.sentinel)"]))
    }

    func testAnAzurePolicyWithoutWriteFailsNamingTheLetters() async throws {
        let backend = MemoryAzureBackend()
        try await backend.putSentinel()
        let steps = try await azureCheck(backend, overrides: ["BUCKET_POLICY_UPLOAD": backend.downloadPolicy])
        XCTAssertEqual(status(steps, .uploadPolicy), .fail)
        XCTAssertTrue(detail(steps, .uploadPolicy).contains("need 'acw'") || detail(steps, .uploadPolicy).contains("acw"), detail(steps, .uploadPolicy))
        XCTAssertEqual(CheckOutcome.of(steps), .incompatible)
    }

    func testAMissingAzurePolicyAndSentinelAreNamed() async throws {
        let backend = MemoryAzureBackend()
        try await backend.putSentinel()
        let missing = try await azureCheck(backend, overrides: ["BUCKET_POLICY_DOWNLOAD": "NoSuchPolicy"])
        XCTAssertEqual(status(missing, .downloadPolicy), .fail)
        XCTAssertTrue(detail(missing, .downloadPolicy).contains("BUCKET_POLICY_DOWNLOAD"), detail(missing, .downloadPolicy))

        let noSentinel = try await azureCheck(MemoryAzureBackend())
        XCTAssertEqual(status(noSentinel, .sentinel), .fail)
        XCTAssertTrue(detail(noSentinel, .sentinel).contains("OBJECT_SENTINEL"), detail(noSentinel, .sentinel))
    }

    func testAnotherAccountsKeyFailsTheAccountKeyStep() async throws {
        let backend = MemoryAzureBackend()
        let steps = try await azureCheck(backend, overrides: ["AZURE_ACCOUNTNAME": "someoneelse",
                                                               "SCORETUNE_AZURE_ENDPOINT": "http://127.0.0.1:9/memaccount"])
        XCTAssertEqual(status(steps, .accountKey), .fail, "\(steps.map { "\($0.name) \($0.status) \($0.detail)" })")
        XCTAssertTrue(steps.drop { $0.name != .accountKey }.dropFirst().allSatisfy { $0.status == .skip })
    }
}
