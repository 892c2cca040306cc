import Foundation
import GRDB

/// One writer per results database. A run (or a clean-up) takes the lease before it writes and
/// gives it back at the end; a second writer is refused with one line naming the holder. A holder
/// that died (kill -9, a lost node) is recognised and replaced, and runs it left `running` are
/// marked `interrupted`, so `runs` never shows a dead run as running. Dead means: its pid is gone
/// (when this machine can see it), or else its heartbeat is older than `staleAfter`.
public struct RunLease: Sendable, Equatable {
    public enum Purpose: String, Sendable { case run, clean }

    public var runId: Int64?
    public var purpose: Purpose
    public var owner: ProcessIdentity
    public var takenAt: Double
    public var heartbeatAt: Double

    /// The holder renews its heartbeat this often, and one silent for `staleAfter` is gone.
    public static let heartbeatInterval: Duration = .seconds(20)
    public static let staleAfter: Double = 120

    public var isAlive: Bool {
        owner.isRunning ?? (Date().timeIntervalSince1970 - heartbeatAt < RunLease.staleAfter)
    }

    /// The database is held by a live writer.
    public struct Held: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var holder: RunLease
        public var description: String {
            let since = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: holder.takenAt))
            let who = holder.runId.map { "run \($0)" } ?? (holder.purpose == .clean ? "a clean-up" : "a run starting")
            return "\(path): in use by \(who) (pid \(holder.owner.pid) on \(holder.owner.host), since \(since)); "
                + "wait for it to finish, or use another --db"
        }
    }
}

extension ResultsDatabase {
    /// Takes the lease for this process, or throws `RunLease.Held`. Runs a dead holder left
    /// `running` become `interrupted`.
    public func acquireLease(_ purpose: RunLease.Purpose, runId: Int64? = nil) async throws {
        let me = ProcessIdentity.current
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                if let holder = try Self.leaseRow(db), holder.owner != me, holder.isAlive {
                    throw RunLease.Held(path: self.path, holder: holder)
                }
                let now = Date().timeIntervalSince1970
                try db.execute(sql: "DELETE FROM lease")
                try db.execute(sql: """
                    INSERT INTO lease (id, run_id, purpose, pid, process_start, host, boot_id, pid_namespace, taken_at, heartbeat_at)
                    VALUES (1,?,?,?,?,?,?,?,?,?)
                    """, arguments: [runId, purpose.rawValue, me.pid, me.start, me.host, me.boot, me.pidNamespace, now, now])
                // Nobody else writes now: a run still marked running has lost its owner.
                try db.execute(sql: "UPDATE runs SET status = 'interrupted', finished_at = coalesce(finished_at, ?) WHERE status = 'running'" + (runId == nil ? "" : " AND id != ?"),
                               arguments: runId == nil ? [Date().timeIntervalSince1970] : [Date().timeIntervalSince1970, runId])
                return .commit
            }
        }
    }

    /// Names the run once it has its row.
    public func attachLease(runId: Int64) async throws {
        let me = ProcessIdentity.current
        try await pool.write { db in
            try db.execute(sql: "UPDATE lease SET run_id = ? WHERE pid = ? AND process_start = ? AND host = ?",
                           arguments: [runId, me.pid, me.start, me.host])
        }
    }

    /// Renews the heartbeat every `heartbeatInterval` until the task is cancelled: what tells a
    /// writer elsewhere (another host, another container) that this holder still lives.
    public func keepLeaseAlive() -> Task<Void, Never> {
        let me = ProcessIdentity.current
        return Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: RunLease.heartbeatInterval) } catch { return }
                try? await pool.write { db in
                    try db.execute(sql: "UPDATE lease SET heartbeat_at = ? WHERE pid = ? AND process_start = ? AND host = ?",
                                   arguments: [Date().timeIntervalSince1970, me.pid, me.start, me.host])
                }
            }
        }
    }

    /// Gives the lease back (only this process's).
    public func releaseLease() async throws {
        let me = ProcessIdentity.current
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM lease WHERE pid = ? AND process_start = ? AND host = ?", arguments: [me.pid, me.start, me.host])
        }
    }

    /// The live holder, if any (a dead one is no holder).
    public func liveLease() async throws -> RunLease? {
        try await pool.read { db in try Self.leaseRow(db).flatMap { $0.isAlive ? $0 : nil } }
    }

    static func leaseRow(_ db: Database) throws -> RunLease? {
        guard try db.tableExists("lease"), let row = try Row.fetchOne(db, sql: "SELECT * FROM lease WHERE id = 1") else { return nil }
        return RunLease(runId: row["run_id"], purpose: RunLease.Purpose(rawValue: row["purpose"]) ?? .run,
                        owner: ProcessIdentity(pid: row["pid"], start: row["process_start"], host: row["host"],
                                               boot: row["boot_id"], pidNamespace: row["pid_namespace"]),
                        takenAt: row["taken_at"], heartbeatAt: row["heartbeat_at"])
    }
}
