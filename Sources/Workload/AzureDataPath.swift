import Foundation
import Model
import Hashing
import ObjectStore
import Transport

/// What one cell's Azure transfers share (the Azure counterpart of TransferPlan).
public struct AzurePlan: RetryingPlan, Sendable {
    /// The client's data requests through SAS URLs: the cell's connect and stall timeouts (and its
    /// played network, if any).
    public var client: AzureClient
    /// Score's server: existence checks and properties with the account key, beside the store.
    public var server: AzureClient
    public var container: String
    public var uploadPolicy: String
    public var downloadPolicy: String
    /// The client's upload block size (score-client's azure.blockSize).
    public var blockSize: Int64
    /// The download range size: on Azure, Score's server divides downloads into parts of exactly
    /// UPLOAD_PARTSIZE (its AzurePartCalculator: no 20 MiB floor, no 10,000-part cap).
    public var rangeSize: Int64
    public var parallel: Int
    public var retry: RetryPolicy
    public var journal: TransferJournal
    public var digests: DigestCache
    /// Starts every blob name (a distributed run's `Worker.objectIdPrefix`; empty otherwise): what
    /// `clean --tag` finds a killed worker's blobs by.
    public var objectIdPrefix = ""

    public init(client: AzureClient, server: AzureClient, container: String, uploadPolicy: String, downloadPolicy: String,
                blockSize: Int64, rangeSize: Int64, parallel: Int, retry: RetryPolicy, journal: TransferJournal, digests: DigestCache) {
        self.client = client
        self.server = server
        self.container = container
        self.uploadPolicy = uploadPolicy
        self.downloadPolicy = downloadPolicy
        self.blockSize = blockSize
        self.rangeSize = rangeSize
        self.parallel = parallel
        self.retry = retry
        self.journal = journal
        self.digests = digests
    }

    func sas(_ policy: String, blob: String) -> AzureClient.Credential {
        .sas(server.signer.scoreSASToken(container: container, blob: blob, policy: policy))
    }
}

/// Score's Azure data path (docs/score.md, Score's AzureUploadService / AzureDownloadService):
/// upload — the server checks that blob `<objectId>` does not exist and hands out one SAS of the
/// upload policy; the client sends Put Block for every block (`parallel` at once) and Put Block
/// List with the whole object's Content-MD5 (objects up to 32 MiB: one Put Blob); no state, no
/// finalize on the server. Download — the
/// server reads the blob's properties and hands out one SAS of the download policy for parts of
/// UPLOAD_PARTSIZE; the client GETs the ranges; the blob's Content-MD5 is the only checksum (and
/// scoretune also verifies every byte against the generator).
public struct AzureDataPath: DataPath {
    public let plan: AzurePlan
    public init(plan: AzurePlan) { self.plan = plan }

    /// Score's client calls the Azure SDK 8's `uploadFromFile`, which sends a file of up to
    /// `singleBlobPutThresholdInBytes` (default 32 MiB, left unchanged by Score) as one Put Blob;
    /// larger files go in blocks. (Inferred from the SDK's defaults, not from Score's code.)
    public static let singlePutThreshold: Int64 = 32 << 20

    /// The whole object's MD5 in base64, as Put Block List sends it (cached per object).
    public func contentMD5(_ object: SyntheticObject) async throws -> String {
        let hex = try await plan.digests.digests(for: object, partSize: max(1, object.size)).whole
        return ([UInt8](hex: hex) ?? []).base64String
    }

    public func upload(_ object: SyntheticObject) async -> (TrialOutcome, StoredObject?) {
        let clock = TrialClock()
        let blob = plan.objectIdPrefix + UUID().uuidString.lowercased()
        let blocks = ObjectPart.layout(objectSize: object.size, partSize: plan.blockSize)
        var ledger: [Int64] = []
        func outcome(_ error: Error?, parts: Int? = nil) -> TrialOutcome {
            clock.outcome(key: blob, objectSize: object.size, partSize: plan.blockSize, parts: parts ?? blocks.count, error: error)
        }
        do {
            let md5 = try await contentMD5(object)
            ledger = try await plan.journal.willCreate([.object(plan.container, blob)])
            let credential = try await clock.phase(.initiate) {
                // Score refuses to overwrite: blob.exists() with the account key first.
                if try await plan.retried(clock, { try await plan.server.blobExists(container: plan.container, blob: blob) }) {
                    throw TransferFailure(.clientError, "blob \(blob) already exists")
                }
                return plan.sas(plan.uploadPolicy, blob: blob)
            }
            if object.size <= AzureDataPath.singlePutThreshold {
                // Small enough for the SDK's single Put Blob, with the object's MD5.
                try await clock.phase(.parts) {
                    try await plan.retried(clock) {
                        try await plan.client.putBlob(container: plan.container, blob: blob, body: object.body(offset: 0, length: object.size),
                                                      contentMD5: md5, credential: credential)
                    }
                }
                return (outcome(nil, parts: 1), StoredObject(object: object, key: blob, objectId: blob, partSize: object.size, ledger: ledger))
            }
            try await clock.phase(.parts) {
                try await inParallel(blocks, width: plan.parallel) { block in
                    try await plan.retried(clock) {
                        try await plan.client.putBlock(container: plan.container, blob: blob, blockId: AzureBlockId.make(block.number),
                                                       body: object.body(offset: block.offset, length: block.size),
                                                       credential: credential, number: block.number)
                    }
                }
            }
            try await clock.phase(.finalize) {
                try await plan.retried(clock) {
                    try await plan.client.putBlockList(container: plan.container, blob: blob, blockIds: blocks.map { AzureBlockId.make($0.number) },
                                                       contentMD5: md5, credential: credential)
                }
            }
            return (outcome(nil), StoredObject(object: object, key: blob, objectId: blob, partSize: plan.blockSize, ledger: ledger))
        } catch {
            if !ledger.isEmpty { await abandon(blob, ledger: ledger) }
            return (outcome(error), nil)
        }
    }

    public func download(_ stored: StoredObject) async -> TrialOutcome {
        let clock = TrialClock()
        let spans = ObjectPart.layout(objectSize: stored.object.size, partSize: plan.rangeSize)
        func outcome(_ error: Error?) -> TrialOutcome {
            clock.outcome(key: stored.key, objectSize: stored.object.size, partSize: plan.rangeSize, parts: spans.count, error: error)
        }
        do {
            let expected = try await contentMD5(stored.object)
            let credential = try await clock.phase(.initiate) {
                let properties = try await plan.retried(clock) { try await plan.server.blobProperties(container: plan.container, blob: stored.key) }
                guard properties.size == stored.object.size else {
                    throw TransferFailure(.verifyMismatch, "blob \(stored.key) is \(properties.size) bytes, expected \(stored.object.size)")
                }
                guard properties.contentMD5 == expected else {
                    throw TransferFailure(.verifyMismatch, "blob \(stored.key) has Content-MD5 \(properties.contentMD5 ?? "none"), expected \(expected)")
                }
                return plan.sas(plan.downloadPolicy, blob: stored.key)
            }
            try await clock.phase(.parts) {
                try await inParallel(spans, width: plan.parallel) { span in
                    try await plan.retried(clock) {
                        try await fetchVerified(stored.object, span) { sink in
                            try await plan.client.getBlob(container: plan.container, blob: stored.key,
                                                          range: span.byteRange, sink: sink,
                                                          credential: credential, number: span.number)
                        }
                    }
                }
            }
            return outcome(nil)
        } catch {
            return outcome(error)
        }
    }

    public func remove(_ stored: StoredObject) async throws {
        try await AttemptContext.phase(.cleanup) {
            try await plan.retry.run { try await plan.server.removeBlobCompletely(container: plan.container, blob: stored.key) }
        }
        try await plan.journal.removed(stored.ledger)
    }

    /// Removes a blob a failed upload left (its staged blocks included), outside the trial's
    /// cancellation; what cannot be removed stays in the ledger for `scoretune clean`.
    private func abandon(_ blob: String, ledger: [Int64]) async {
        guard !Task.isCancelled else { return }  // the run's clean-up takes the whole ledger
        let plan = self.plan
        await Task {
            do {
                try await AttemptContext.phase(.cleanup) {
                    _ = try await plan.retry.run { try await plan.server.removeBlobCompletely(container: plan.container, blob: blob) }
                }
                try await plan.journal.removed(ledger)
            } catch {}
        }.value
    }
}
