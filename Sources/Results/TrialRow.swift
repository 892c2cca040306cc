import GRDB
import Model

/// One `trials` row: one object moved one way once. Warm-up trials are kept but excluded from results.
public struct TrialRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "trials"

    /// Assigned by the runner (not SQLite) so attempts can name their trial before it ends.
    public var id: Int64
    public var runId: Int64
    public var cellId: Int64
    public var repetition: Int
    public var warmup: Bool
    public var direction: Direction
    public var objectIndex: Int
    public var objectKey: String
    public var objectSize: Int64
    /// Bytes per part as the data path laid the object out: in score mode Score's calculated part
    /// (UPLOAD_PARTSIZE raised to its floor for large objects); in multipart mode the cell's part or
    /// download part; on Azure the block size for uploads and the range size (UPLOAD_PARTSIZE) for
    /// downloads. Always the size the bytes really moved in.
    public var partSize: Int64
    public var parts: Int
    /// Seconds since 1970.
    public var startedAt: Double
    /// Seconds, the whole transfer including retries.
    public var duration: Double
    public var outcome: Outcome
    public var errorClass: ErrorClass?
    /// The failure's message (secrets never reach it).
    public var error: String?
    public var retries: Int
    /// Phase times in seconds: upload (initiate, parts, finalize, state cleanup); download uses parts only.
    public var initiate: Double?
    public var partsTime: Double?
    public var finalize: Double?
    public var stateCleanup: Double?
    /// CPU seconds the whole process used while the trial ran (user, system).
    public var cpuUser: Double?
    public var cpuSystem: Double?
    /// Interleaved order: the pass over the grid the trial ran in (0-based); nil in blocked order.
    public var round: Int?
    /// The run's go that measured it: 1, then +1 for each `--resume` (nil before v6).
    public var session: Int?
    /// The client host while the trial ran (nil where /proc cannot tell): the share of all its
    /// cores that were busy (0 to 1), and the tasks runnable per core (the mean of the trial's
    /// start and end; above 1, tasks queued for a core). Both high: the client, not the store,
    /// may have been the limit.
    public var hostCPU: Double?
    public var runnablePerCore: Double?
    /// The worker that moved it (its rank); nil on one machine.
    public var worker: Int?

    enum CodingKeys: String, CodingKey {
        case id, runId = "run_id", cellId = "cell_id", repetition, warmup, direction, objectIndex = "object_index"
        case objectKey = "object_key", objectSize = "object_size", partSize = "part_size", parts, startedAt = "started_at"
        case duration, outcome, errorClass = "error_class", error, retries, initiate = "initiate_s", partsTime = "parts_s"
        case finalize = "finalize_s", stateCleanup = "state_cleanup_s", cpuUser = "cpu_user_s", cpuSystem = "cpu_system_s"
        case round, session, hostCPU = "host_cpu", runnablePerCore = "runnable_per_core", worker
    }

    public init(id: Int64, runId: Int64, cellId: Int64, repetition: Int, warmup: Bool, direction: Direction, objectIndex: Int,
                objectKey: String, objectSize: Int64, partSize: Int64, parts: Int, startedAt: Double, duration: Double,
                errorClass: ErrorClass?, error: String?, retries: Int, phases: [TransferPhase: Double] = [:],
                cpuUser: Double? = nil, cpuSystem: Double? = nil) {
        (self.id, self.runId, self.cellId, self.repetition, self.warmup, self.direction) = (id, runId, cellId, repetition, warmup, direction)
        (self.objectIndex, self.objectKey, self.objectSize, self.partSize, self.parts) = (objectIndex, objectKey, objectSize, partSize, parts)
        (self.startedAt, self.duration, self.errorClass, self.error, self.retries) = (startedAt, duration, errorClass, error, retries)
        outcome = errorClass == nil ? .ok : .failed
        (initiate, partsTime, finalize, stateCleanup) = (phases[.initiate], phases[.parts], phases[.finalize], phases[.stateCleanup])
        (self.cpuUser, self.cpuSystem) = (cpuUser, cpuSystem)
    }

    public var succeeded: Bool { outcome == .ok }

    /// What score-client waits for on its one finalize call: Score's server completes the upload,
    /// then deletes its state (LIST, then HEAD and DELETE per object) before it answers. nil for
    /// a download or an upload that never finalized.
    public var finalizeWait: Double? { finalize.map { $0 + (stateCleanup ?? 0) } }

    /// The trial's payload rate in MB/s (10^6 bytes a second): nil for a failure or a zero duration.
    /// The one definition every figure, chart and drift check uses.
    public var mbps: Double? { succeeded && duration > 0 ? Double(objectSize) / duration / 1e6 : nil }
}
