import Foundation
import Hashing
import MemoryStore
import ScoreConfig
import ObjectStore
import TestSupport
import Transport
import XCTest

/// Every Azure Blob operation scoretune uses, against the loopback Azure test server (the same
/// operations scripts/azure/conformance.py drives with the official SDK), and against the memory
/// store, which must answer as the test server does. Each test works under a unique prefix and
/// deletes what it made.
class AzureOperationChecks: XCTestCase {
    lazy var transport: any HTTPTransport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    /// A client to the account under test, with its settings (`key` overrides the account key).
    func client(key: String? = nil) throws -> (AzureClient, ScoreSettings) {
        try LocalBackend.azureClient(transport: transport, key: key)
    }

    /// Whether the account checks signatures' bytes (the memory store checks who signs, and SAS expiry).
    var verifiesSignatures: Bool { true }

    func checkBlocksCommitRangesPropertiesListingAndDelete() async throws {
        let (azure, settings) = try client()
        let container = settings.objectBucket
        let blob = testPrefix() + "blocks"
        let body = testBytes(count: 700_001, seed: 3)
        let cut = [0..<300_000, 300_000..<600_000, 600_000..<700_001]
        for (i, range) in cut.enumerated() {
            try await azure.putBlock(container: container, blob: blob, blockId: AzureBlockId.make(i + 1), body: .bytes(Array(body[range])))
        }
        let staged = try await azure.blockList(container: container, blob: blob)
        XCTAssertEqual(staged.uncommitted.map(\.size), [300_000, 300_000, 100_001])
        XCTAssertTrue(staged.committed.isEmpty)

        let md5 = Digest.hash(.md5, body).base64String
        try await azure.putBlockList(container: container, blob: blob, blockIds: (1...3).map(AzureBlockId.make), contentMD5: md5)
        let properties = try await azure.blobProperties(container: container, blob: blob)
        XCTAssertEqual(properties.size, 700_001)
        XCTAssertEqual(properties.contentMD5, md5)

        let whole = try await azure.getBlob(container: container, blob: blob)
        XCTAssertEqual(whole.status, 200)
        XCTAssertEqual(whole.body, body)
        let ranged = try await azure.getBlob(container: container, blob: blob, range: 299_990...300_009)
        XCTAssertEqual(ranged.status, 206)
        XCTAssertEqual(ranged.body, Array(body[299_990...300_009]))

        for i in 0..<3 { try await azure.putBlob(container: container, blob: blob + "-list/\(i)", body: .bytes([UInt8(i)])) }
        let listed = try await azure.listBlobs(container: container, prefix: blob + "-list/", pageSize: 2)
        XCTAssertEqual(listed.map(\.name), (0..<3).map { blob + "-list/\($0)" }, "pages of two, followed by markers")

        for name in listed.map(\.name) + [blob] { try await azure.deleteBlob(container: container, blob: name) }
        do {
            _ = try await azure.blobProperties(container: container, blob: blob)
            XCTFail("a deleted blob still has properties")
        } catch let error as AzureError {
            XCTAssertEqual(error.status, 404)
            XCTAssertEqual(error.code, "BlobNotFound", "HEAD has no body: the code comes from x-ms-error-code")
        }
    }

    func checkSASFromStoredPoliciesUploadAndDownloadAsScoreDoes() async throws {
        let (azure, settings) = try client()
        let container = settings.objectBucket
        let blob = testPrefix() + "sas"
        let now = Date()
        func token(_ policy: String) -> String {
            azure.signer.sasToken(container: container, blob: blob, policy: policy, permissions: nil,
                                  start: now.addingTimeInterval(-900), expiry: now.addingTimeInterval(86_400))
        }
        let upload = AzureClient.Credential.sas(token(settings.text(.bucketPolicyUpload)!))
        let download = AzureClient.Credential.sas(token(settings.text(.bucketPolicyDownload)!))
        let body = testBytes(count: 50_000, seed: 4)
        try await azure.putBlock(container: container, blob: blob, blockId: AzureBlockId.make(1), body: .bytes(body), credential: upload)
        try await azure.putBlockList(container: container, blob: blob, blockIds: [AzureBlockId.make(1)],
                                     contentMD5: Digest.hash(.md5, body).base64String, credential: upload)
        let got = try await azure.getBlob(container: container, blob: blob, range: 10...19, credential: download)
        XCTAssertEqual(got.body, Array(body[10...19]))
        do {
            _ = try await azure.getBlob(container: container, blob: blob, credential: upload)
            XCTFail("the upload policy grants no read")
        } catch let error as AzureError {
            XCTAssertEqual(error.status, 403)
            XCTAssertEqual(error.code, "AuthorizationPermissionMismatch")
        }
        try await azure.deleteBlob(container: container, blob: blob)
    }

    func checkWrongKeyAndExpiredSASAreAuthenticationFailed() async throws {
        let (wrong, settings) = try client(key: Data("not the key".utf8).base64EncodedString())
        if verifiesSignatures {
            do {
                try await wrong.containerProperties(settings.objectBucket)
                XCTFail("a wrong key was accepted")
            } catch let error as AzureError {
                XCTAssertEqual(error.status, 403)
                XCTAssertEqual(error.code, "AuthenticationFailed")
            }
        }
        let (azure, _) = try client()
        let past = Date().addingTimeInterval(-7200)
        let expired = azure.signer.sasToken(container: settings.objectBucket, blob: settings.sentinel, policy: settings.text(.bucketPolicyDownload),
                                            permissions: nil, start: past.addingTimeInterval(-3600), expiry: past)
        do {
            _ = try await azure.blobProperties(container: settings.objectBucket, blob: settings.sentinel, credential: .sas(expired))
            XCTFail("an expired SAS was accepted")
        } catch let error as AzureError {
            XCTAssertEqual(error.status, 403)
            XCTAssertEqual(error.code, "AuthenticationFailed")
        }
    }

    func checkStoredPoliciesReadBack() async throws {
        let (azure, settings) = try client()
        let policies = try await azure.containerPolicies(settings.objectBucket)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: policies.map { ($0.id, $0.permission) }),
                       ["UploadPolicy": "acw", "DownloadPolicy": "rl"])
    }
}

final class AzureOperationTests: AzureOperationChecks {
    func testBlocksCommitRangesPropertiesListingAndDelete() async throws { try await checkBlocksCommitRangesPropertiesListingAndDelete() }
    func testSASFromStoredPoliciesUploadAndDownloadAsScoreDoes() async throws { try await checkSASFromStoredPoliciesUploadAndDownloadAsScoreDoes() }
    func testWrongKeyAndExpiredSASAreAuthenticationFailed() async throws { try await checkWrongKeyAndExpiredSASAreAuthenticationFailed() }
    func testStoredPoliciesReadBack() async throws { try await checkStoredPoliciesReadBack() }
}

/// The same operations against the memory store's Azure dialect.
final class MemoryAzureOperationTests: AzureOperationChecks {
    let memory = MemoryAzureBackend()
    override var verifiesSignatures: Bool { false }

    override func client(key: String? = nil) throws -> (AzureClient, ScoreSettings) {
        transport = memory.store.transport()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("memory-azure-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let settings = try ScoreSettings.load(path: try memory.writeEnv(in: folder), environment: [:])
        let account = try AzureAccount(name: MemoryAzureBackend.account, base64Key: key ?? MemoryAzureBackend.key, scheme: "http",
                                       endpointOverride: MemoryAzureBackend.endpoint)
        return (AzureClient(signer: AzureSigner(account: account), transport: transport), settings)
    }

    override func setUp() async throws { try await memory.putSentinel() }

    func testBlocksCommitRangesPropertiesListingAndDelete() async throws { try await checkBlocksCommitRangesPropertiesListingAndDelete() }
    func testSASFromStoredPoliciesUploadAndDownloadAsScoreDoes() async throws { try await checkSASFromStoredPoliciesUploadAndDownloadAsScoreDoes() }
    func testExpiredSASIsAuthenticationFailed() async throws { try await checkWrongKeyAndExpiredSASAreAuthenticationFailed() }
    func testStoredPoliciesReadBack() async throws { try await checkStoredPoliciesReadBack() }
}
