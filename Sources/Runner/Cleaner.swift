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

    public init(database: ResultsDatabase, remover: CreationRemover) {
        self.database = database
        self.remover = remover
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
        let order: [CreatedRow.Kind: Int] = [.upload: 0, .prefix: 1, .object: 2]
        let retry = RetryPolicy(limit: 3, baseMilliseconds: 100, maxMilliseconds: 1_000)
        var removed: [Int64] = []
        for row in open.sorted(by: { (order[$0.kind]!, $0.id) < (order[$1.kind]!, $1.id) }) {
            let item = Creation(kind: Creation.Kind(rawValue: row.kind.rawValue)!, bucket: row.bucket, key: row.key)
            do {
                try await AttemptContext.phase("cleanup") {
                    try await retry.run { try await remover.remove(item, uploadId: row.uploadId) }
                }
                removed.append(row.id)
            } catch {
                report.failures.append("\(row.kind.rawValue) \(row.bucket)/\(row.key): \(error)")
            }
        }
        try? await database.markRemoved(removed)
        report.removed = removed.count
        return report
    }
}
