import GRDB

/// Everything recorded of one run, read in one transaction: an analysis taken while the run is
/// still writing sees one consistent moment (no attempt without its trial, no trial of a cell not
/// yet read). Its trials are not held here: they are read in passes (`TrialPasses`) inside the
/// same transaction, by whatever digests them.
public struct RunSnapshot: Sendable {
    public var run: RunRow
    public var cells: [CellRow]
    /// The run's requests, digested (`RequestDigests`): never its attempts, held all at once.
    public var requests: RequestDigests
    public var faults: [FaultRow]
    public var searchVerdicts: [SearchVerdictRow]
    public var barriers: [BarrierRow]
}

extension ResultsDatabase {
    /// The run and all its rows from one read, its trials digested by `digestTrials` in passes
    /// inside the same read; nil when there is no such run. Its requests come digested: the stored
    /// digests while current, else one pass over its attempts, whose digests are then stored (a
    /// finished run, a writable file) so that the next read is quick.
    public func snapshot<Trials: Sendable>(run runId: Int64, digestTrials: @escaping @Sendable (RunSnapshot, TrialPasses) throws -> Trials)
        async throws -> (snapshot: RunSnapshot, trials: Trials)? {
        let read: (RunSnapshot, Trials, Bool)? = try await pool.read { db in
            guard let run = try RunRow.fetchOne(db, key: runId) else { return nil }
            let (requests, stored) = try Self.requestDigests(db, run: run)
            let snapshot = RunSnapshot(run: run, cells: try Self.cells(db, runId), requests: requests,
                                       faults: try Self.faults(db, runId), searchVerdicts: try Self.searchVerdicts(db, runId),
                                       barriers: try Self.barriers(db, runId))
            return (snapshot, try digestTrials(snapshot, .database(db, runId: runId)), stored)
        }
        guard let (snapshot, trials, stored) = read else { return nil }
        if !stored, snapshot.run.status != .running {
            try? await pool.write { db in
                // Only if the run has not moved on since the read, and nobody stored its digests meanwhile.
                guard let now = try RunRow.fetchOne(db, key: runId), RunDigestRow.stamp(of: now) == RunDigestRow.stamp(of: snapshot.run),
                      try RunDigestRow.fetchOne(db, key: runId)?.stamp != RunDigestRow.stamp(of: now) else { return }
                try Self.storeDigests(db, snapshot.requests, run: now)
            }
        }
        return (snapshot, trials)
    }

    // One query per table, shared by the single-table reads and the snapshot.
    static func cells(_ db: Database, _ runId: Int64) throws -> [CellRow] {
        try CellRow.filter(Column("run_id") == runId).order(Column("position")).fetchAll(db)
    }
    static func trials(_ db: Database, _ runId: Int64) throws -> [TrialRow] {
        try TrialRow.filter(Column("run_id") == runId).order(Column("id")).fetchAll(db)
    }
    static func attempts(_ db: Database, _ runId: Int64) throws -> [AttemptRow] {
        try AttemptRow.filter(Column("run_id") == runId).order(Column("id")).fetchAll(db)
    }
    static func faults(_ db: Database, _ runId: Int64) throws -> [FaultRow] {
        try FaultRow.filter(Column("run_id") == runId).order(Column("id")).fetchAll(db)
    }
    static func barriers(_ db: Database, _ runId: Int64) throws -> [BarrierRow] {
        try BarrierRow.filter(Column("run_id") == runId).order(Column("id")).fetchAll(db)
    }
    static func searchVerdicts(_ db: Database, _ runId: Int64) throws -> [SearchVerdictRow] {
        try SearchVerdictRow.filter(Column("run_id") == runId).order(Column("rung"), Column("id")).fetchAll(db)
    }
}
