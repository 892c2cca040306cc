import Model
import Foundation
import ObjectStore
import Results
import Workload

/// Connects the workload to the results database for one run: every HTTP attempt becomes an
/// `attempts` row (batched), every creation a `created` row (written at once, before the request),
/// digests are cached in `digests`.
/// Sendable: its one mutable field (the next trial id) is guarded by `lock`; the rest is immutable.
final class RunRecorder: AttemptObserver, TransferJournal, DigestStore, @unchecked Sendable {
    let database: ResultsDatabase
    let writer: BatchWriter
    let runId: Int64
    /// Told the bytes of every part moved, so the live line moves within a cell.
    let progress: RunProgress?
    private let lock = NSLock()
    private var nextTrial: Int64

    init(database: ResultsDatabase, runId: Int64, firstTrialId: Int64, progress: RunProgress? = nil) {
        self.database = database
        writer = BatchWriter(database: database)
        self.runId = runId
        self.progress = progress
        nextTrial = firstTrialId
    }

    func newTrialId() -> Int64 {
        lock.withLock {
            defer { nextTrial += 1 }
            return nextTrial
        }
    }

    // MARK: AttemptObserver (called on the sending task: a lock and an append)

    func record(_ attempt: AttemptRecord) {
        let context = AttemptContext.current
        let m = attempt.metrics
        let answered = attempt.notFoundIsAnswer && m.status == 404
        let errorClass = attempt.transportError.map { ErrorClass.of($0) } ?? (answered ? nil : ErrorClass.of(status: m.status))
        if errorClass == nil, attempt.operation.isPartTransfer { progress?.moved(bytes: m.bytesSent + m.bytesReceived) }
        writer.add(AttemptRow(runId: runId, cellId: context.cellId, trialId: context.trialId, phase: context.phase,
                              operation: attempt.operation, method: attempt.method, bucket: attempt.bucket, key: attempt.key,
                              partNumber: attempt.partNumber, attempt: context.attempt, status: m.status, errorClass: errorClass,
                              bytesSent: m.bytesSent, bytesReceived: m.bytesReceived, dns: m.dnsTime, connect: m.connectTime,
                              tls: m.tlsTime, sent: m.sentTime, firstByte: m.firstByteTime, total: m.totalTime, silence: m.longestSilence, reused: m.reusedConnection,
                              startedAt: m.startedAt))
    }

    // MARK: TransferJournal

    func willCreate(_ items: [Creation]) async throws -> [Int64] {
        let cellId = AttemptContext.current.cellId
        return try await database.recordCreated(items.map {
            CreatedRow(runId: runId, cellId: cellId, kind: $0.kind, bucket: $0.bucket, key: $0.key)
        })
    }

    func uploadIdKnown(_ id: Int64, uploadId: String) async throws {
        try await database.setUploadId(id, uploadId)
    }

    func removed(_ ids: [Int64]) async throws {
        try await database.markRemoved(ids)
    }

    // MARK: DigestStore

    func digests(seed: UInt64, objectIndex: Int, objectSize: Int64, partSize: Int64) async throws -> [Int: String] {
        try await database.digests(seed: seed, objectIndex: objectIndex, objectSize: objectSize, partSize: partSize)
    }

    func storeDigests(seed: UInt64, objectIndex: Int, objectSize: Int64, partSize: Int64, md5s: [Int: String]) async throws {
        try await database.storeDigests(seed: seed, objectIndex: objectIndex, objectSize: objectSize, partSize: partSize, md5s: md5s)
    }
}
