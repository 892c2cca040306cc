import Foundation

/// A process as the lease names it: pid and start time, and where that pid means something (host,
/// boot, pid namespace). The start time tells a live holder from an unrelated process that was
/// later given the same pid; the boot and namespace tell whether this process can look at all (a
/// container sharing the host name, another machine).
public struct ProcessIdentity: Sendable, Equatable {
    public var pid: Int32
    public var start: String
    public var host: String
    public var boot: String
    public var pidNamespace: String

    public static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, start: startTime(of: pid) ?? "", host: ProcessInfo.processInfo.hostName,
                               boot: bootId, pidNamespace: pidNamespace)
    }

    static var bootId: String {
        ((try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static var pidNamespace: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")) ?? ""
    }

    /// Whether this process can see the other's pid: same host, same boot, same pid namespace.
    public var isVisible: Bool {
        let me = ProcessIdentity.current
        return host == me.host && boot == me.boot && pidNamespace == me.pidNamespace && !boot.isEmpty
    }

    /// Whether the process still runs, when it is visible from here (nil: it cannot be told).
    public var isRunning: Bool? {
        guard isVisible else { return nil }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let fields = ProcessIdentity.fields(stat) else { return false }
        // A zombie has ended; it only waits to be reaped.
        return fields.first != "Z" && fields.count > 19 && fields[19] == start
    }

    /// Field 22 of /proc/PID/stat: clock ticks after boot.
    static func startTime(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let fields = fields(stat), fields.count > 19 else { return nil }
        return fields[19]
    }

    /// The fields after the command name (which may hold spaces and parentheses): state first.
    static func fields(_ stat: String) -> [String]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").map(String.init)
    }
}
