import Foundation
import MemoryStore
import Model
import ObjectStore
import TestSupport
import Transport
@testable import Workload
import XCTest

/// Score's S3 data path and the plain multipart path against the in-memory store: the requests
/// Score makes, in its order, what they leave behind, and every fault hook the path must survive
/// or fail cleanly on. No server: the real-backend tests keep what only real stores prove.
final class ScoreDataPathMemoryTests: XCTestCase {
    let backend = MemoryS3Backend()
    let ledger = MemoryLedger()
    /// 45 MiB: three parts at Score's 20 MiB floor (20 + 20 + 5).
    let object = SyntheticObject(seed: 7, index: 0, size: 45 << 20)

    func plan(stall: Duration = .seconds(30), retries: Int = 3, parallel: Int = 2) -> TransferPlan {
        let transport = backend.store.transport()
        let timeouts = Timeouts(connect: .seconds(5), stall: stall)
        return TransferPlan(s3: backend.client(transport, timeouts: timeouts), server: backend.client(transport, timeouts: timeouts),
                            objectBucket: backend.objectBucket, stateBucket: backend.stateBucket, uploadPartSize: 20_000_000,
                            downloadPartSize: 8 << 20, parallel: parallel,
                            retry: RetryPolicy(limit: retries, baseMilliseconds: 1, maxMilliseconds: 5),
                            journal: ledger, digests: DigestCache(store: ledger))
    }

    func count(_ operation: MemoryOperation) -> Int { backend.store.log.filter { $0.operation == operation }.count }

    func testScorePathUploadsDownloadsAndRemovesAsScoreDoes() async throws {
        let path = ScoreDataPath(plan: plan())
        let (up, stored) = await path.upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        XCTAssertEqual(up.parts, 3)
        XCTAssertEqual(up.partSize, 20 << 20, "Score's calculator raises 20000000 to 20 MiB")
        let stored1 = try XCTUnwrap(stored)
        let bytes = try XCTUnwrap(backend.store.object(backend.objectBucket, stored1.key))
        XCTAssertEqual(bytes.count, Int(object.size))
        var expected = [UInt8](repeating: 0, count: bytes.count)
        expected.withUnsafeMutableBytes { object.fill($0, at: 0) }
        XCTAssertEqual(bytes, expected, "the object in the store is the generator's bytes")
        // One ListParts check and one marker per part; the upload state gone, the object's .meta kept.
        XCTAssertEqual(count(.listParts), 3)
        XCTAssertEqual(count(.completeMultipartUpload), 1)
        XCTAssertEqual(backend.store.keys(in: backend.stateBucket), ["\(stored1.key).meta"])
        XCTAssertTrue(backend.store.openUploads.isEmpty)

        let down = await path.download(stored1)
        XCTAssertNil(down.error, down.error ?? "")
        XCTAssertEqual(count(.getObject), 1 + 3, "the .meta, then one ranged GET per part")

        try await path.remove(stored1)
        XCTAssertTrue(backend.store.isEmpty())
        XCTAssertTrue(ledger.outstanding.isEmpty, "everything created was marked removed: \(ledger.outstanding)")
    }

    func testA503OnAPartIsRetriedAndCounted() async throws {
        backend.store.inject(MemoryFault(.slowDown, on: .uploadPart, times: 2))
        let (up, stored) = await ScoreDataPath(plan: plan()).upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        XCTAssertEqual(up.retries, 2)
        XCTAssertNotNil(stored)
        XCTAssertEqual(backend.store.log.filter { $0.status == 503 }.count, 2)
    }

    func testAResetPartIsRetried() async throws {
        backend.store.inject(MemoryFault(.reset, on: .uploadPart, after: 1))
        let (up, _) = await ScoreDataPath(plan: plan()).upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        XCTAssertEqual(up.retries, 1)
    }

    func testALostCreateAnswerLeavesNoTwinUpload() async throws {
        // The store starts an upload, the answer is lost: the retry must abort that twin first.
        backend.store.inject(MemoryFault(.lostAnswer, on: .createMultipartUpload))
        let path = ScoreDataPath(plan: plan())
        let (up, stored) = await path.upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        XCTAssertEqual(count(.createMultipartUpload), 2)
        XCTAssertEqual(count(.abortMultipartUpload), 1, "the twin the lost answer left is aborted")
        XCTAssertTrue(backend.store.openUploads.isEmpty)
        try await path.remove(try XCTUnwrap(stored))
        XCTAssertTrue(backend.store.isEmpty())
    }

    func testAWrongETagIsAnETagMismatchAndRetried() async throws {
        backend.store.inject(MemoryFault(.wrongETag, on: .uploadPart))
        let (up, _) = await ScoreDataPath(plan: plan()).upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        XCTAssertEqual(up.retries, 1)

        backend.store.inject(MemoryFault(.wrongETag, on: .uploadPart, times: .max))
        let (failed, stored) = await ScoreDataPath(plan: plan(retries: 1)).upload(SyntheticObject(seed: 7, index: 1, size: 21 << 20))
        XCTAssertEqual(failed.errorClass, .etagMismatch)
        XCTAssertNil(stored)
        XCTAssertTrue(backend.store.openUploads.isEmpty, "a failed upload aborts itself")
        XCTAssertTrue(backend.store.keys(in: backend.stateBucket).filter { $0.contains(failed.key.replacingOccurrences(of: "data/", with: "")) }.isEmpty)
    }

    func testAnInclusivePartMarkerFailsScoresPartCheckAndLeavesNothing() async throws {
        // rclone 1.75 treats part-number-marker as inclusive: Score's server sees part n-1 for part n.
        backend.store.quirks.inclusivePartMarker = true
        let (up, stored) = await ScoreDataPath(plan: plan(retries: 1, parallel: 1)).upload(object)
        XCTAssertEqual(up.errorClass, .etagMismatch)
        XCTAssertNil(stored)
        XCTAssertTrue(backend.store.isEmpty(), "upload aborted, state removed")
        XCTAssertTrue(ledger.outstanding.isEmpty, "\(ledger.outstanding)")
    }

    func testCephsEmptyCompleteETagStillCompletes() async throws {
        backend.store.quirks.emptyCompleteETag = true
        let path = ScoreDataPath(plan: plan())
        let (up, stored) = await path.upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        let down = await path.download(try XCTUnwrap(stored))
        XCTAssertNil(down.error, down.error ?? "")
    }

    func testAFrozenStoreEndsTheTrialByItsStallTimeoutAndNothingIsLeft() async throws {
        let started = ContinuousClock.now
        backend.store.inject(MemoryFault(.frozen, on: .uploadPart, times: .max))
        let (up, stored) = await ScoreDataPath(plan: plan(stall: .milliseconds(200), retries: 1)).upload(object)
        XCTAssertEqual(up.errorClass, .stallTimeout)
        XCTAssertNil(stored)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20), "bounded by the stall timeout × attempts, not hung")
        XCTAssertTrue(backend.store.isEmpty())
    }

    func testADelayUnderTheStallTimeoutIsWaitedOutAndOneOverItIsAStall() async throws {
        backend.store.inject(MemoryFault(.delay(.milliseconds(50)), on: .getObject, times: .max))
        let path = ScoreDataPath(plan: plan(stall: .milliseconds(500), retries: 0))
        let (up, stored) = await path.upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        let down = await path.download(try XCTUnwrap(stored))
        XCTAssertNil(down.error, down.error ?? "")
        XCTAssertGreaterThanOrEqual(down.duration, 0.1, "the .meta and the parts each waited")

        backend.store.clearFaults()
        backend.store.inject(MemoryFault(.delay(.seconds(5)), on: .getObject, times: .max))
        let slow = await path.download(try XCTUnwrap(stored))
        XCTAssertEqual(slow.errorClass, .stallTimeout)
    }

    func testMultipartModeRoundTripsAtItsOwnPartSizes() async throws {
        let path = MultipartDataPath(plan: plan())
        let small = SyntheticObject(seed: 9, index: 0, size: 45 << 20)
        backend.store.inject(MemoryFault(.slowDown, on: .getObject))
        let (up, stored) = await path.upload(small)
        XCTAssertNil(up.error, up.error ?? "")
        XCTAssertEqual(up.parts, 3, "45 MiB at 20000000-byte parts, no 20 MiB floor in a plain client")
        XCTAssertEqual(count(.putObject), 0, "no state, no markers")
        let down = await path.download(try XCTUnwrap(stored))
        XCTAssertNil(down.error, down.error ?? "")
        XCTAssertEqual(down.retries, 1)
        XCTAssertEqual(count(.getObject), 6 + 1, "8 MiB ranges: 6 of them, one retried")
        try await path.remove(try XCTUnwrap(stored))
        XCTAssertTrue(backend.store.isEmpty())
    }

    func testUnderSSEKMSAPartsETagNeedNotBeItsMD5() async throws {
        // Score's client skips the ETag == MD5 check when the answer says aws:kms.
        backend.store.quirks.kmsEncrypted = true
        let path = ScoreDataPath(plan: plan())
        let (up, stored) = await path.upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        XCTAssertEqual(up.retries, 0)
        let down = await path.download(try XCTUnwrap(stored))
        XCTAssertNil(down.error, down.error ?? "")
    }

    func testAByteTheStoreChangedIsAVerifyMismatchNamingThePart() async throws {
        let path = ScoreDataPath(plan: plan(retries: 1))
        let (up, stored) = await path.upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        let stored1 = try XCTUnwrap(stored)
        backend.store.corrupt(backend.objectBucket, stored1.key, at: (20 << 20) + 12_345)
        let down = await path.download(stored1)
        XCTAssertEqual(down.errorClass, .verifyMismatch)
        XCTAssertTrue(down.error?.contains("part 2") ?? false, down.error ?? "")
        XCTAssertEqual(down.retries, 1, "a mismatch is retried: a store may have sent a bad copy once")
    }

    func testRangesAnswered200WithTheRightBytesStillVerify() async throws {
        backend.store.quirks.rangesAnswer200 = true
        let path = MultipartDataPath(plan: plan())
        let (up, stored) = await path.upload(object)
        XCTAssertNil(up.error, up.error ?? "")
        let down = await path.download(try XCTUnwrap(stored))
        XCTAssertNil(down.error, "every byte checked, whatever the status: \(down.error ?? "")")
        XCTAssertEqual(backend.store.log.filter { $0.operation == .getObject && $0.status == 200 }.count, 6)
    }
}
