import Model
import Results

/// Whether the client machine, rather than the store, may have been the limit while a cell ran.
/// Each trial records how busy the client host's cores were and how many tasks were runnable per
/// core (see `TrialRow.hostCPU` and `runnablePerCore`). A cell is flagged when, over its measured
/// trials, the cores were nearly all busy *and* more tasks wanted them than there were cores:
/// then scoretune queued for a core, and a faster store could not have shown itself.
public struct ClientSaturation: Sendable, Encodable, Equatable {
    /// Medians over the cell's measured trials.
    public var hostCPU: Double
    public var runnablePerCore: Double

    /// Busy share of all cores at which the host counts as full.
    public static let busyHost = 0.90
    /// Runnable tasks per core above which work queues for a core.
    public static let queuedPerCore = 1.5

    /// The medians of the trials that recorded the client's load; nil when none did (an old run,
    /// a host without /proc).
    init?(_ trials: [TrialRow]) {
        guard let host = Statistics.median(trials.compactMap(\.hostCPU)),
              let runnable = Statistics.median(trials.compactMap(\.runnablePerCore)) else { return nil }
        hostCPU = host
        runnablePerCore = runnable
    }

    public init(hostCPU: Double, runnablePerCore: Double) {
        self.hostCPU = hostCPU
        self.runnablePerCore = runnablePerCore
    }

    /// The client may have been the limit.
    public var saturated: Bool { hostCPU >= Self.busyHost && runnablePerCore > Self.queuedPerCore }

    public var description: String {
        String(format: "the client host's cores were %.0f%% busy with %.1f runnable tasks per core", hostCPU * 100, runnablePerCore)
    }
}
