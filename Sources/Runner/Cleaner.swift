import Model
import Foundation
import ObjectStore
import Results
import Workload

/// Removes exactly what the database says a run created and has not removed yet, and nothing
/// else: objects by key, uploads by id (or by key when the id was never learned), and the keys
/// under a run-unique prefix.
public struct Cleaner: Sendable {
    let database: ResultsDatabase
    let remover: CreationRemover

    /// The store is known not to answer (the run ended for it): its first item gets one try, not
    /// two, before the rest is left listed.
    let storeSilent: Bool

    public init(database: ResultsDatabase, remover: CreationRemover, storeSilent: Bool = false) {
        self.database = database
        self.remover = remover
        self.storeSilent = storeSilent
    }

    public struct Report: Sendable {
        public var removed = 0
        public var failures: [String] = []
    }

    /// One run, or every run in the database when `run` is nil.
    public func clean(run: Int64?) async -> Report {
        var report = Report()
        let open: [CreatedRow]
        do { open = try await database.openCreated(run: run) } catch {
            report.failures.append("cannot read the ledger: \(error)")
            return report
        }
        // Uploads first (aborting frees their parts), then prefixes and objects.
        let order: [CreationKind: Int] = [.upload: 0, .prefix: 1, .object: 2]
        let retry = RetryPolicy(limit: 3, baseMilliseconds: 100, maxMilliseconds: 1_000)
        var removed: [Int64] = []
        var gaveNoAnswer = false
        for row in open.sorted(by: { (order[$0.kind]!, $0.id) < (order[$1.kind]!, $1.id) }) {
            // A store that gave no answer at all (frozen, gone) is not asked again for every item:
            // what is left stays in the ledger for `scoretune clean`.
            guard !gaveNoAnswer else {
                report.failures.append("\(row.kind.rawValue) \(row.bucket)/\(row.key): not tried, the store did not answer")
                continue
            }
            let item = Creation(kind: row.kind, bucket: row.bucket, key: row.key)
            do {
                try await AttemptContext.phase(.cleanup) {
                    try await Cleaner.removeRetrying(item, uploadId: row.uploadId, remover: remover, retry: retry,
                                                     unansweredTries: self.storeSilent ? 1 : 2)
                }
                removed.append(row.id)
            } catch {
                report.failures.append("\(row.kind.rawValue) \(row.bucket)/\(row.key): \(error)")
                gaveNoAnswer = ErrorClass.of(error).isUnanswered
            }
        }
        try? await database.markRemoved(removed)
        report.removed = removed.count
        return report
    }

    /// Up to the policy's retries for a store that answers (a 503, a reset), but only one more
    /// try for a store that does not answer at all: each such try waits out the whole limit.
    static func removeRetrying(_ item: Creation, uploadId: String?, remover: CreationRemover, retry: RetryPolicy,
                               unansweredTries: Int = 2) async throws {
        var attempt = 1, unanswered = 0
        while true {
            var context = AttemptContext.current
            context.attempt = attempt
            do {
                try await AttemptContext.$current.withValue(context) { try await remover.remove(item, uploadId: uploadId) }
                return
            } catch {
                let kind = ErrorClass.of(error)
                if kind.isUnanswered { unanswered += 1 }
                guard kind.retryable, attempt <= retry.limit, unanswered < unansweredTries else { throw error }
                try await Task.sleep(for: .milliseconds(retry.delay(beforeRetry: attempt)))
                attempt += 1
            }
        }
    }
}
