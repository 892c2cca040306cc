import Foundation
import GRDB
import Model

/// The SQLite file a run writes (WAL mode while a run writes it, so `sqlite3` can read it as the
/// run goes on; a finished worker's or merged database is left in rollback-journal mode, one
/// self-contained file).
/// Created-object rows are written at once, before the request they guard; attempts and trials are
/// buffered and written in batches by `BatchWriter`, off the transfer path.
public final class ResultsDatabase: Sendable {
    public let path: String
    /// A pool (WAL: readers beside the writer) for commands that write; one connection for
    /// commands that only read, which leaves the file's journal mode as it is.
    let pool: any DatabaseWriter

    /// The database cannot be used: one line, naming the file and what is wrong.
    public struct OpenError: Error, CustomStringConvertible {
        public var description: String

        /// SQLite's own words without GRDB's decoration.
        static func brief(_ error: Error) -> String {
            (error as? DatabaseError)?.message ?? "\(error)"
        }
    }

    public enum Access: Sendable {
        /// Runs and clean-ups: creates the file if needed and brings its schema up to date.
        case readWrite
        /// Listings, reports, recommendations: never writes, so a read-only file can be read.
        /// (A writable file is still brought up to date, as any command would.)
        case read
    }

    public init(path: String, access: Access = .readWrite) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if access == .readWrite, !FileManager.default.fileExists(atPath: folder) {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw OpenError(description: "\(path): its folder cannot be created (\(OpenError.brief(error)))")
            }
        }
        // Inspected, opened and migrated under the folder's lock: a second process creating the
        // same new file waits, then finds it whole.
        pool = try FolderLock.around(folder: folder, path: path) { try Self.open(path: path, access: access) }
    }

    /// Inspects the file, opens it as `access` asks, and brings a writable one's schema up to date.
    private static func open(path: String, access: Access) throws -> any DatabaseWriter {
        let state = try DatabaseFile.inspect(path)
        let writable: Bool
        switch state {
        case .absent:
            guard access == .readWrite else { throw OpenError(description: "\(path): no such results database (run a scenario first, or pass --db)") }
            writable = true
        case .ours:
            writable = DatabaseFile.isWritable(path)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        if !writable {
            guard access == .read else {
                throw OpenError(description: "\(path): is read-only, and this command writes to it (copy it somewhere writable, or give another --db)")
            }
            if case .ours(current: false) = state {
                throw OpenError(description: "\(path): is read-only and from an older scoretune, whose schema this one would have to update; copy it somewhere writable")
            }
            configuration.readonly = true
        }
        do {
            let pool: any DatabaseWriter = access == .read ? try DatabaseQueue(path: path, configuration: configuration)
                                                           : try DatabasePool(path: path, configuration: configuration)
            if writable { try Schema.migrator.migrate(pool) }
            return pool
        } catch {
            throw OpenError(description: "\(path): cannot open the results database (\(OpenError.brief(error)))")
        }
    }

    /// Closes the file now rather than when the last reference goes: a run's caller reads the
    /// database back at once, and a pool still closing (its WAL checkpoint) would lock it out.
    public func close() throws {
        try pool.close()
    }

    /// Makes a closed database one self-contained file: everything its write-ahead log holds is
    /// moved into the file, and the file goes back to rollback-journal mode, so that a copy of the
    /// file alone (an uploaded worker database, a merged run carried off a cluster) is the whole
    /// database. Needs the only connection: call it after `close()`.
    public static func makeSelfContained(path: String) throws {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.writeWithoutTransaction { db in
                _ = try db.checkpoint(.truncate)
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
                guard mode?.lowercased() == "delete" else {
                    throw OpenError(description: "\(path): still in \(mode ?? "an unknown") journal mode (another process holds it open?)")
                }
            }
        } catch let error as OpenError {
            throw error
        } catch {
            throw OpenError(description: "\(path): cannot be made one self-contained file (\(OpenError.brief(error)))")
        }
    }

    // MARK: runs and cells

    public func insertRun(_ run: RunRow) async throws -> Int64 {
        try await pool.write { db in
            var run = run
            try run.insert(db)
            return run.id
        }
    }

    public func setRunStatus(_ runId: Int64, _ status: RunStatus, finished: Bool) async throws {
        try await pool.write { db in
            _ = try RunRow.filter(key: runId).updateAll(db, [Column("status").set(to: status),
                                                         Column("finished_at").set(to: finished ? Date().timeIntervalSince1970 : nil)])
        }
    }

    public func run(_ runId: Int64) async throws -> RunRow? {
        try await pool.read { db in try RunRow.fetchOne(db, key: runId) }
    }

    public func runs() async throws -> [RunRow] {
        try await pool.read { db in try RunRow.order(Column("id")).fetchAll(db) }
    }

    public func latestRunId() async throws -> Int64? {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM runs") }
    }

    public func insertCells(_ cells: [CellRow]) async throws -> [CellRow] {
        try await pool.write { db in
            try cells.map { cell in
                var stored = cell
                try stored.insert(db)
                return stored
            }
        }
    }

    public func cells(run runId: Int64) async throws -> [CellRow] {
        try await pool.read { db in try Self.cells(db, runId) }
    }

    /// Marks a cell running (its start time is its first visit's), done or interrupted.
    public func setCellStatus(_ cellId: Int64, _ status: CellStatus) async throws {
        let now = Date().timeIntervalSince1970
        try await pool.write { db in
            let cells = CellRow.filter(key: cellId)
            if status == .running {
                _ = try cells.filter(Column("status") != CellStatus.running).updateAll(db, [Column("started_at").set(to: now)])
                _ = try cells.updateAll(db, [Column("status").set(to: status)])
            } else {
                _ = try cells.updateAll(db, [Column("status").set(to: status), Column("finished_at").set(to: now)])
            }
        }
    }

    /// A visit of a cell is complete: its measured repetitions up to `roundsDone` are kept, and
    /// the cell is done when they are all there (one transaction: never done-but-not-marked).
    public func completeVisit(_ cellId: Int64, roundsDone: Int, cellDone: Bool) async throws {
        let now = Date().timeIntervalSince1970
        try await pool.write { db in
            var changes = [Column("rounds_done").set(to: roundsDone)]
            if cellDone { changes += [Column("status").set(to: CellStatus.done), Column("finished_at").set(to: now)] }
            _ = try CellRow.filter(key: cellId).updateAll(db, changes)
        }
    }

    /// A search's decision, in one transaction: its verdicts recorded, and cells it pruned or
    /// dropped marked so (a resumed search goes on from its last complete decision).
    public func recordSearchDecision(_ verdicts: [SearchVerdictRow]) async throws {
        let now = Date().timeIntervalSince1970
        try await pool.write { db in
            for verdict in verdicts {
                try verdict.insert(db)
                let status: CellStatus? = verdict.verdict == .pruned ? .pruned : verdict.verdict == .dropped ? .dropped : nil
                if let status {
                    _ = try CellRow.filter(key: verdict.cellId).updateAll(db, [Column("status").set(to: status), Column("finished_at").set(to: now)])
                }
            }
        }
    }

    /// A search's cells, inserted in one transaction with the verdicts of those pruned before any
    /// trial (`pruned`: the reason by knobs): an interrupt cannot leave a pruned cell live.
    public func insertSearchCells(_ cells: [CellRow], pruned: [Knobs: String]) async throws -> [CellRow] {
        let now = Date().timeIntervalSince1970
        return try await pool.write { db in
            try cells.map { cell in
                var stored = cell
                if pruned[cell.knobs] != nil { stored.status = .pruned }
                try stored.insert(db)
                if let reason = pruned[cell.knobs] {
                    try SearchVerdictRow(runId: stored.runId, cellId: stored.id, rung: 0, rounds: 0, verdict: .pruned, reason: reason,
                                         decidedAt: now).insert(db)
                }
                return stored
            }
        }
    }

    /// One worker's passage through a barrier.
    public func insertBarrier(_ barrier: BarrierRow) async throws {
        try await pool.write { db in try barrier.insert(db) }
    }

    public func barriers(run runId: Int64) async throws -> [BarrierRow] {
        try await pool.read { db in try Self.barriers(db, runId) }
    }

    public func searchVerdicts(run runId: Int64) async throws -> [SearchVerdictRow] {
        try await pool.read { db in try Self.searchVerdicts(db, runId) }
    }

    /// Trials the run has recorded (warm-ups included): what a search's trial budget counts.
    public func trialCount(run runId: Int64) async throws -> Int {
        try await pool.read { db in try TrialRow.filter(Column("run_id") == runId).fetchCount(db) }
    }

    /// Trials and attempts left by an unfinished visit of a cell (repetitions from `repetition`
    /// on): dropped before it is rerun. Its complete rounds stay.
    public func discardResults(cell cellId: Int64, fromRepetition repetition: Int = 0) async throws {
        try await pool.write { db in
            let trials = TrialRow.filter(Column("cell_id") == cellId && Column("repetition") >= repetition)
            _ = try AttemptRow.filter(trials.select(Column("id")).contains(Column("trial_id"))).deleteAll(db)
            // Attempts outside any trial (a cell's set-up) belong to the visit being redone too.
            if repetition == 0 { _ = try AttemptRow.filter(Column("cell_id") == cellId).deleteAll(db) }
            _ = try trials.deleteAll(db)
        }
    }

    /// The run's latest session: 1 for a run's first go, +1 for each resume (0 before any trial).
    public func lastSession(run runId: Int64) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT max(session) FROM trials WHERE run_id = ?", arguments: [runId]) ?? 0
        }
    }

    public func nextTrialId() async throws -> Int64 {
        try await pool.read { db in (try Int64.fetchOne(db, sql: "SELECT max(id) FROM trials") ?? 0) + 1 }
    }

    // MARK: what the run created

    /// Records an intent to create, in one transaction, before the request: returns the row ids.
    public func recordCreated(_ rows: [CreatedRow]) async throws -> [Int64] {
        try await pool.write { db in
            try rows.map { row in
                var row = row
                try row.insert(db)
                return row.id
            }
        }
    }

    public func setUploadId(_ createdId: Int64, _ uploadId: String) async throws {
        try await pool.write { db in
            _ = try CreatedRow.filter(key: createdId).updateAll(db, Column("upload_id").set(to: uploadId))
        }
    }

    public func markRemoved(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        let now = Date().timeIntervalSince1970
        try await pool.write { db in
            _ = try CreatedRow.filter(keys: ids).updateAll(db, Column("removed_at").set(to: now))
        }
    }

    /// Everything not yet removed, for one run or all of them.
    public func openCreated(run runId: Int64?) async throws -> [CreatedRow] {
        try await pool.read { db in
            var open = CreatedRow.filter(Column("removed_at") == nil)
            if let runId { open = open.filter(Column("run_id") == runId) }
            return try open.order(Column("id")).fetchAll(db)
        }
    }

    // MARK: trials, attempts, faults

    public func trials(run runId: Int64) async throws -> [TrialRow] {
        try await pool.read { db in try Self.trials(db, runId) }
    }

    public func attempts(run runId: Int64) async throws -> [AttemptRow] {
        try await pool.read { db in try Self.attempts(db, runId) }
    }

    public func faults(run runId: Int64) async throws -> [FaultRow] {
        try await pool.read { db in try Self.faults(db, runId) }
    }

    /// Written by `BatchWriter`, in one transaction per batch.
    func insert(trials: [TrialRow], attempts: [AttemptRow], faults: [FaultRow] = []) async throws {
        guard !trials.isEmpty || !attempts.isEmpty || !faults.isEmpty else { return }
        try await pool.write { db in
            for fault in faults { try fault.insert(db) }
            for attempt in attempts { try attempt.insert(db) }
            for trial in trials { try trial.insert(db) }
        }
    }

    // MARK: digests

    /// MD5s (hex) by part number for one object and part layout; part 0 is the whole object.
    public func digests(seed: UInt64, objectIndex: Int, objectSize: Int64, partSize: Int64) async throws -> [Int: String] {
        try await pool.read { db in
            var found: [Int: String] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT part_number, md5 FROM digests WHERE seed = ? AND object_index = ? AND object_size = ? AND part_size = ?
                """, arguments: [Int64(bitPattern: seed), objectIndex, objectSize, partSize])
            for row in rows { found[row["part_number"]] = row["md5"] }
            return found
        }
    }

    public func storeDigests(seed: UInt64, objectIndex: Int, objectSize: Int64, partSize: Int64, md5s: [Int: String]) async throws {
        try await pool.write { db in
            for (part, md5) in md5s {
                try db.execute(sql: "INSERT OR REPLACE INTO digests VALUES (?,?,?,?,?,?)",
                               arguments: [Int64(bitPattern: seed), objectIndex, objectSize, partSize, part, md5])
            }
        }
    }
}
