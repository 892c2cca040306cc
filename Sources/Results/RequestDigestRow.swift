import Foundation
import GRDB
import Model

/// One `request_digests` row: one request group's digest, stored with its run.
public struct RequestDigestRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "request_digests"

    public var runId: Int64
    public var cellId: Int64?
    public var requestGroup: String
    public var digest: String

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", cellId = "cell_id", requestGroup = "request_group", digest
    }

    init(runId: Int64, group: RequestGroup, digest: RequestDigest) throws {
        self.runId = runId
        cellId = group.cellId
        requestGroup = String(decoding: try Self.encoder.encode(group), as: UTF8.self)
        self.digest = String(decoding: try Self.encoder.encode(digest), as: UTF8.self)
    }

    func decoded() throws -> (RequestGroup, RequestDigest) {
        (try JSONDecoder().decode(RequestGroup.self, from: Data(requestGroup.utf8)),
         try JSONDecoder().decode(RequestDigest.self, from: Data(digest.utf8)))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
}

/// One `run_digests` row: a run's requests were digested, at which moment of the run.
public struct RunDigestRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "run_digests"

    public var runId: Int64
    /// The run's status and finish time when digested (`stamp(of:)`): when they change, the run
    /// went on (a resume), and its digests are made again.
    public var stamp: String
    public var attempts: Int64
    public var digestedAt: Double

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", stamp, attempts, digestedAt = "digested_at"
    }

    /// The digests' own format: a file whose digests another format wrote is digested again.
    static let format = "d1"

    static func stamp(of run: RunRow) -> String { "\(format)|\(run.status.rawValue)|\(run.finishedAt ?? 0)" }
}

extension ResultsDatabase {
    /// The run's request digests: the stored ones while they are current (`stored`), else made in
    /// one pass over its attempts.
    static func requestDigests(_ db: Database, run: RunRow) throws -> (digests: RequestDigests, stored: Bool) {
        if let stamp = try RunDigestRow.fetchOne(db, key: run.id), stamp.stamp == RunDigestRow.stamp(of: run),
           let digests = try? storedDigests(db, runId: run.id) {
            return (digests, true)
        }
        return (try Self.digestAttempts(db, runId: run.id), false)
    }

    /// The stored digests, or an error when one cannot be read (then the attempts are read instead).
    static func storedDigests(_ db: Database, runId: Int64) throws -> RequestDigests {
        var digests = RequestDigests()
        let rows = try RequestDigestRow.filter(Column("run_id") == runId).fetchCursor(db)
        while let row = try rows.next() {
            let (group, digest) = try row.decoded()
            digests.groups[group, default: RequestDigest()].merge(digest)
        }
        return digests
    }

    /// One pass over a run's attempts, cell by cell (through the `attempts_cell` index), then the
    /// run's own requests outside any cell: no attempt is held beyond its row, and each attempt's
    /// trial (what part of it the group names) is joined in by SQLite, not looked up in memory.
    static func digestAttempts(_ db: Database, runId: Int64) throws -> RequestDigests {
        var digests = RequestDigests()
        let columns = "a.cell_id, a.trial_id, a.phase, a.operation, a.method, a.attempt, a.status, a.error_class, a.bytes_sent, a.bytes_received, "
            + "a.dns_s, a.connect_s, a.tls_s, a.sent_s, a.first_byte_s, a.total_s, a.longest_silence_s, a.reused, a.started_at, "
            + "t.warmup, t.direction, t.part_size"
        let joined = "attempts a LEFT JOIN trials t ON t.id = a.trial_id"
        func read(_ statement: Statement, _ arguments: StatementArguments) throws {
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            while let row = try rows.next() {
                guard let operation = StoreOperation(rawValue: row[3]), let method = HTTPMethod(rawValue: row[4]) else { continue }
                let attempt = AttemptRow(
                    runId: runId, cellId: row[0], trialId: row[1], phase: (row[2] as String?).flatMap(TransferPhase.init(rawValue:)),
                    operation: operation, method: method, bucket: nil, key: nil, partNumber: nil, attempt: row[5], status: row[6],
                    errorClass: (row[7] as String?).flatMap(ErrorClass.init(rawValue:)), bytesSent: row[8], bytesReceived: row[9],
                    dns: row[10], connect: row[11], tls: row[12], sent: row[13], firstByte: row[14], total: row[15], silence: row[16],
                    reused: row[17], startedAt: row[18])
                let facts = (row[20] as String?).flatMap(Direction.init(rawValue:)).map {
                    RequestDigests.TrialFacts(warmup: row[19], direction: $0, partSize: row[21])
                }
                digests.add(attempt, trial: facts)
            }
        }
        let byCell = try db.makeStatement(sql: "SELECT \(columns) FROM \(joined) WHERE a.cell_id = ?")
        for cellId in try Int64.fetchAll(db, sql: "SELECT id FROM cells WHERE run_id = ? ORDER BY id", arguments: [runId]) {
            try read(byCell, [cellId])
        }
        try read(try db.makeStatement(sql: "SELECT \(columns) FROM \(joined) WHERE a.cell_id IS NULL AND a.run_id = ?"), [runId])
        return digests
    }

    /// Stores a run's digests (replacing any), stamped with the run's present state.
    static func storeDigests(_ db: Database, _ digests: RequestDigests, run: RunRow) throws {
        try RequestDigestRow.filter(Column("run_id") == run.id).deleteAll(db)
        for (group, digest) in digests.groups { try RequestDigestRow(runId: run.id, group: group, digest: digest).insert(db) }
        try RunDigestRow(runId: run.id, stamp: RunDigestRow.stamp(of: run), attempts: digests.total.attempts,
                         digestedAt: Date().timeIntervalSince1970).save(db)
    }

    /// Digests a run now and stores the digests (a run's end, a merge's end).
    public func storeRequestDigests(run runId: Int64) async throws {
        try await pool.write { db in
            guard let run = try RunRow.fetchOne(db, key: runId) else { return }
            try Self.storeDigests(db, try Self.digestAttempts(db, runId: runId), run: run)
        }
    }
}
