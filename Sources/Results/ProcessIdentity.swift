import Foundation

/// A process as the lease names it: pid, start time and host. The start time tells a live holder
/// from an unrelated process that was later given the same pid.
public struct ProcessIdentity: Sendable, Equatable {
    public var pid: Int32
    public var start: String
    public var host: String

    public static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, start: startTime(of: pid) ?? "", host: ProcessInfo.processInfo.hostName)
    }

    /// Whether the process still runs. On another host nothing can be checked: it counts as alive.
    public var isAlive: Bool {
        guard host == ProcessInfo.processInfo.hostName else { return true }
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
