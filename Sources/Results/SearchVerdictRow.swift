import GRDB
import Model

/// One `search_verdicts` row: what a search decided about one cell at one of its decisions, why,
/// and the figures it decided on.
public struct SearchVerdictRow: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "search_verdicts"

    public var runId: Int64
    public var cellId: Int64
    /// 0: before any trial (pruning); k ≥ 1: the search's k-th decision.
    public var rung: Int
    /// Measured rounds each live cell had when it was decided (0 for pruning).
    public var rounds: Int
    public var verdict: SearchVerdict
    public var reason: String
    /// The objective's median MB/s over the cell's rounds, and its interval (nil for pruning).
    public var median: Double?
    public var low: Double?
    public var high: Double?
    public var level: Double?
    /// Seconds since 1970.
    public var decidedAt: Double

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", cellId = "cell_id", rung, rounds, verdict, reason, median, low = "ci_low", high = "ci_high"
        case level = "ci_level", decidedAt = "decided_at"
    }

    public init(runId: Int64, cellId: Int64, rung: Int, rounds: Int, verdict: SearchVerdict, reason: String,
                median: Double? = nil, low: Double? = nil, high: Double? = nil, level: Double? = nil, decidedAt: Double) {
        (self.runId, self.cellId, self.rung, self.rounds, self.verdict, self.reason) = (runId, cellId, rung, rounds, verdict, reason)
        (self.median, self.low, self.high, self.level, self.decidedAt) = (median, low, high, level, decidedAt)
    }
}
