import GRDB
import Model

/// A run's trials as something read in passes, one row at a time: the rows of one database read
/// (a cursor, never every trial held) or an array held in memory (a test's run, a short recorded
/// one). An analysis that needs two looks at the trials (the fleet's windows are bounded by the
/// first pass and filled by the second) reads them twice instead of keeping them.
public struct TrialPasses {
    /// Calls `body` with every trial of the run, in id order.
    public let forEach: ((TrialRow) throws -> Void) throws -> Void

    /// The trials of an array.
    public static func memory(_ trials: [TrialRow]) -> TrialPasses {
        TrialPasses { body in for trial in trials { try body(trial) } }
    }

    /// The trials of a run in an open read (the rowid order of the `trials` table: no sort), each
    /// row read by column position: decoding by name costs as much as the rest of a pass.
    static func database(_ db: Database, runId: Int64) -> TrialPasses {
        TrialPasses { body in
            let rows = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM trials WHERE run_id = ? ORDER BY id", arguments: [runId])
            while let row = try rows.next() { try body(try trial(row)) }
        }
    }

    static let columns = "id, run_id, cell_id, repetition, warmup, direction, object_index, object_key, object_size, part_size, parts, "
        + "started_at, duration, outcome, error_class, error, retries, initiate_s, parts_s, finalize_s, state_cleanup_s, "
        + "cpu_user_s, cpu_system_s, round, session, host_cpu, runnable_per_core, worker"

    /// A row of `columns`; a value no enum knows is decoded by name instead, which names it in its error.
    static func trial(_ row: Row) throws -> TrialRow {
        guard let direction = Direction(rawValue: row[5]), let outcome = Outcome(rawValue: row[13]) else { return try TrialRow(row: row) }
        let errorClass: ErrorClass?
        if let text = row[14] as String? {
            guard let known = ErrorClass(rawValue: text) else { return try TrialRow(row: row) }
            errorClass = known
        } else {
            errorClass = nil
        }
        var trial = TrialRow(id: row[0], runId: row[1], cellId: row[2], repetition: row[3], warmup: row[4], direction: direction,
                             objectIndex: row[6], objectKey: row[7], objectSize: row[8], partSize: row[9], parts: row[10],
                             startedAt: row[11], duration: row[12], errorClass: errorClass, error: row[15], retries: row[16],
                             cpuUser: row[21], cpuSystem: row[22])
        trial.outcome = outcome
        (trial.initiate, trial.partsTime, trial.finalize, trial.stateCleanup) = (row[17], row[18], row[19], row[20])
        (trial.round, trial.session, trial.hostCPU, trial.runnablePerCore, trial.worker) = (row[23], row[24], row[25], row[26], row[27])
        return trial
    }
}
