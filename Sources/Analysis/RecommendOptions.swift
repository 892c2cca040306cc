import Model
import ScoreConfig

/// What to optimise, and the limits a recommendation must respect.
public struct RecommendOptions: Sendable {
    /// What "best" means for a recommendation: one direction's per-object rate, both directions'
    /// (moving the same bytes up then down: the harmonic mean), or a merged run's fleet throughput
    /// (`aggregate`: the leading figure of all workers together, both directions' harmonic mean
    /// when the run measured both).
    public enum Objective: String, Codable, Sendable, CaseIterable {
        case upload, download, both, aggregate

        /// The directions whose figures and costs count.
        public var directions: [Direction] {
            switch self {
            case .upload: return [.upload]
            case .download: return [.download]
            case .both, .aggregate: return [.upload, .download]
            }
        }

        /// What a run is ranked by when no objective is asked for: a merged run by its fleet's
        /// throughput (the load is why many machines ran it), any other by one object's upload.
        public static func standard(for analysis: RunAnalysis) -> Objective { analysis.isMerged ? .aggregate : .upload }
    }

    public var objective: Objective
    /// Client memory limit in bytes: part size × parts in flight × concurrent transfers.
    public var maxMemory: Int64?
    /// Bound on the 99th percentile object time, seconds.
    public var maxP99: Double?

    /// The values the operator's `.env.score` holds now, kept when the run cannot say better
    /// (a loopback run has seen no real network's faults or delays).
    public var current: CurrentSettings?
    /// Object sizes (bytes) whose finalize time to predict (`--object-size`): score-client's read
    /// timeout must outlast it.
    public var objectSizes: [Int64] = []
    /// Failed objects per object the retry limit and timeouts are sized to stay under (`--risk`).
    public var risk = RiskModel.defaultRisk
    /// The run's played network profiles by name (from its scenario): their round trip is part of
    /// every connect, and whether Score's server calls crossed them says which requests did.
    public var playedNetworks: [String: NetworkProfile] = [:]
    /// The run's retry back-off, ms: what a retry waits first, doubling to at most the maximum.
    public var backoffBaseMilliseconds: Int64 = 100
    public var backoffMaxMilliseconds: Int64 = 5_000

    public struct CurrentSettings: Sendable {
        /// score-client's read timeout when nothing sets it (no `.env.score` variable does).
        public static let scoreClientReadTimeoutSeconds = 60
        public var source: String
        public var retryLimit: Int?
        public var connectTimeoutMilliseconds: Int?
        public init(source: String, retryLimit: Int?, connectTimeoutMilliseconds: Int?) {
            (self.source, self.retryLimit, self.connectTimeoutMilliseconds) = (source, retryLimit, connectTimeoutMilliseconds)
        }
    }

    public init(objective: Objective = .upload, maxMemory: Int64? = nil, maxP99: Double? = nil, current: CurrentSettings? = nil) {
        self.objective = objective
        self.maxMemory = maxMemory
        self.maxP99 = maxP99
        self.current = current
    }

    /// The directions whose costs count for this objective.
    var directions: [Direction] { objective.directions }
}
