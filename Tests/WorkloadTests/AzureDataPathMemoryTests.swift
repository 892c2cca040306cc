import Foundation
import MemoryStore
import Model
import ObjectStore
import TestSupport
import Transport
@testable import Workload
import XCTest

/// Score's Azure path against the in-memory Blob store: Put Blob for small objects, Put Block and
/// Put Block List through SAS tokens of the stored policies for large ones, ranged GETs back, and
/// nothing left when an upload fails part-way (staged blocks included).
final class AzureDataPathMemoryTests: XCTestCase {
    let backend = MemoryAzureBackend()
    let ledger = MemoryLedger()

    func plan(stall: Duration = .seconds(30), retries: Int = 2, uploadPolicy: String? = nil) throws -> AzurePlan {
        let transport = backend.store.transport()
        let client = try backend.client(transport, timeouts: Timeouts(connect: .seconds(5), stall: stall))
        return AzurePlan(client: client, server: client, container: backend.container, uploadPolicy: uploadPolicy ?? backend.uploadPolicy,
                         downloadPolicy: backend.downloadPolicy, blockSize: 8 << 20, rangeSize: 16 << 20, parallel: 3,
                         retry: RetryPolicy(limit: retries, baseMilliseconds: 1, maxMilliseconds: 5),
                         journal: ledger, digests: DigestCache(store: ledger))
    }

    func count(_ operation: MemoryOperation) -> Int { backend.store.log.filter { $0.operation == operation }.count }

    func testALargeObjectGoesInBlocksAndComesBackInRanges() async throws {
        let path = AzureDataPath(plan: try plan())
        let object = SyntheticObject(seed: 3, index: 0, size: 40 << 20)
        let (up, stored) = await path.upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        XCTAssertEqual(up.parts, 5)
        XCTAssertEqual(count(.putBlock), 5)
        XCTAssertEqual(count(.putBlockList), 1)
        XCTAssertEqual(count(.putBlob), 0)
        let stored1 = try XCTUnwrap(stored)
        XCTAssertEqual(backend.store.object(backend.container, stored1.key)?.count, Int(object.size))

        let down = await path.download(stored1)
        XCTAssertNil(down.error, down.error ?? "")
        XCTAssertEqual(count(.getBlob), 3, "16 MiB ranges of a 40 MiB blob")
        try await path.remove(stored1)
        XCTAssertTrue(backend.store.isEmpty())
        XCTAssertTrue(ledger.outstanding.isEmpty)
    }

    func testASmallObjectIsOnePutBlobWithItsMD5() async throws {
        let path = AzureDataPath(plan: try plan())
        let (up, stored) = await path.upload(SyntheticObject(seed: 3, index: 1, size: 3 << 20))
        XCTAssertNil(up.error, up.error ?? "")
        XCTAssertEqual(count(.putBlob), 1)
        XCTAssertEqual(count(.putBlock), 0)
        let down = await path.download(try XCTUnwrap(stored))
        XCTAssertNil(down.error, "the blob's Content-MD5 is what the download checks: \(down.error ?? "")")
    }

    func testA503AndAResetOnBlocksAreRetried() async throws {
        backend.store.inject(MemoryFault(.slowDown, on: .putBlock))
        backend.store.inject(MemoryFault(.reset, on: .getBlob, after: 1))
        let path = AzureDataPath(plan: try plan())
        let (up, stored) = await path.upload(SyntheticObject(seed: 3, index: 2, size: 40 << 20))
        XCTAssertNil(up.error, up.error ?? "")
        XCTAssertEqual(up.retries, 1)
        let down = await path.download(try XCTUnwrap(stored))
        XCTAssertNil(down.error, down.error ?? "")
        XCTAssertEqual(down.retries, 1)
    }

    func testAFailedBlockListLeavesNoStagedBlocks() async throws {
        // The blocks are staged, then Put Block List never answers (both attempts): the abandoned
        // blob's staged blocks go too, by the empty block list the clean-up commits.
        backend.store.inject(MemoryFault(.frozen, on: .putBlockList, times: 2))
        let path = AzureDataPath(plan: try plan(stall: .milliseconds(200), retries: 1))
        let (up, stored) = await path.upload(SyntheticObject(seed: 3, index: 3, size: 40 << 20))
        XCTAssertEqual(up.errorClass, .stallTimeout)
        XCTAssertNil(stored)
        XCTAssertEqual(backend.store.blobsWithStagedBlocks, [])
        XCTAssertTrue(backend.store.isEmpty())
        XCTAssertTrue(ledger.outstanding.isEmpty, "\(ledger.outstanding)")
    }

    func testWhatAFrozenStoreKeepsStaysInTheLedger() async throws {
        backend.store.inject(MemoryFault(.frozen, on: .putBlockList, times: .max))
        let path = AzureDataPath(plan: try plan(stall: .milliseconds(100), retries: 0))
        let (up, _) = await path.upload(SyntheticObject(seed: 3, index: 5, size: 40 << 20))
        XCTAssertEqual(up.errorClass, .stallTimeout)
        XCTAssertEqual(backend.store.blobsWithStagedBlocks.count, 1, "the clean-up's block list froze too")
        XCTAssertEqual(ledger.outstanding.map(\.key), [up.key], "so the blob stays listed for `scoretune clean`")
    }

    func testAPolicyWithoutWriteIsRefusedAndNotRetried() async throws {
        let path = AzureDataPath(plan: try plan(uploadPolicy: backend.downloadPolicy))
        let (up, stored) = await path.upload(SyntheticObject(seed: 3, index: 4, size: 40 << 20))
        XCTAssertEqual(up.errorClass, .clientError)
        XCTAssertEqual(up.retries, 0)
        XCTAssertNil(stored)
        XCTAssertTrue(backend.store.isEmpty())
    }
}
