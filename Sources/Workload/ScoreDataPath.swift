import Foundation
import Model
import ObjectStore
import Transport

/// Score's S3 data path, step for step (docs/score.md): the server initiates and presigns, the
/// client PUTs each part and insists ETag == MD5, the server checks the part with ListParts and
/// writes a marker, finalize completes, writes `data/<id>.meta` and deletes the upload state one
/// object at a time. Downloads follow the stored layout with presigned ranged GETs.
public struct ScoreDataPath: DataPath {
    public let plan: TransferPlan
    public init(plan: TransferPlan) { self.plan = plan }

    /// Score's part size for an object: UPLOAD_PARTSIZE through its part calculator.
    public func partSize(for object: SyntheticObject) -> Int64 {
        PartCalculator(uploadPartSize: plan.uploadPartSize).partSize(forObjectOfSize: object.size)
    }

    public func upload(_ object: SyntheticObject) async -> (TrialOutcome, StoredObject?) {
        let clock = TrialClock()
        let objectId = plan.objectIdPrefix + UUID().uuidString.lowercased()
        let key = "data/\(objectId)"
        let partSize = partSize(for: object)
        let parts = ObjectPart.layout(objectSize: object.size, partSize: partSize)
        let creations: [Creation] = [.upload(plan.objectBucket, key), .object(plan.objectBucket, key),
                                     .prefix(plan.stateBucket, "upload/\(objectId)_"), .object(plan.stateBucket, "\(key).meta")]
        var ledger: [Int64] = []
        let uploadIdBox = Box<String>()
        func outcome(_ error: Error?) -> TrialOutcome {
            clock.outcome(key: key, objectSize: object.size, partSize: partSize, parts: parts.count, error: error)
        }
        do {
            let digests = try await plan.digests.digests(for: object, partSize: partSize)
            ledger = try await plan.journal.willCreate(creations)
            let (uploadId, statePrefix, urls) = try await clock.phase(.initiate) {
                let uploadId = try await plan.createUpload(plan.server, key: key, clock: clock)
                uploadIdBox.value = uploadId
                try await plan.journal.uploadIdKnown(ledger[0], uploadId: uploadId)
                // Score's server hands the client one presigned PUT per part, valid for 6 days.
                var urls: [Int: String] = [:]
                for part in parts {
                    urls[part.number] = plan.server.presignedURL(method: .put, bucket: plan.objectBucket, key: key,
                                                                 query: [("partNumber", String(part.number)), ("uploadId", uploadId)],
                                                                 expires: 6 * 86_400)
                }
                let statePrefix = "upload/\(objectId)_\(uploadId)/"
                let meta = UploadMeta(objectId: objectId, objectKey: key, uploadId: uploadId, objectSize: object.size,
                                      objectMd5: digests.whole, parts: parts.map { part in
                    UploadMeta.Part(partNumber: part.number, partSize: part.size, offset: part.offset, url: urls[part.number],
                                    md5: nil, sourceMd5: digests.parts[part.number - 1])
                })
                try await plan.retried(clock) {
                    try await plan.server.putObject(bucket: plan.stateBucket, key: statePrefix + ".meta", body: meta.json)
                }
                return (uploadId, statePrefix, urls)
            }
            try await clock.phase(.parts) {
                try await inParallel(parts, width: plan.parallel) { part in
                    try await uploadPart(part, of: object, key: key, uploadId: uploadId, url: urls[part.number]!,
                                         md5: digests.parts[part.number - 1], statePrefix: statePrefix, clock: clock)
                }
            }
            try await clock.phase(.finalize) {
                try await finalize(objectId: objectId, key: key, uploadId: uploadId, object: object, parts: parts,
                                   digests: digests, statePrefix: statePrefix, clock: clock)
            }
            try await clock.phase(.stateCleanup) {
                let state = try await plan.retried(clock) { try await plan.server.listObjects(bucket: plan.stateBucket, prefix: statePrefix) }
                for item in state {
                    _ = try await plan.retried(clock) { try await plan.server.headObject(bucket: plan.stateBucket, key: item.key) }
                    try await plan.retried(clock) { try await plan.server.deleteObject(bucket: plan.stateBucket, key: item.key) }
                }
            }
            // The upload is complete and its state gone; the object and its .meta stay until removed.
            try await plan.journal.removed([ledger[0], ledger[2]])
            let stored = StoredObject(object: object, key: key, objectId: objectId, partSize: partSize, ledger: [ledger[1], ledger[3]])
            return (outcome(nil), stored)
        } catch {
            if !ledger.isEmpty { await plan.abandon(creations, ids: ledger, uploadId: uploadIdBox.value) }
            return (outcome(error), nil)
        }
    }

    /// The client's PUT with the ETag check, then the server's ListParts check and part marker.
    private func uploadPart(_ part: ObjectPart, of object: SyntheticObject, key: String, uploadId: String, url: String,
                            md5: String, statePrefix: String, clock: TrialClock) async throws {
        let etag = try await plan.retried(clock) {
            let response = try await plan.s3.sendPresigned(.uploadPart, method: .put, url: url,
                                                           body: object.body(offset: part.offset, length: part.size),
                                                           partNumber: part.number)
            let etag = (response.header("etag") ?? "").replacingOccurrences(of: "\"", with: "")
            if etag != md5 && response.header("x-amz-server-side-encryption") != "aws:kms" {
                throw TransferFailure(.etagMismatch, "part \(part.number): ETag '\(etag)' is not its MD5 \(md5)")
            }
            return etag
        }
        try await plan.retried(clock) {
            let page = try await plan.server.listPartsPage(bucket: plan.objectBucket, key: key, uploadId: uploadId,
                                                           after: part.number - 1, maxParts: 1)
            guard let listed = page.parts.first, listed.partNumber == part.number, listed.etag == etag else {
                throw TransferFailure(.etagMismatch, "part \(part.number): ListParts does not show it with ETag \(etag)")
            }
        }
        let marker = PartMarker(partNumber: part.number, md5: md5, etag: etag)
        try await plan.retried(clock) {
            try await plan.server.putObject(bucket: plan.stateBucket, key: marker.key(under: statePrefix), body: [])
        }
    }

    private func finalize(objectId: String, key: String, uploadId: String, object: SyntheticObject, parts: [ObjectPart],
                          digests: DigestCache.ObjectDigests, statePrefix: String, clock: TrialClock) async throws {
        let listed = try await plan.retried(clock) {
            try await plan.server.listObjects(bucket: plan.stateBucket, prefix: statePrefix + "part-")
        }
        let markers = listed.compactMap { PartMarker.parse(key: $0.key) }.sorted { $0.partNumber < $1.partNumber }
        guard markers.map(\.partNumber) == parts.map(\.number) else {
            throw TransferFailure(.verifyMismatch, "finalize found markers for parts \(markers.map(\.partNumber)), expected 1…\(parts.count)")
        }
        try await plan.retried(clock) {
            do {
                try await plan.server.completeMultipartUpload(bucket: plan.objectBucket, key: key, uploadId: uploadId,
                                                              parts: markers.map { ($0.partNumber, $0.etag) })
            } catch let error as S3Error where error.status == 404 {
                // Score counts a 404 as already completed (a retried Complete).
            }
        }
        let final = UploadMeta(objectId: objectId, objectKey: key, uploadId: uploadId, objectSize: object.size, objectMd5: digests.whole,
                               parts: parts.map { part in
            UploadMeta.Part(partNumber: part.number, partSize: part.size, offset: part.offset, url: nil,
                            md5: markers[part.number - 1].etag, sourceMd5: digests.parts[part.number - 1])
        })
        try await plan.retried(clock) {
            try await plan.server.putObject(bucket: plan.stateBucket, key: "\(key).meta", body: final.json)
        }
    }

    public func download(_ stored: StoredObject) async -> TrialOutcome {
        let clock = TrialClock()
        let object = stored.object
        var partCount = 0
        do {
            let meta = try await clock.phase(.meta) {
                try UploadMeta.decode(try await plan.retried(clock) {
                    try await plan.server.getObject(bucket: plan.stateBucket, key: "\(stored.key).meta").body
                })
            }
            partCount = meta.parts.count
            let digests = try await plan.digests.digests(for: object, partSize: stored.partSize)
            guard meta.objectSize == object.size, meta.objectMd5 == digests.whole else {
                throw TransferFailure(.verifyMismatch, "data/\(meta.objectId).meta does not describe the uploaded object")
            }
            // The parts must tile the object exactly: then byte-exact parts make a byte-exact whole.
            var expectedOffset: Int64 = 0
            for part in meta.parts.sorted(by: { $0.partNumber < $1.partNumber }) {
                guard part.offset == expectedOffset, part.sourceMd5 == digests.parts[part.partNumber - 1] else {
                    throw TransferFailure(.verifyMismatch, "part \(part.partNumber) in the .meta does not match the upload")
                }
                expectedOffset += part.partSize
            }
            guard expectedOffset == object.size else {
                throw TransferFailure(.verifyMismatch, "the .meta parts cover \(expectedOffset) of \(object.size) bytes")
            }
            let spans = meta.parts.map { ObjectPart(number: $0.partNumber, offset: $0.offset, size: $0.partSize) }
            try await clock.phase(.parts) {
                try await inParallel(spans, width: plan.parallel) { span in
                    let range = [HTTPHeader("Range", span.rangeHeader)]
                    let url = plan.server.presignedURL(method: .get, bucket: plan.objectBucket, key: stored.key, headers: range, expires: 86_400)
                    try await plan.retried(clock) {
                        try await fetchVerified(object, span) { sink in
                            try await plan.s3.sendPresigned(.getObject, method: .get, url: url, headers: range, sink: sink, partNumber: span.number)
                        }
                    }
                }
            }
            return clock.outcome(key: stored.key, objectSize: object.size, partSize: stored.partSize, parts: partCount, error: nil)
        } catch {
            return clock.outcome(key: stored.key, objectSize: object.size, partSize: stored.partSize, parts: partCount, error: error)
        }
    }

    public func remove(_ stored: StoredObject) async throws {
        try await AttemptContext.phase(.cleanup) {
            try await plan.retry.run { try await plan.server.deleteObject(bucket: plan.objectBucket, key: stored.key) }
            try await plan.retry.run { try await plan.server.deleteObject(bucket: plan.stateBucket, key: "\(stored.key).meta") }
        }
        try await plan.journal.removed(stored.ledger)
    }
}

/// GETs one range into a verifying sink; any difference, short body or ignored Range is a
/// verify-mismatch, whatever the transport made of the refused body.
func fetchVerified(_ object: SyntheticObject, _ span: ObjectPart,
                   _ send: (VerifyingSink) async throws -> HTTPResponse) async throws {
    let sink = VerifyingSink(object: object, offset: span.offset, length: span.size)
    do {
        _ = try await send(sink)
    } catch {
        if let problem = sink.problem { throw TransferFailure(.verifyMismatch, "part \(span.number): \(problem)") }
        throw error
    }
    if let verdict = sink.verdict { throw TransferFailure(.verifyMismatch, "part \(span.number): \(verdict)") }
}

/// A value set inside a throwing closure and read in its catch.
/// Sendable: `stored` only under `lock`.
final class Box<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    var value: T? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
