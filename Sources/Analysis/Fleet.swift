import Model
import Results

/// A merged distributed run's fleet: what all its workers got from the store together, per cell
/// and direction (`DistributedThroughput`: the window, stonewall and pessimistic figures, which
/// one leads, each worker's own), and how closely the barriers released them. The load figure
/// that is the reason to run many machines: every answer about a merged run carries it.
public struct Fleet: Sendable, Encodable {
    public var workers: Int
    public var figures: [DistributedThroughput]
    /// The spread of the workers' releases at the barriers, seconds: the largest and the median.
    public var releaseSkewMax: Double?
    public var releaseSkewMedian: Double?

    /// Whether a run has a fleet: a merged run (not one machine's, nor one worker's own database).
    static func of(_ run: RunRow) -> Bool { run.workers != nil && run.workerRank == nil }

    /// nil for a run of one machine (or one worker's own database).
    /// `figures`: from the run's trials (`DistributedThroughput.Rounds`).
    init?(run: RunRow, figures: [DistributedThroughput], barriers: [BarrierRow]) {
        guard let workers = run.workers, run.workerRank == nil else { return nil }
        self.workers = workers
        self.figures = figures
        let skews = Array(DistributedThroughput.releaseSkew(barriers).values)
        releaseSkewMax = skews.max()
        releaseSkewMedian = Percentile.median(skews)
    }

    public func figure(cell cellId: Int64, direction: Direction) -> DistributedThroughput? {
        figures.first { $0.cellId == cellId && $0.direction == direction }
    }

    /// Only the figures of these cells.
    func restricted(to cells: Set<Int64>) -> Fleet {
        var copy = self
        copy.figures = figures.filter { cells.contains($0.cellId) }
        return copy
    }
}
