import Model

/// The counts a report states about a run, computed once here so that no renderer reads raw rows.
public struct RunCounts: Sendable, Equatable {
    public var cellsDone: Int
    public var cells: Int
    public var measuredTrials: Int
    public var warmupTrials: Int
    /// Measured trials that failed.
    public var failedTrials: Int
    public var requests: Int
    /// Request attempts that failed (whether or not a retry then succeeded).
    public var failedRequests: Int
}

extension RunAnalysis {
    public var counts: RunCounts {
        RunCounts(cellsDone: cells.filter { $0.cell.status == .done }.count, cells: cells.count,
                  measuredTrials: trialTotals.sum { !$0.warmup }.trials, warmupTrials: trialTotals.sum(where: \.warmup).trials,
                  failedTrials: trialTotals.sum { !$0.warmup }.failed,
                  requests: Int(requests.total.attempts), failedRequests: Int(requests.total.failures.values.reduce(0, +)))
    }

    /// The measured trials of one direction, for charts over time: (seconds since the run's first
    /// trial, MB/s or 0 for a failure, succeeded, cell). A run with more trials than a cell keeps
    /// whole shows its evenly spaced sample (`TrialSample`).
    public func timeline(_ direction: Direction) -> [(seconds: Double, mbps: Double, succeeded: Bool, cellId: Int64)] {
        let start = trialTotals.firstStart ?? run.startedAt
        return trialSample.filter { !$0.warmup && $0.direction == direction }.map { t in
            (t.startedAt - start, t.mbps ?? 0, t.succeeded, t.cellId)
        }
    }
}
