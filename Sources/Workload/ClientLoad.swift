import Foundation

/// How loaded the client machine is, read from Linux's /proc/stat at a trial's start and end:
/// the host's busy CPU time, and how many tasks were runnable (running or waiting for a core).
/// A store measured from a saturated client measures the client: these two say when that may
/// have happened. (A thread's own run-queue delay says little here: an I/O-bound client wakes
/// ahead of CPU burners, while the burners starve the rest of the machine.)
public struct ClientLoad: Sendable {
    /// Jiffies the host's CPUs spent busy and in all, since boot.
    var hostBusy: UInt64
    var hostTotal: UInt64
    /// Tasks runnable at this instant (`procs_running`), this process's own included.
    var runnable: Int
    /// The host's cores as /proc/stat counts them (its `cpuN` lines): the same machine the two
    /// figures above describe, whatever CPU quota this process's container has.
    var cores: Int

    /// Now, or nil where /proc does not tell (not Linux, a sandbox hiding it).
    public static func sample() -> ClientLoad? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        return parse(text)
    }

    /// Reads the `cpu` line (`cpu user nice system idle iowait irq softirq steal …`: idle and
    /// iowait are idle, the rest busy) and the `procs_running` line of /proc/stat.
    static func parse(_ text: String) -> ClientLoad? {
        var busy: UInt64?, total: UInt64?, runnable: Int?
        var cores = 0
        for line in text.split(separator: "\n") {
            if line.hasPrefix("cpu"), line.dropFirst(3).first?.isNumber == true {
                cores += 1
            } else if line.hasPrefix("cpu ") {
                let fields = line.split(separator: " ").dropFirst().prefix(8).compactMap { UInt64($0) }
                guard fields.count == 8 else { return nil }
                let sum = fields.reduce(0, &+)
                (busy, total) = (sum &- fields[3] &- fields[4], sum)
            } else if line.hasPrefix("procs_running ") {
                runnable = Int(line.dropFirst("procs_running ".count))
            }
        }
        guard let busy, let total, let runnable else { return nil }
        return ClientLoad(hostBusy: busy, hostTotal: total, runnable: runnable, cores: max(cores, 1))
    }

    /// Between two samples: the share of all the host's cores that were busy (0 to 1), and the
    /// runnable tasks per core (the mean of the two instants; above 1 means tasks queued for a core).
    public static func between(_ start: ClientLoad?, _ end: ClientLoad?) -> (hostCPU: Double?, runnablePerCore: Double?) {
        guard let start, let end, end.hostTotal > start.hostTotal, end.hostBusy >= start.hostBusy else { return (nil, nil) }
        let busy = Double(end.hostBusy - start.hostBusy) / Double(end.hostTotal - start.hostTotal)
        return (min(busy, 1), Double(start.runnable + end.runnable) / 2 / Double(end.cores))
    }
}
