import GRDB

/// One `barriers` row: one worker's passage through one barrier of a distributed run — when its
/// marker was stored and when it saw every worker's, by its own clock.
public struct BarrierRow: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "barriers"

    public var runId: Int64
    public var worker: Int
    /// "<cell position>.<round>" before a cell's visit, "end" after the last.
    public var name: String
    public var cellId: Int64?
    /// Seconds since 1970, this worker's clock.
    public var arrivedAt: Double
    public var releasedAt: Double
    public var polls: Int
    /// Some worker asked to stop here (its time budget was spent): every worker stopped.
    public var stop: Bool
    /// Set by `merge`: this worker's release minus the median release of all workers at this
    /// barrier. The releases are one instant within the poll interval, so what is left is clock
    /// skew plus poll delay.
    public var offset: Double?

    /// The barrier before a cell's visit: "<cell position>.<round>" (round 0 in blocked order).
    public static func name(position: Int, round: Int?) -> String { "\(position).\(round ?? 0)" }
    /// The barrier after the last visit.
    public static let endName = "end"

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", worker, name, cellId = "cell_id", arrivedAt = "arrived_at", releasedAt = "released_at", polls, stop
        case offset = "offset_s"
    }

    public init(runId: Int64, worker: Int, name: String, cellId: Int64?, arrivedAt: Double, releasedAt: Double, polls: Int,
                stop: Bool, offset: Double? = nil) {
        (self.runId, self.worker, self.name, self.cellId) = (runId, worker, name, cellId)
        (self.arrivedAt, self.releasedAt, self.polls, self.stop, self.offset) = (arrivedAt, releasedAt, polls, stop, offset)
    }
}
