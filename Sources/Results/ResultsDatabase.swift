import Foundation
import GRDB

/// The SQLite file a run writes (WAL mode, so `sqlite3` can read it while a run goes on).
/// Created-object rows are written at once, before the request they guard; attempts and trials are
/// buffered and written in batches by `BatchWriter`, off the transfer path.
public final class ResultsDatabase: Sendable {
    public let path: String
    let pool: DatabasePool

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
        let state = try DatabaseFile.inspect(path)
        let writable: Bool
        switch state {
        case .absent:
            guard access == .readWrite else { throw OpenError(description: "\(path): no such results database (run a scenario first, or pass --db)") }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw OpenError(description: "\(path): its folder cannot be created (\(OpenError.brief(error)))")
            }
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
            pool = try DatabasePool(path: path, configuration: configuration)
            if writable { try Schema.migrator.migrate(pool) }
        } catch {
            throw OpenError(description: "\(path): cannot open the results database (\(OpenError.brief(error)))")
        }
    }

    // MARK: runs and cells

    public func insertRun(_ run: RunRow) async throws -> Int64 {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO runs (scenario_name, scenario_path, scenario_text, env_path, mode, tool_version, host,
                  backend_endpoint, backend_server, config_hash, order_seed, started_at, status)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
                """, arguments: [run.scenarioName, run.scenarioPath, run.scenarioText, run.envPath, run.mode, run.toolVersion,
                                 run.host, run.backendEndpoint, run.backendServer, run.configHash, run.orderSeed,
                                 run.startedAt, run.status])
            return db.lastInsertedRowID
        }
    }

    public func setRunStatus(_ runId: Int64, _ status: String, finished: Bool) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?",
                           arguments: [status, finished ? Date().timeIntervalSince1970 : nil, runId])
        }
    }

    public func run(_ runId: Int64) async throws -> RunRow? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [runId]).map(Self.runRow)
        }
    }

    public func latestRunId() async throws -> Int64? {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM runs") }
    }

    public func insertCells(_ cells: [CellRow]) async throws -> [CellRow] {
        try await pool.write { db in
            try cells.map { cell in
                try db.execute(sql: """
                    INSERT INTO cells (run_id, position, upload_part_size, download_part_size, retry_limit,
                      connect_timeout_ms, stall_timeout_ms, parallel, clients, network, block_size, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
                    """, arguments: [cell.runId, cell.position, cell.uploadPartSize, cell.downloadPartSize, cell.retryLimit,
                                     cell.connectTimeoutMs, cell.stallTimeoutMs, cell.parallel, cell.clients, cell.network,
                                     cell.blockSize, cell.status])
                var stored = cell
                stored.id = db.lastInsertedRowID
                return stored
            }
        }
    }

    public func cells(run runId: Int64) async throws -> [CellRow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM cells WHERE run_id = ? ORDER BY position", arguments: [runId]).map { row in
                var cell = CellRow(runId: row["run_id"], position: row["position"], uploadPartSize: row["upload_part_size"],
                                   downloadPartSize: row["download_part_size"], retryLimit: row["retry_limit"],
                                   connectTimeoutMs: row["connect_timeout_ms"], stallTimeoutMs: row["stall_timeout_ms"],
                                   parallel: row["parallel"], clients: row["clients"], network: row["network"],
                                   blockSize: row["block_size"], status: row["status"])
                cell.id = row["id"]
                return cell
            }
        }
    }

    public func setCellStatus(_ cellId: Int64, _ status: String) async throws {
        let now = Date().timeIntervalSince1970
        try await pool.write { db in
            switch status {
            case "running":
                try db.execute(sql: "UPDATE cells SET status = ?, started_at = ? WHERE id = ?", arguments: [status, now, cellId])
            default:
                try db.execute(sql: "UPDATE cells SET status = ?, finished_at = ? WHERE id = ?", arguments: [status, now, cellId])
            }
        }
    }

    /// Trials and attempts left by an earlier, unfinished go at a cell: dropped before it is rerun.
    public func discardResults(cell cellId: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM attempts WHERE cell_id = ?", arguments: [cellId])
            try db.execute(sql: "DELETE FROM trials WHERE cell_id = ?", arguments: [cellId])
        }
    }

    public func nextTrialId() async throws -> Int64 {
        try await pool.read { db in (try Int64.fetchOne(db, sql: "SELECT max(id) FROM trials") ?? 0) + 1 }
    }

    // MARK: what the run created

    /// Records an intent to create, in one transaction, before the request: returns the row ids.
    public func recordCreated(_ rows: [CreatedRow]) async throws -> [Int64] {
        let now = Date().timeIntervalSince1970
        return try await pool.write { db in
            try rows.map { row in
                try db.execute(sql: "INSERT INTO created (run_id, cell_id, kind, bucket, key, upload_id, recorded_at) VALUES (?,?,?,?,?,?,?)",
                               arguments: [row.runId, row.cellId, row.kind.rawValue, row.bucket, row.key, row.uploadId, now])
                return db.lastInsertedRowID
            }
        }
    }

    public func setUploadId(_ createdId: Int64, _ uploadId: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE created SET upload_id = ? WHERE id = ?", arguments: [uploadId, createdId])
        }
    }

    public func markRemoved(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        let now = Date().timeIntervalSince1970
        try await pool.write { db in
            for id in ids { try db.execute(sql: "UPDATE created SET removed_at = ? WHERE id = ?", arguments: [now, id]) }
        }
    }

    /// Everything not yet removed, for one run or all of them.
    public func openCreated(run runId: Int64?) async throws -> [CreatedRow] {
        try await pool.read { db in
            let sql = "SELECT * FROM created WHERE removed_at IS NULL" + (runId == nil ? "" : " AND run_id = ?") + " ORDER BY id"
            return try Row.fetchAll(db, sql: sql, arguments: runId.map { [$0] } ?? []).map { row in
                var created = CreatedRow(runId: row["run_id"], cellId: row["cell_id"],
                                         kind: CreatedRow.Kind(rawValue: row["kind"]) ?? .object,
                                         bucket: row["bucket"], key: row["key"], uploadId: row["upload_id"])
                created.id = row["id"]
                return created
            }
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

    // MARK: batched rows

    func insert(trials: [TrialRow], attempts: [AttemptRow], faults: [FaultRow] = []) async throws {
        guard !trials.isEmpty || !attempts.isEmpty || !faults.isEmpty else { return }
        try await pool.write { db in
            for f in faults {
                try db.execute(sql: "INSERT INTO faults (run_id, cell_id, time, connection, kind, bytes_moved) VALUES (?,?,?,?,?,?)",
                               arguments: [f.runId, f.cellId, f.time, f.connection, f.kind, f.bytesMoved])
            }
            let attempt = try db.cachedStatement(sql: """
                INSERT INTO attempts (run_id, cell_id, trial_id, phase, operation, method, bucket, key, part_number, attempt,
                  status, error_class, bytes_sent, bytes_received, dns_s, connect_s, tls_s, first_byte_s, total_s, reused, started_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """)
            for a in attempts {
                try attempt.execute(arguments: [a.runId, a.cellId, a.trialId, a.phase, a.operation, a.method, a.bucket, a.key,
                                                a.partNumber, a.attempt, a.status, a.errorClass, a.bytesSent, a.bytesReceived,
                                                a.dns, a.connect, a.tls, a.firstByte, a.total, a.reused, a.startedAt])
            }
            let trial = try db.cachedStatement(sql: """
                INSERT INTO trials (id, run_id, cell_id, repetition, warmup, direction, object_index, object_key, object_size,
                  part_size, parts, started_at, duration, outcome, error_class, error, retries, initiate_s, parts_s, finalize_s,
                  state_cleanup_s, cpu_user_s, cpu_system_s) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                """)
            for t in trials {
                try trial.execute(arguments: [t.id, t.runId, t.cellId, t.repetition, t.warmup, t.direction, t.objectIndex,
                                              t.objectKey, t.objectSize, t.partSize, t.parts, t.startedAt, t.duration, t.outcome,
                                              t.errorClass, t.error, t.retries, t.initiate, t.partsTime, t.finalize, t.stateCleanup,
                                              t.cpuUser, t.cpuSystem])
            }
        }
    }

}
