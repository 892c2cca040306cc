import Model
import ObjectStore

/// Everything one cell's transfers share: the store, the buckets, the knobs that shape a transfer,
/// the ledger of what gets created, and the digest cache.
public struct TransferPlan: RetryingPlan, Sendable {
    /// The client's data requests (part PUTs, ranged GETs): the cell's connect and stall timeouts.
    public var s3: S3Client
    /// Score's server-side calls and housekeeping: the cell's connect timeout, the SDK's default
    /// read timeout (the stall knob models the client's read timeout, not the server's).
    public var server: S3Client
    public var objectBucket: String
    public var stateBucket: String
    /// UPLOAD_PARTSIZE as configured (score mode runs it through Score's part calculator).
    public var uploadPartSize: Int64
    /// Ranged-GET size for multipart mode; score mode downloads with the upload's layout.
    public var downloadPartSize: Int64?
    public var parallel: Int
    public var retry: RetryPolicy
    public var journal: TransferJournal
    public var digests: DigestCache
    /// Starts every object id (a distributed run's `Worker.objectIdPrefix`; empty otherwise).
    public var objectIdPrefix = ""

    public init(s3: S3Client, server: S3Client, objectBucket: String, stateBucket: String, uploadPartSize: Int64, downloadPartSize: Int64?,
                parallel: Int, retry: RetryPolicy, journal: TransferJournal, digests: DigestCache) {
        self.s3 = s3
        self.server = server
        self.objectBucket = objectBucket
        self.stateBucket = stateBucket
        self.uploadPartSize = uploadPartSize
        self.downloadPartSize = downloadPartSize
        self.parallel = parallel
        self.retry = retry
        self.journal = journal
        self.digests = digests
    }
}

extension TransferPlan {
    /// CreateMultipartUpload under the retry policy, leaving no twin behind: an attempt whose
    /// answer was lost may still have created an upload, so before each retry the uploads already
    /// on this key are aborted. The key holds a UUID of this run's, so every upload on it is ours.
    func createUpload(_ client: S3Client, key: String, clock: TrialClock) async throws -> String {
        try await retried(clock) {
            // Best effort: a listing that fails must not turn a retryable create into a failure.
            if AttemptContext.current.attempt > 1 { try? await Removal.abortUploads(on: key, in: objectBucket, using: client) }
            return try await client.createMultipartUpload(bucket: objectBucket, key: key)
        }
    }

    /// Removes what a failed transfer created; what cannot be removed stays in the ledger. After
    /// Ctrl-C nothing is tried here: the run's clean-up removes the whole ledger at once, with
    /// short limits, instead of every interrupted transfer waiting on the store in turn.
    func abandon(_ creations: [Creation], ids: [Int64], uploadId: String?) async {
        guard !Task.isCancelled else { return }
        let plan = self
        await Task {
            var removed: [Int64] = []
            for (creation, id) in zip(creations, ids).reversed() {
                do {
                    try await AttemptContext.phase(.cleanup) {
                        _ = try await plan.retry.run {
                            try await Removal.remove(creation, uploadId: creation.kind == .upload ? uploadId : nil, using: plan.server)
                        }
                    }
                    removed.append(id)
                } catch {
                    // A store that does not answer is not asked again for the rest.
                    if ErrorClass.of(error).isUnanswered { break }
                }
            }
            try? await plan.journal.removed(removed)
        }.value
    }
}
