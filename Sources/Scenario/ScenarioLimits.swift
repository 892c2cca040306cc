/// The bounds of what the runner can do. The checker refuses anything beyond them with a message
/// that names the bound, so no accepted scenario can overflow arithmetic, exhaust memory or hand
/// the fault proxy a delay or rate it cannot play.
public enum ScenarioLimits {
    /// S3's largest object (and far beyond a synthetic object anyone should move in a benchmark).
    public static let objectSize: Int64 = 5 << 40
    /// Objects in one repetition: each is a row in memory and a key in the store.
    public static let objectCount = 100_000
    /// All objects of one repetition together.
    public static let bytesPerRepetition: Int64 = 100 << 40
    public static let repetitions = 1_000
    public static let warmup = 100
    /// Cells in one run (the product of every grid list).
    public static let cells = 10_000
    /// Requests one object may need in one direction (parts, blocks or ranges).
    public static let requestsPerObject = 100_000
    /// Connections in flight at once: parallel × clients.
    public static let connections = 1_024
    /// A run's time budget: 30 days.
    public static let budgetMilliseconds: Int64 = 30 * 86_400_000
    /// Trials a search may be given as its budget.
    public static let trialBudget = 10_000_000
    /// Back-off waits, timeouts and played delays: one hour at the most.
    public static let durationMilliseconds: Int64 = 3_600_000
    /// Played bandwidth: from 1 KB/s to 100 GB/s.
    public static let bandwidth: ClosedRange<Double> = 1_000...100e9
}
