import Foundation
import GRDB
import Model

/// Joins the databases of a distributed run's workers into one run of another database: the
/// workers' cells become one set of cells (matched by position: every worker inserted the same
/// grid in the same seeded order), and every trial, attempt, fault and barrier passage is copied
/// with the rank that recorded it. Rows are copied inside SQLite (`ATTACH` and `INSERT … SELECT`),
/// so memory stays flat however many attempts the workers recorded.
public enum WorkerMerge {
    /// Why a set of databases does not make one distributed run: one line naming the file or rank.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// One worker's database, as checked before anything is written.
    public struct Shard: Sendable {
        public var path: String
        public var run: RunRow
        public var rank: Int { run.workerRank ?? 0 }
        /// What its run created and did not remove (worth a `clean` before the merge removes nothing).
        public var leftInStore: Int
        /// Its cells' knobs by position: every worker must have run the same grid.
        var cells: [Knobs]
    }

    /// Reads and checks the databases: each holds one worker's run, all of one tag, one worker
    /// count and one scenario text, and every rank 0 ..< N is there once.
    public static func shards(_ paths: [String]) async throws -> [Shard] {
        guard !paths.isEmpty else { throw Refusal("merge: name the workers' databases (e.g. results/worker-*.sqlite)") }
        var shards: [Shard] = []
        for path in paths {
            let database: ResultsDatabase
            do { database = try ResultsDatabase(path: path, access: .read) } catch let error as ResultsDatabase.OpenError {
                throw Refusal(error.description)
            }
            defer { try? database.close() }
            let runs = try await database.runs()
            guard runs.count == 1, let run = runs.first, run.workerRank != nil, run.workers != nil, run.tag != nil else {
                throw Refusal("\(path): is not a worker's database (it should hold one run made with --worker K/N; it holds \(runs.count) run(s)\(runs.contains { $0.workerRank == nil } ? " of a single machine or a merge" : ""))")
            }
            let open = try await database.openCreated(run: run.id).count
            let cells = try await database.cells(run: run.id).sorted { $0.position < $1.position }.map(\.knobs)
            shards.append(Shard(path: path, run: run, leftInStore: open, cells: cells))
        }
        let first = shards[0]
        for shard in shards.dropFirst() {
            if shard.run.tag != first.run.tag {
                throw Refusal("\(shard.path): is of tag \(shard.run.tag ?? ""), \(first.path) of tag \(first.run.tag ?? ""): give the databases of one distributed run")
            }
            if shard.run.scenarioText != first.run.scenarioText {
                throw Refusal("\(shard.path): ran another scenario than \(first.path) (\(shard.run.scenarioName) and \(first.run.scenarioName), texts differ)")
            }
            if shard.run.workers != first.run.workers {
                throw Refusal("\(shard.path): is one of \(shard.run.workers ?? 0) workers, \(first.path) one of \(first.run.workers ?? 0)")
            }
            if shard.run.configHash != first.run.configHash {
                throw Refusal("\(shard.path): ran against another store or buckets than \(first.path)")
            }
            if shard.run.toolVersion != first.run.toolVersion {
                throw Refusal("\(shard.path): was written by scoretune \(shard.run.toolVersion), \(first.path) by \(first.run.toolVersion)")
            }
            // The grid takes knobs the scenario leaves out from each worker's .env.score.
            if shard.cells != first.cells {
                let position = Array(zip(shard.cells, first.cells)).firstIndex { $0 != $1 } ?? min(shard.cells.count, first.cells.count)
                throw Refusal("\(shard.path): its cells differ from \(first.path)'s at position \(position) (were their .env.score files the same?)")
            }
        }
        let count = first.run.workers ?? 0
        var byRank: [Int: String] = [:]
        for shard in shards {
            if let twin = byRank[shard.rank] { throw Refusal("\(shard.path) and \(twin): both are worker \(shard.rank)") }
            byRank[shard.rank] = shard.path
        }
        let missing = (0..<count).filter { byRank[$0] == nil }
        if !missing.isEmpty {
            throw Refusal("worker\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) of \(count) (tag \(first.run.tag ?? "")) "
                          + "missing: no database for \(missing.count == 1 ? "that rank" : "those ranks")")
        }
        return shards.sorted { $0.rank < $1.rank }
    }

    /// Writes the merged run into `database`; returns its id.
    public static func merge(_ shards: [Shard], into database: ResultsDatabase) async throws -> Int64 {
        let first = shards[0].run
        var run = first.withoutId
        run.workerRank = nil
        run.startedAt = shards.map(\.run.startedAt).min() ?? first.startedAt
        let finishedAt = shards.compactMap(\.run.finishedAt).max()
        let status = shards.map(\.run.status).max { severity($0) < severity($1) } ?? first.status
        // Running (and so never digested by a reader) until its rows and digests are all in: the
        // final status is set in the transaction that stores the digests.
        (run.status, run.finishedAt) = (.running, nil)
        let hosts = Array(Set(shards.map(\.run.host))).sorted()
        run.host = "\(shards.count) workers on " + hosts.prefix(8).joined(separator: ", ") + (hosts.count > 8 ? ", …" : "")
        run.scenarioPath = first.scenarioPath
        let runId = try await database.insertRun(run)
        do {
            // Ctrl-C interrupts the statement copying rows (SQLite's interrupt), or stops the copy
            // between two statements: the rows copied so far go below.
            let stop = StopFlag()
            try await withTaskCancellationHandler {
                try Task.checkCancellation()
                try await copyAll(shards, into: runId, database: database, status: status, finishedAt: finishedAt, stop: stop)
            } onCancel: {
                stop.set()
                database.pool.interrupt()
            }
        } catch {
            // A merge that failed part-way, or was interrupted, leaves no half run behind (in a
            // task of its own: the interrupted one's database calls would be cancelled too).
            try? await Task {
                try await database.pool.write { db in
                    for table in ["run_digests", "request_digests", "barriers", "faults", "attempts", "trials", "cells", "runs"] {
                        try db.execute(sql: "DELETE FROM \(table) WHERE \(table == "runs" ? "id" : "run_id") = ?", arguments: [runId])
                    }
                }
            }.value
            throw error
        }
        return runId
    }

    /// Set from a cancellation handler, read on the database's queue (where the task's own
    /// cancellation cannot be seen).
    final class StopFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false     // guarded by lock
        func set() { lock.withLock { stopped = true } }
        var isSet: Bool { lock.withLock { stopped } }
    }

    static func copyAll(_ shards: [Shard], into runId: Int64, database: ResultsDatabase, status: RunStatus, finishedAt: Double?,
                        stop: StopFlag = StopFlag()) async throws {
        try await database.pool.writeWithoutTransaction { db in
            for shard in shards {
                if stop.isSet { throw CancellationError() }
                try db.execute(sql: "ATTACH DATABASE ? AS shard", arguments: [shard.path])
                do {
                    try db.inTransaction {
                        try copy(db, shard: shard, into: runId, cellsToo: shard.rank == shards[0].rank)
                        return .commit
                    }
                } catch {
                    try? db.execute(sql: "DETACH DATABASE shard")
                    throw error
                }
                try db.execute(sql: "DETACH DATABASE shard")
            }
            if stop.isSet { throw CancellationError() }
            try db.inTransaction {
                try alignBarriers(db, runId: runId)
                _ = try RunRow.filter(key: runId).updateAll(db, [Column("status").set(to: status), Column("finished_at").set(to: finishedAt)])
                try mergeDigests(db, shards, into: runId)
                return .commit
            }
        }
    }

    /// The merged run's request digests: each worker's, its cells matched by position, summed
    /// (digests add). A worker whose digests are missing or stale (an older scoretune's, a run that
    /// ended without them) is digested here, in one pass over its attempts.
    static func mergeDigests(_ db: Database, _ shards: [Shard], into runId: Int64) throws {
        let merged = try Dictionary(Row.fetchAll(db, sql: "SELECT position, id FROM main.cells WHERE run_id = ?", arguments: [runId])
            .map { ($0["position"] as Int, $0["id"] as Int64) }, uniquingKeysWith: { a, _ in a })
        var digests = RequestDigests()
        for shard in shards {
            let queue = try DatabaseQueue(path: shard.path, configuration: {
                var configuration = Configuration()
                configuration.readonly = true
                return configuration
            }())
            defer { try? queue.close() }
            let (own, positions) = try queue.read { shardDb in
                let positions = try Dictionary(Row.fetchAll(shardDb, sql: "SELECT id, position FROM cells WHERE run_id = ?", arguments: [shard.run.id])
                    .map { ($0["id"] as Int64, $0["position"] as Int) }, uniquingKeysWith: { a, _ in a })
                return (try ResultsDatabase.requestDigests(shardDb, run: shard.run).digests, positions)
            }
            for (group, digest) in own.groups {
                var group = group
                if let cellId = group.cellId {
                    // Every worker ran the same grid (checked): a cell without its twin is a damaged file.
                    guard let twin = positions[cellId].flatMap({ merged[$0] }) else {
                        throw Refusal("\(shard.path): its requests name cell \(cellId), which matches no cell of the merged run")
                    }
                    group.cellId = twin
                }
                digests.groups[group, default: RequestDigest()].merge(digest)
            }
        }
        guard let run = try RunRow.fetchOne(db, key: runId) else { return }
        try ResultsDatabase.storeDigests(db, digests, run: run)
    }

    /// failed > running (its worker died) > interrupted > budget-exhausted > completed: the merged
    /// run is as bad as its worst worker.
    static func severity(_ status: RunStatus) -> Int {
        switch status {
        case .completed: return 0
        case .budgetExhausted: return 1
        case .interrupted: return 2
        case .running: return 3
        case .failed: return 4
        }
    }

    /// A table's columns in the merged database, in order.
    static func columns(_ db: Database, _ table: String) throws -> [String] {
        try Row.fetchAll(db, sql: "PRAGMA main.table_info(\(table))").map { $0["name"] }
    }

    /// `INSERT INTO main.T (cols) SELECT <expr per col> FROM shard.T alias <joins>`: each column
    /// copied as is unless `replace` gives its expression.
    static func copyRows(_ db: Database, table: String, alias: String, joins: String = "", skip: Set<String> = [],
                         replace: [String: String], arguments: StatementArguments) throws {
        let names = try columns(db, table).filter { !skip.contains($0) }
        let values = names.map { replace[$0] ?? "\(alias).\($0)" }
        try db.execute(sql: "INSERT INTO main.\(table) (\(names.joined(separator: ", "))) SELECT \(values.joined(separator: ", ")) FROM shard.\(table) \(alias) \(joins)",
                       arguments: arguments)
    }

    static func copy(_ db: Database, shard: Shard, into runId: Int64, cellsToo: Bool) throws {
        let shardRun = shard.run.id
        if cellsToo {
            try copyRows(db, table: "cells", alias: "c", joins: "WHERE c.run_id = :shardRun", skip: ["id"],
                         replace: ["run_id": ":run"], arguments: ["run": runId, "shardRun": shardRun])
        }
        // A cell is as far as its least complete worker got.
        try db.execute(sql: """
            UPDATE main.cells SET status = (SELECT sc.status FROM shard.cells sc WHERE sc.run_id = :shardRun AND sc.position = main.cells.position),
                                  rounds_done = min(rounds_done, (SELECT sc.rounds_done FROM shard.cells sc WHERE sc.run_id = :shardRun AND sc.position = main.cells.position))
            WHERE run_id = :run AND status = 'done'
              AND (SELECT sc.status FROM shard.cells sc WHERE sc.run_id = :shardRun AND sc.position = main.cells.position) != 'done'
            """, arguments: ["run": runId, "shardRun": shardRun])
        // Each shard's trial ids (assigned by its runner from 1) move past every id already merged.
        let offset = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM main.trials") ?? 0
        func cellJoin(_ alias: String, _ join: String = "JOIN") -> String {
            "\(join) shard.cells sc ON sc.id = \(alias).cell_id \(join) main.cells mc ON mc.run_id = :run AND mc.position = sc.position WHERE \(alias).run_id = :shardRun"
        }
        let runs: StatementArguments = ["run": runId, "shardRun": shardRun]
        let renumbered = runs + ["offset": offset, "worker": shard.rank]
        try copyRows(db, table: "trials", alias: "t", joins: cellJoin("t"),
                     replace: ["id": "t.id + :offset", "run_id": ":run", "cell_id": "mc.id", "worker": ":worker"], arguments: renumbered)
        // Attempts outside any cell (none today) keep a NULL cell.
        try copyRows(db, table: "attempts", alias: "a", joins: cellJoin("a", "LEFT JOIN"), skip: ["id"],
                     replace: ["run_id": ":run", "cell_id": "mc.id", "trial_id": "CASE WHEN a.trial_id IS NULL THEN NULL ELSE a.trial_id + :offset END",
                               "worker": ":worker"], arguments: renumbered)
        try copyRows(db, table: "faults", alias: "f", joins: cellJoin("f"), skip: ["id"], replace: ["run_id": ":run", "cell_id": "mc.id"], arguments: runs)
        try copyRows(db, table: "barriers", alias: "b", joins: cellJoin("b", "LEFT JOIN"), skip: ["id"],
                     replace: ["run_id": ":run", "cell_id": "mc.id"], arguments: runs)
    }

    /// Every barrier releases all workers at one instant (within the poll interval): each
    /// worker's release minus the median release is its clock's offset there (plus poll delay).
    static func alignBarriers(_ db: Database, runId: Int64) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT id, name, released_at FROM barriers WHERE run_id = ?", arguments: [runId])
        for group in Dictionary(grouping: rows, by: { $0["name"] as String }).values {
            let times: [Double] = group.map { $0["released_at"] }
            guard let median = Percentile.median(times) else { continue }
            for row in group {
                try db.execute(sql: "UPDATE barriers SET offset_s = ? WHERE id = ?", arguments: [(row["released_at"] as Double) - median, row["id"] as Int64])
            }
        }
    }
}
