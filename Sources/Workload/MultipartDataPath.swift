import Foundation
import Model
import ObjectStore
import Transport

/// A plain S3 client's path, for comparison with Score's: multipart upload at UPLOAD_PARTSIZE with
/// header-signed (unsigned-payload) parts, no MD5s, no state bucket; ranged GETs of
/// DOWNLOAD_PARTSIZE. Keys live under `scoretune/<uuid>` in the object bucket.
public struct MultipartDataPath: DataPath {
    public let plan: TransferPlan
    public init(plan: TransferPlan) { self.plan = plan }

    public func upload(_ object: SyntheticObject) async -> (TrialOutcome, StoredObject?) {
        let clock = TrialClock()
        let key = "scoretune/\(plan.objectIdPrefix)\(UUID().uuidString.lowercased())"
        let parts = ObjectPart.layout(objectSize: object.size, partSize: plan.uploadPartSize)
        let creations: [Creation] = [.upload(plan.objectBucket, key), .object(plan.objectBucket, key)]
        var ledger: [Int64] = []
        let uploadIdBox = Box<String>()
        func outcome(_ error: Error?) -> TrialOutcome {
            clock.outcome(key: key, objectSize: object.size, partSize: plan.uploadPartSize, parts: parts.count, error: error)
        }
        do {
            ledger = try await plan.journal.willCreate(creations)
            let uploadId = try await clock.phase(.initiate) {
                let id = try await plan.createUpload(plan.server, key: key, clock: clock)
                uploadIdBox.value = id
                try await plan.journal.uploadIdKnown(ledger[0], uploadId: id)
                return id
            }
            let etags = PartETags()
            try await clock.phase(.parts) {
                try await inParallel(parts, width: plan.parallel) { part in
                    let etag = try await plan.retried(clock) {
                        try await plan.s3.uploadPart(bucket: plan.objectBucket, key: key, uploadId: uploadId, partNumber: part.number,
                                                     body: object.body(offset: part.offset, length: part.size))
                    }
                    etags.set(part.number, etag)
                }
            }
            try await clock.phase(.finalize) {
                try await plan.retried(clock) {
                    try await plan.server.completeMultipartUpload(bucket: plan.objectBucket, key: key, uploadId: uploadId, parts: etags.all)
                }
            }
            try await plan.journal.removed([ledger[0]])
            return (outcome(nil), StoredObject(object: object, key: key, objectId: nil, partSize: plan.uploadPartSize, ledger: [ledger[1]]))
        } catch {
            if !ledger.isEmpty { await plan.abandon(creations, ids: ledger, uploadId: uploadIdBox.value) }
            return (outcome(error), nil)
        }
    }

    public func download(_ stored: StoredObject) async -> TrialOutcome {
        let clock = TrialClock()
        let size = plan.downloadPartSize ?? stored.partSize
        let spans = ObjectPart.layout(objectSize: stored.object.size, partSize: size)
        do {
            try await clock.phase(.parts) {
                try await inParallel(spans, width: plan.parallel) { span in
                    try await plan.retried(clock) {
                        try await fetchVerified(stored.object, span) { sink in
                            try await plan.s3.getObject(bucket: plan.objectBucket, key: stored.key,
                                                        range: span.byteRange, sink: sink,
                                                        partNumber: span.number)
                        }
                    }
                }
            }
            return clock.outcome(key: stored.key, objectSize: stored.object.size, partSize: size, parts: spans.count, error: nil)
        } catch {
            return clock.outcome(key: stored.key, objectSize: stored.object.size, partSize: size, parts: spans.count, error: error)
        }
    }

    public func remove(_ stored: StoredObject) async throws {
        try await AttemptContext.phase(.cleanup) {
            try await plan.retry.run { try await plan.server.deleteObject(bucket: plan.objectBucket, key: stored.key) }
        }
        try await plan.journal.removed(stored.ledger)
    }
}

/// ETags collected from parallel part uploads.
/// Sendable: `etags` only under `lock`.
final class PartETags: @unchecked Sendable {
    private let lock = NSLock()
    private var etags: [Int: String] = [:]
    func set(_ part: Int, _ etag: String) { lock.withLock { etags[part] = etag } }
    var all: [(partNumber: Int, etag: String)] { lock.withLock { etags.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } } }
}
