import GRDB
import Model

/// One `runs` row: a scenario run against one store, with what it needs to be reproduced.
public struct RunRow: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "runs"

    /// SQLite's AUTOINCREMENT id; nil until inserted (then `id`).
    private var rowID: Int64?
    public var id: Int64 { get { rowID ?? 0 } set { rowID = newValue } }
    public var scenarioName: String
    public var scenarioPath: String
    /// The scenario file's text as run: `compare` tells runs of different scenarios apart by it.
    public var scenarioText: String
    public var envPath: String
    public var mode: Mode
    public var toolVersion: String
    public var host: String
    /// The endpoint as configured (S3 URL or Azure account URL): never a credential.
    public var backendEndpoint: String
    /// The store's `Server` header, when it sent one.
    public var backendServer: String?
    /// A hash of the non-secret settings the run used.
    public var configHash: String
    /// The seed of the cells' execution order.
    public var orderSeed: Int64
    /// Seconds since 1970.
    public var startedAt: Double
    public var finishedAt: Double?
    public var status: RunStatus
    /// How repetitions were ordered; nil in runs recorded before v6 (they were blocked).
    public var trialOrder: TrialOrder?
    /// How the grid was explored; nil in runs recorded before v8 (the whole grid).
    public var searchStrategy: SearchStrategy?
    /// A distributed run (nil on one machine): its tag, its worker count, and in a worker's own
    /// database that worker's rank (nil once merged).
    public var tag: String?
    public var workers: Int?
    public var workerRank: Int?

    enum CodingKeys: String, CodingKey {
        case rowID = "id", scenarioName = "scenario_name", scenarioPath = "scenario_path", scenarioText = "scenario_text"
        case envPath = "env_path", mode, toolVersion = "tool_version", host, backendEndpoint = "backend_endpoint"
        case backendServer = "backend_server", configHash = "config_hash", orderSeed = "order_seed", startedAt = "started_at"
        case finishedAt = "finished_at", status, trialOrder = "trial_order", searchStrategy = "search_strategy"
        case tag, workers, workerRank = "worker_rank"
    }

    public init(scenarioName: String, scenarioPath: String, scenarioText: String, envPath: String, mode: Mode,
                toolVersion: String, host: String, backendEndpoint: String, backendServer: String?, configHash: String,
                orderSeed: Int64, startedAt: Double, status: RunStatus, trialOrder: TrialOrder? = nil,
                searchStrategy: SearchStrategy? = nil, tag: String? = nil, workers: Int? = nil, workerRank: Int? = nil) {
        (self.scenarioName, self.scenarioPath, self.scenarioText, self.envPath, self.mode) = (scenarioName, scenarioPath, scenarioText, envPath, mode)
        (self.toolVersion, self.host, self.backendEndpoint, self.backendServer) = (toolVersion, host, backendEndpoint, backendServer)
        (self.configHash, self.orderSeed, self.startedAt, self.status) = (configHash, orderSeed, startedAt, status)
        self.trialOrder = trialOrder
        self.searchStrategy = searchStrategy
        (self.tag, self.workers, self.workerRank) = (tag, workers, workerRank)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { rowID = inserted.rowID }

    /// The same run, not yet inserted (a merge records its workers' run anew).
    public var withoutId: RunRow {
        var copy = self
        copy.rowID = nil
        return copy
    }
}
