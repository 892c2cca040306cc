import Foundation
import GRDB
import Model
@testable import Results
import XCTest

/// One writer per results database, without a store: a live holder (a real process of this
/// machine, or one elsewhere with a fresh heartbeat) refuses a second writer with one line naming
/// it; a dead one (its pid gone, its pid reused, or silent past `staleAfter`) is replaced and its
/// runs are marked interrupted.
final class RunLeaseTests: XCTestCase {
    var folder: URL!
    var path: String { folder.appendingPathComponent("results.sqlite").path }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lease-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    /// A process of this machine that lives until killed.
    func sleeper() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["60"]
        try process.run()
        addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        return process
    }

    /// Writes a lease row as another writer would have: `holder` with its heartbeat `age` seconds old.
    func plant(_ holder: ProcessIdentity, runId: Int64?, age: Double = 0) async throws {
        let queue = try DatabaseQueue(path: path)
        let now = Date().timeIntervalSince1970
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM lease")
            try db.execute(sql: """
                INSERT INTO lease (id, run_id, purpose, pid, process_start, host, boot_id, pid_namespace, taken_at, heartbeat_at)
                VALUES (1, ?, 'run', ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [runId, holder.pid, holder.start, holder.host, holder.boot, holder.pidNamespace, now - age, now - age])
        }
    }

    func identity(of process: Process) -> ProcessIdentity {
        var other = ProcessIdentity.current
        other.pid = process.processIdentifier
        other.start = ProcessIdentity.startTime(of: process.processIdentifier) ?? ""
        return other
    }

    func runningRun(_ database: ResultsDatabase) async throws -> Int64 {
        try await database.insertRun(RunRow(scenarioName: "lease", scenarioPath: "l.yaml", scenarioText: "t", envPath: "e", mode: .score,
                                            toolVersion: "test", host: "h", backendEndpoint: "http://127.0.0.1:1", backendServer: nil,
                                            configHash: "x", orderSeed: 1, startedAt: 0, status: .running, trialOrder: .interleaved))
    }

    func testALiveHolderOnThisMachineIsNamedAndItsDeathFreesTheDatabase() async throws {
        let database = try ResultsDatabase(path: path)
        let runId = try await runningRun(database)
        let holder = try sleeper()
        try await plant(identity(of: holder), runId: runId)
        do {
            try await database.acquireLease(.run)
            XCTFail("a live holder's database was taken")
        } catch let held as RunLease.Held {
            XCTAssertTrue(held.description.contains("in use by run \(runId) (pid \(holder.processIdentifier) on "), held.description)
            XCTAssertTrue(held.description.hasSuffix("wait for it to finish, or use another --db"))
            XCTAssertFalse(held.description.contains("\n"))
        }
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        try await database.acquireLease(.run)
        let status = try await database.runs().first?.status
        XCTAssertEqual(status, .interrupted, "the dead holder's run is not shown running")
        try database.close()
    }

    func testAReusedPidIsNotTheHolder() async throws {
        let database = try ResultsDatabase(path: path)
        let process = try sleeper()
        var impostor = identity(of: process)
        impostor.start = "1"  // the pid lives, but it started at another time: another process
        try await plant(impostor, runId: nil)
        try await database.acquireLease(.clean)
        try database.close()
    }

    func testAHolderElsewhereLivesByItsHeartbeat() async throws {
        let database = try ResultsDatabase(path: path)
        var elsewhere = ProcessIdentity.current
        (elsewhere.host, elsewhere.pid, elsewhere.start) = ("another-node", 4242, "77")
        try await plant(elsewhere, runId: nil, age: 5)
        do {
            try await database.acquireLease(.run)
            XCTFail("a fresh heartbeat from another node was ignored")
        } catch let held as RunLease.Held {
            XCTAssertTrue(held.description.contains("pid 4242 on another-node"), held.description)
        }
        try await plant(elsewhere, runId: nil, age: RunLease.staleAfter + 1)
        try await database.acquireLease(.run)
        try database.close()
    }

    func testTheHolderItselfMayTakeItAgainAndGiveItBack() async throws {
        let database = try ResultsDatabase(path: path)
        try await database.acquireLease(.run)
        try await database.acquireLease(.run)
        let held = try await database.liveLease()
        XCTAssertEqual(held?.owner, ProcessIdentity.current)
        try await database.releaseLease()
        let after = try await database.liveLease()
        XCTAssertNil(after)
        try database.close()
    }
}
