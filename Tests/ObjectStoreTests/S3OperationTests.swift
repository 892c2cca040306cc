import Foundation
import Hashing
import MemoryStore
import ScoreConfig
import ObjectStore
import TestSupport
import Transport
import XCTest

/// Every S3 operation scoretune uses, against each real local backend. Each test creates its own
/// keys under a unique prefix and deletes them.
/// (XCTest on Linux does not discover inherited test methods, so each backend's class lists them.)
class S3OperationChecks: XCTestCase {
    var backend: LocalBackend { .seaweedfs }
    lazy var transport: any HTTPTransport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    /// A client to the store under test and its settings (the memory store's subclass overrides it).
    func client(sigV4: Bool? = nil, secretKey: String? = nil) throws -> (S3Client, ScoreSettings) {
        try backend.client(transport: transport, sigV4: sigV4, secretKey: secretKey)
    }

    /// Whether the store checks signatures' bytes (the memory store checks only who signs).
    var verifiesSignatures: Bool { true }

    /// An empty bucket name is refused before anything is sent, and the connection stays usable.
    func checkEmptyBucketIsRefusedAndHarmless() async throws {
        let (s3, settings) = try client()
        for _ in 0..<3 {
            do {
                try await s3.headBucket("")
                XCTFail("an empty bucket name was sent")
            } catch let error as S3Error {
                XCTAssertEqual(error.code, "InvalidBucketName")
            }
            try await s3.headBucket(settings.objectBucket)
            let buckets = try await s3.listBuckets()
            XCTAssertFalse(buckets.isEmpty)
        }
    }

    func checkObjectRoundTripListingAndDelete() async throws {
        let (s3, settings) = try client()
        let bucket = settings.objectBucket
        let prefix = testPrefix()
        let body = testBytes(count: 300_000, seed: 1)
        let etag = try await s3.putObject(bucket: bucket, key: prefix + "whole", body: body, contentType: "application/octet-stream")
        XCTAssertEqual(etag, Digest.hash(.md5, body).hexString, "single-part ETag is the MD5")

        let info = try await s3.headObject(bucket: bucket, key: prefix + "whole")
        XCTAssertEqual(info.size, 300_000)
        let whole = try await s3.getObject(bucket: bucket, key: prefix + "whole")
        XCTAssertEqual(whole.status, 200)
        XCTAssertEqual(whole.body, body)

        let ranged = try await s3.getObject(bucket: bucket, key: prefix + "whole", range: 1000...1999)
        XCTAssertEqual(ranged.body, Array(body[1000...1999]))
        XCTAssertEqual(ranged.status, backend == .rclone ? 200 : 206, "rclone answers ranges with 200 (backends.md)")

        for i in 0..<4 { try await s3.putObject(bucket: bucket, key: prefix + "list/\(i)", body: [UInt8(i)]) }
        let listed = try await s3.listObjects(bucket: bucket, prefix: prefix + "list/", pageSize: 3)
        XCTAssertEqual(listed.map(\.key), (0..<4).map { prefix + "list/\($0)" }, "pagination over 3-key pages")
        XCTAssertEqual(listed.map(\.size), [1, 1, 1, 1])

        for key in listed.map(\.key) + [prefix + "whole"] { try await s3.deleteObject(bucket: bucket, key: key) }
        do {
            _ = try await s3.headObject(bucket: bucket, key: prefix + "whole")
            XCTFail("deleted object still answers HEAD")
        } catch let error as S3Error {
            XCTAssertEqual(error.status, 404)
            XCTAssertEqual(error.code, "NotFound")
        }
        let left = try await s3.listObjects(bucket: bucket, prefix: prefix)
        XCTAssertEqual(left, [])
    }

    func checkMultipartLifecycle() async throws {
        let (s3, settings) = try client()
        let bucket = settings.objectBucket
        let key = testPrefix() + "multi"
        let parts = [testBytes(count: 5 << 20, seed: 2), testBytes(count: 1234, seed: 3)]

        let uploadId = try await s3.createMultipartUpload(bucket: bucket, key: key)
        var etags: [(partNumber: Int, etag: String)] = []
        for (index, part) in parts.enumerated() {
            let etag = try await s3.uploadPart(bucket: bucket, key: key, uploadId: uploadId, partNumber: index + 1,
                                               body: .stream(length: Int64(part.count), makeSource: { BytesSource(part) }))
            XCTAssertEqual(etag, Digest.hash(.md5, part).hexString, "part ETag is the part's MD5, as Score needs")
            etags.append((index + 1, etag))
        }
        let listedParts = try await s3.listParts(bucket: bucket, key: key, uploadId: uploadId, pageSize: 1)
        XCTAssertEqual(listedParts.map(\.partNumber), [1, 2], "pagination over 1-part pages")
        XCTAssertEqual(listedParts.map(\.etag), etags.map(\.etag))

        let second = try await s3.createMultipartUpload(bucket: bucket, key: key + "-aborted")
        let uploads = try await s3.listMultipartUploads(bucket: bucket, prefix: key, pageSize: 1)
        XCTAssertEqual(Set(uploads.map(\.uploadId)), [uploadId, second])
        try await s3.abortMultipartUpload(bucket: bucket, key: key + "-aborted", uploadId: second)
        let afterAbort = try await s3.listMultipartUploads(bucket: bucket, prefix: key)
        XCTAssertEqual(afterAbort.map(\.uploadId), [uploadId])

        _ = try await s3.completeMultipartUpload(bucket: bucket, key: key, uploadId: uploadId, parts: etags)
        let info = try await s3.headObject(bucket: bucket, key: key)
        XCTAssertEqual(info.size, Int64(parts[0].count + parts[1].count))
        if backend == .rclone {
            // rclone stores a plain file: its ETag is the MD5 of the whole object, not "<md5 of MD5s>-2".
            XCTAssertEqual(info.etag, Digest.hash(.md5, parts[0] + parts[1]).hexString)
        } else {
            XCTAssertTrue(info.etag.hasSuffix("-2"), "multipart ETag from HEAD: \(info.etag)")
        }
        let tail = try await s3.getObject(bucket: bucket, key: key, range: Int64(5 << 20)...Int64((5 << 20) + 1233))
        XCTAssertEqual(tail.body, parts[1])
        try await s3.deleteObject(bucket: bucket, key: key)
        let remaining = try await s3.listMultipartUploads(bucket: bucket, prefix: key)
        XCTAssertEqual(remaining, [])
    }

    func checkPresignedPartUploadAndRangedGet() async throws {
        let (s3, settings) = try client()
        let bucket = settings.objectBucket
        let key = testPrefix() + "presigned"
        let part = testBytes(count: 5 << 20, seed: 4)
        let uploadId = try await s3.createMultipartUpload(bucket: bucket, key: key)
        let putURL = s3.presignedURL(method: .put, bucket: bucket, key: key,
                                     query: [("partNumber", "1"), ("uploadId", uploadId)], expires: 518_400)
        let put = try await s3.sendPresigned(.uploadPart, method: .put, url: putURL,
                                             body: .stream(length: Int64(part.count), makeSource: { BytesSource(part) }))
        let etag = put.header("etag")!.replacingOccurrences(of: "\"", with: "")
        XCTAssertEqual(etag, Digest.hash(.md5, part).hexString)
        try await s3.completeMultipartUpload(bucket: bucket, key: key, uploadId: uploadId, parts: [(1, etag)])

        let range = [HTTPHeader("Range", "bytes=100-199")]
        let getURL = s3.presignedURL(method: .get, bucket: bucket, key: key, headers: range, expires: 86_400)
        let get = try await s3.sendPresigned(.getObject, method: .get, url: getURL, headers: range)
        XCTAssertEqual(get.body, Array(part[100...199]))

        // A tampered signature is refused.
        guard verifiesSignatures else { return try await s3.deleteObject(bucket: bucket, key: key) }
        let tampered = getURL.replacingOccurrences(of: "Signature=", with: "Signature=0")
        do {
            _ = try await s3.sendPresigned(.getObject, method: .get, url: tampered, headers: range)
            XCTFail("tampered presigned URL accepted")
        } catch let error as S3Error {
            XCTAssertEqual(error.status, 403)
        }
        try await s3.deleteObject(bucket: bucket, key: key)
    }

    func checkWrongSecretIsATyped403() async throws {
        let (s3, settings) = try client(secretKey: "wrong-secret")
        do {
            _ = try await s3.listObjects(bucket: settings.objectBucket, prefix: "x")
            XCTFail("wrong secret accepted")
        } catch let error as S3Error {
            XCTAssertEqual(error.status, 403)
            XCTAssertEqual(error.code, "SignatureDoesNotMatch", "\(error)")
            XCTAssertFalse(error.message.isEmpty)
        }
    }

    func checkSigV2() async throws {
        let (s3, settings) = try client(sigV4: false)
        let key = testPrefix() + "v2"
        do {
            try await s3.putObject(bucket: settings.objectBucket, key: key, body: [1, 2, 3])
        } catch let error as S3Error where backend == .rclone {
            XCTAssertEqual(error.status, 400, "rclone has no SigV2 (backends.md)")
            return
        }
        XCTAssertNotEqual(backend, .rclone, "rclone unexpectedly accepted SigV2")
        let url = s3.presignedURL(method: .get, bucket: settings.objectBucket, key: key, expires: 300)
        let get = try await s3.sendPresigned(.getObject, method: .get, url: url)
        XCTAssertEqual(get.body, [1, 2, 3])
        try await s3.deleteObject(bucket: settings.objectBucket, key: key)
    }
}

final class SeaweedFSOperationTests: S3OperationChecks {
    override var backend: LocalBackend { .seaweedfs }
    func testObjectRoundTripListingAndDelete() async throws { try await checkObjectRoundTripListingAndDelete() }
    func testEmptyBucketIsRefusedAndHarmless() async throws { try await checkEmptyBucketIsRefusedAndHarmless() }
    func testMultipartLifecycle() async throws { try await checkMultipartLifecycle() }
    func testPresignedPartUploadAndRangedGet() async throws { try await checkPresignedPartUploadAndRangedGet() }
    func testWrongSecretIsATyped403() async throws { try await checkWrongSecretIsATyped403() }
    func testSigV2() async throws { try await checkSigV2() }
}

final class RcloneOperationTests: S3OperationChecks {
    override var backend: LocalBackend { .rclone }
    func testObjectRoundTripListingAndDelete() async throws { try await checkObjectRoundTripListingAndDelete() }
    func testEmptyBucketIsRefusedAndHarmless() async throws { try await checkEmptyBucketIsRefusedAndHarmless() }
    func testMultipartLifecycle() async throws { try await checkMultipartLifecycle() }
    func testPresignedPartUploadAndRangedGet() async throws { try await checkPresignedPartUploadAndRangedGet() }
    func testWrongSecretIsATyped403() async throws { try await checkWrongSecretIsATyped403() }
    func testSigV2() async throws { try await checkSigV2() }
}

final class CephOperationTests: S3OperationChecks {
    override var backend: LocalBackend { .ceph }
    func testObjectRoundTripListingAndDelete() async throws { try await checkObjectRoundTripListingAndDelete() }
    func testEmptyBucketIsRefusedAndHarmless() async throws { try await checkEmptyBucketIsRefusedAndHarmless() }
    func testMultipartLifecycle() async throws { try await checkMultipartLifecycle() }
    func testPresignedPartUploadAndRangedGet() async throws { try await checkPresignedPartUploadAndRangedGet() }
    func testWrongSecretIsATyped403() async throws { try await checkWrongSecretIsATyped403() }
    func testSigV2() async throws { try await checkSigV2() }
}

/// The same checks against the in-memory store: it must answer as the real ones do wherever the
/// server-free tests lean on it (signatures' bytes aside, which only real stores check).
final class MemoryStoreOperationTests: S3OperationChecks {
    let memory = MemoryS3Backend()
    override var verifiesSignatures: Bool { false }

    override func client(sigV4: Bool? = nil, secretKey: String? = nil) throws -> (S3Client, ScoreSettings) {
        transport = memory.store.transport()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("memory-ops-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let settings = try ScoreSettings.load(path: try memory.writeEnv(in: folder, extra: sigV4 == false ? ["S3_SIGV4ENABLED=false"] : []),
                                              environment: [:])
        let signer = S3Signer(credentials: S3Credentials(accessKey: settings.accessKey, secretKey: secretKey ?? settings.secretKey),
                              mode: sigV4 == false ? .v2 : .v4(region: "us-east-1"))
        return (S3Client(endpoint: S3Endpoint(settings.endpoint)!, signer: signer, transport: transport,
                         timeouts: Timeouts(connect: .seconds(5), stall: .seconds(30))), settings)
    }

    func testObjectRoundTripListingAndDelete() async throws { try await checkObjectRoundTripListingAndDelete() }
    func testEmptyBucketIsRefusedAndHarmless() async throws { try await checkEmptyBucketIsRefusedAndHarmless() }
    func testMultipartLifecycle() async throws { try await checkMultipartLifecycle() }
    func testPresignedPartUploadAndRangedGet() async throws { try await checkPresignedPartUploadAndRangedGet() }
    func testSigV2() async throws { try await checkSigV2() }

    /// What it does check: who signs. An unknown access key is the typed 403 real stores give.
    func testAnUnknownAccessKeyIsATyped403() async throws {
        let (s3, settings) = try client()
        let stranger = S3Client(endpoint: s3.endpoint, signer: S3Signer(credentials: S3Credentials(accessKey: "NOBODY", secretKey: "x"),
                                                                          mode: .v4(region: "us-east-1")), transport: transport)
        do {
            _ = try await stranger.listObjects(bucket: settings.objectBucket)
            XCTFail("an unknown key was accepted")
        } catch let error as S3Error {
            XCTAssertEqual(error.status, 403)
            XCTAssertEqual(error.code, "InvalidAccessKeyId")
        }
    }
}
