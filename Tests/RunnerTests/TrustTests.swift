import Foundation
import GRDB
import TestSupport
import Transport
import MemoryStore
import Runner
import XCTest

/// A tool trusted with a production bucket: one writer per database, a database that is not its
/// own never written, a store that dies is a failed run, a closed terminal is a Ctrl-C.
final class TrustTests: XCTestCase {
    let transport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    let longScenario = """
        mode: score
        objects: {sizes: [64MiB], count: 3, seed: 5}
        grid: {UPLOAD_PARTSIZE: [20MiB, 32MiB], parallel: [1, 2]}
        repetitions: 3
        warmup: 0
        """

    func waitUntil(_ seconds: Double = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    func waitForExit(_ process: Process, seconds: Double = 120) -> Int32? {
        _ = waitUntil(seconds) { !process.isRunning }
        return process.isRunning ? nil : process.terminationStatus
    }

    func stderr(_ process: Process) -> String {
        String(decoding: (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// A second run, a resume and a clean-up of a live run are refused; the live run finishes
    /// untouched and leaves nothing.
    func testOneWriterPerDatabase() async throws {
        let run = try TemporaryRun(.seaweedfs, longScenario)
        addTeardownBlock { run.remove() }
        let before = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        let first = try ScoretuneBinary.start(["run", run.scenario, "--db", run.database, "--quiet"])
        XCTAssertTrue(waitUntil { (try? run.count("SELECT count(*) FROM created WHERE removed_at IS NULL")) ?? 0 >= 1 }, "the run never started")

        let second = try ScoretuneBinary.run(["run", run.scenario, "--db", run.database, "--quiet"])
        XCTAssertEqual(second.status, 3, second.err)
        XCTAssertTrue(second.err.contains("in use by run 1 (pid \(first.processIdentifier)"), second.err)
        XCTAssertEqual(second.err.split(separator: "\n").count, 1, second.err)
        let resumed = try ScoretuneBinary.run(["run", "--resume", "1", "--db", run.database, "--quiet"])
        XCTAssertEqual(resumed.status, 3, resumed.err)
        let clean = try ScoretuneBinary.run(["clean", "--db", run.database])
        XCTAssertEqual(clean.status, 3, clean.err)
        XCTAssertTrue(clean.err.contains("in use by run 1"), clean.err)
        let listing = try ScoretuneBinary.run(["runs", "--db", run.database])
        XCTAssertEqual(listing.status, 0, listing.err)
        XCTAssertTrue(listing.out.contains("  running  "), listing.out)
        let listed = try ScoretuneBinary.run(["runs", "--db", run.database, "--json"])
        let runs = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(listed.out.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.first?["status"] as? String, "running", listed.out)

        XCTAssertEqual(waitForExit(first), 0, stderr(first))
        XCTAssertEqual(try run.count("SELECT count(*) FROM runs"), 1, "nothing else was written")
        XCTAssertEqual(try run.count("SELECT count(*) FROM runs WHERE status = 'completed'"), 1)
        let after = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        XCTAssertEqual(after, before, after.difference(from: before))
    }

    /// After kill -9 the run is not shown as running, and the next writer takes the lease.
    func testDeadOwnerIsRecognised() async throws {
        let run = try TemporaryRun(.seaweedfs, longScenario)
        addTeardownBlock { run.remove() }
        let process = try ScoretuneBinary.start(["run", run.scenario, "--db", run.database, "--quiet"])
        XCTAssertTrue(waitUntil { (try? run.count("SELECT count(*) FROM trials")) ?? 0 >= 1 })
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let listing = try ScoretuneBinary.run(["runs", "--db", run.database])
        XCTAssertTrue(listing.out.contains("interrupted (owner gone)"), listing.out)
        let clean = try ScoretuneBinary.run(["clean", "--db", run.database])
        XCTAssertEqual(clean.status, 0, clean.err)
        XCTAssertEqual(try run.count("SELECT count(*) FROM runs WHERE status = 'interrupted'"), 1)
        XCTAssertEqual(try run.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
    }

    /// Files that are not scoretune's own results database: one line, exit 2, never written.
    /// Refused before any request: the runs that make the databases go to the memory store.
    func testDatabasesThatAreNotOursAreRefusedAndUntouched() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let run = try TemporaryRun(env: { try backend.writeEnv(in: $0) }, "objects: {sizes: [8MiB]}\nrepetitions: 1\nwarmup: 0\n")
        addTeardownBlock { run.remove() }
        let folder = run.folder
        let notSQLite = folder.appendingPathComponent("notes.sqlite").path
        try "just some text\n".write(toFile: notSQLite, atomically: true, encoding: .utf8)
        let foreign = folder.appendingPathComponent("foreign.sqlite").path
        try await DatabaseQueue(path: foreign).write { try $0.execute(sql: "CREATE TABLE patients (id INTEGER, name TEXT)") }
        let newer = folder.appendingPathComponent("newer.sqlite").path
        let directory = folder.appendingPathComponent("adir.sqlite").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        // A database of ours from a newer scoretune: one migration this binary does not know.
        try await Self.memoryRun(backend, run, database: newer)
        try await DatabaseQueue(path: newer).write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-future')") }

        let cases: [(String, String)] = [(notSQLite, "is not an SQLite database"), (foreign, "is not a scoretune results database (it holds tables patients)"),
                                         (newer, "was written by a newer scoretune (schema v99-future"), (directory, "is a directory")]
        for (path, message) in cases {
            let bytes = try? Data(contentsOf: URL(fileURLWithPath: path))
            for command in [["run", run.scenario, "--quiet"], ["runs"], ["report"], ["recommend"], ["clean"]] {
                let result = try ScoretuneBinary.run(command + ["--db", path])
                XCTAssertEqual(result.status, 2, "\(command) on \(path): \(result.err)")
                XCTAssertEqual(result.err, "scoretune: \(path): \(message)" + result.err.dropFirst("scoretune: \(path): \(message)".count),
                               "\(command): \(result.err)")
                XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err)
            }
            XCTAssertEqual(try? Data(contentsOf: URL(fileURLWithPath: path)), bytes, "\(path) was written to")
        }
    }

    /// A read-only results database (immutable: even root cannot write it) can be read, not written.
    func testReadOnlyDatabaseCanBeReadNotWritten() async throws {
        let backend = MemoryS3Backend()
        try await backend.putSentinel()
        let run = try TemporaryRun(env: { try backend.writeEnv(in: $0) }, "objects: {sizes: [8MiB]}\nrepetitions: 1\nwarmup: 0\n")
        addTeardownBlock { run.remove() }
        try await Self.memoryRun(backend, run, database: run.database)
        let chattr = Process()
        chattr.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        chattr.arguments = ["+i", run.database]
        try chattr.run()
        chattr.waitUntilExit()
        guard chattr.terminationStatus == 0 else { throw XCTSkip("chattr +i is not available on this file system") }
        addTeardownBlock {
            let undo = Process()
            undo.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            undo.arguments = ["-i", run.database]
            try? undo.run()
            undo.waitUntilExit()
        }
        let written = try ScoretuneBinary.run(["run", run.scenario, "--db", run.database, "--quiet"])
        XCTAssertEqual(written.status, 2, written.err)
        XCTAssertTrue(written.err.contains("is read-only"), written.err)
        for command in [["runs"], ["recommend"], ["report", "--html", run.folder.appendingPathComponent("r.html").path]] {
            let result = try ScoretuneBinary.run(command + ["--db", run.database])
            XCTAssertEqual(result.status, 0, "\(command): \(result.err)")
        }
    }

    /// A store killed mid-run: the run ends `failed` with exit 1 and says why; once the store is
    /// back, `clean` removes what it left.
    func testDyingStoreFailsTheRun() throws {
        let store = try PrivateRclone()
        addTeardownBlock { store.remove() }
        let folder = store.folder
        let scenario = folder.appendingPathComponent("s.yaml").path
        try """
        env: \(store.envPath)
        objects: {sizes: [48MiB], count: 2, seed: 3}
        grid: {UPLOAD_PARTSIZE: [20MiB, 24MiB], parallel: [1, 2], UPLOAD_RETRY_LIMIT: 1}
        repetitions: 20
        warmup: 0
        backoff: {base: 10ms, max: 20ms}
        """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let database = folder.appendingPathComponent("r.sqlite").path
        let process = try ScoretuneBinary.start(["run", scenario, "--db", database, "--quiet"])
        var configuration = Configuration()
        configuration.readonly = true
        XCTAssertTrue(waitUntil {
            (try? DatabaseQueue(path: database, configuration: configuration).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM trials") ?? 0 }) ?? 0 >= 2
        })
        store.kill()
        XCTAssertEqual(waitForExit(process), 1)
        let err = stderr(process)
        XCTAssertTrue(err.contains("failed: store unreachable after 5 consecutive failed trials"), err)
        let status = try DatabaseQueue(path: database, configuration: configuration).read { try String.fetchOne($0, sql: "SELECT status FROM runs") }
        XCTAssertEqual(status, "failed")

        try store.start()
        let clean = try ScoretuneBinary.run(["clean", "--db", database])
        XCTAssertEqual(clean.status, 0, clean.err)
        // rclone keeps an upload's parts in a temporary file of its own, which a server killed with
        // -9 cannot remove and forgets on restart: the server's leftover, not an object of the run.
        XCTAssertEqual(store.files("score-object").filter { !$0.contains(".rclone_temp_") }, ["data/heliograph"])
        XCTAssertEqual(store.files("score-state"), [])
    }

    /// Started on a pseudo-terminal that then closes (an SSH drop): the run cleans up as for
    /// Ctrl-C and exits 130, instead of dying on a write to the gone terminal.
    func testClosedTerminalIsACtrlC() async throws {
        let run = try TemporaryRun(.seaweedfs, longScenario)
        addTeardownBlock { run.remove() }
        let before = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        let trigger = run.folder.appendingPathComponent("close-now").path
        let helper = Process()
        helper.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        helper.arguments = ["python3", LocalBackend.packageRoot.appendingPathComponent("scripts/tests/hangup.py").path, trigger,
                            ScoretuneBinary.url.path, "run", run.scenario, "--db", run.database]
        let output = Pipe()
        helper.standardOutput = output
        try helper.run()
        XCTAssertTrue(waitUntil { (try? run.count("SELECT count(*) FROM created WHERE removed_at IS NULL")) ?? 0 >= 1 }, "the run never started")
        _ = FileManager.default.createFile(atPath: trigger, contents: nil)
        let report = output.fileHandleForReading.readDataToEndOfFile()
        helper.waitUntilExit()
        let end = try XCTUnwrap(JSONSerialization.jsonObject(with: report) as? [String: Any], String(decoding: report, as: UTF8.self))
        XCTAssertEqual(end["exit"] as? Int, 130, "\(end)")
        XCTAssertNil(end["signal"], "killed by a signal: \(end)")
        XCTAssertTrue((end["output"] as? String ?? "").contains("visit 1/"), "the live progress line was on the terminal: \(end)")
        XCTAssertEqual(try run.count("SELECT count(*) FROM runs WHERE status = 'interrupted'"), 1)
        XCTAssertEqual(try run.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
        let after = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        XCTAssertEqual(after, before, after.difference(from: before))
    }

    /// A run against a store that froze (SIGSTOP): Ctrl-C ends the run within the clean-up's short
    /// limits, and a second Ctrl-C quits at once naming the exact clean command.
    func testCtrlCOnAFrozenStore() throws {
        for twice in [false, true] {
            let store = try PrivateRclone()
            defer { store.remove() }
            let scenario = store.folder.appendingPathComponent("s.yaml").path
            try """
            env: \(store.envPath)
            objects: {sizes: [40MiB], count: 4, seed: 3}
            grid: {UPLOAD_PARTSIZE: 20MiB, parallel: 2}
            repetitions: 50
            warmup: 0
            """.write(toFile: scenario, atomically: true, encoding: .utf8)
            let database = store.folder.appendingPathComponent("r.sqlite").path
            let process = try ScoretuneBinary.start(["run", scenario, "--db", database, "--quiet"])
            var configuration = Configuration()
            configuration.readonly = true
            XCTAssertTrue(waitUntil {
                (try? DatabaseQueue(path: database, configuration: configuration).read {
                    try Int.fetchOne($0, sql: "SELECT count(*) FROM created WHERE removed_at IS NULL") ?? 0 }) ?? 0 >= 1
            })
            kill(store.process!.processIdentifier, SIGSTOP)
            Thread.sleep(forTimeInterval: 0.5)
            kill(process.processIdentifier, SIGINT)
            if twice {
                Thread.sleep(forTimeInterval: 1)
                XCTAssertTrue(process.isRunning, "still cleaning up against the frozen store")
                let second = Date()
                kill(process.processIdentifier, SIGINT)
                let status = waitForExit(process, seconds: 10)
                if status == nil { process.terminate() }
                XCTAssertEqual(status, 130)
                XCTAssertLessThan(Date().timeIntervalSince(second), 3, "a second Ctrl-C quits at once")
                let err = stderr(process)
                XCTAssertTrue(err.contains("quit at once; what the run created may still be in the store: run `scoretune clean --run 1 --db \(database)`"), err)
            } else {
                let first = Date()
                let status = waitForExit(process, seconds: 60)
                if status == nil { process.terminate() }
                XCTAssertEqual(status, 130)
                XCTAssertLessThan(Date().timeIntervalSince(first), 40, "the clean-up gives up on a frozen store")
                let err = stderr(process)
                XCTAssertTrue(err.contains("run `scoretune clean --run 1 --db \(database)`"), err)
            }
            kill(store.process!.processIdentifier, SIGCONT)
            let clean = try ScoretuneBinary.run(["clean", "--db", database])
            XCTAssertEqual(clean.status, 0, clean.err)
            XCTAssertEqual(store.files("score-state"), [])
        }
    }

    /// A holder this machine cannot see (another host, a container with its own pid namespace)
    /// counts as alive while its heartbeat is fresh, and as gone once it is stale.
    func testAnInvisibleHolderLivesByItsHeartbeat() throws {
        let run = try TemporaryRun(.seaweedfs, "objects: {sizes: [8MiB]}\nrepetitions: 1\nwarmup: 0\n")
        addTeardownBlock { run.remove() }
        XCTAssertEqual(try ScoretuneBinary.run(["run", run.scenario, "--db", run.database, "--quiet"]).status, 0)
        func hold(heartbeatAgo seconds: Double) throws {
            try DatabaseQueue(path: run.database).write { db in
                try db.execute(sql: "UPDATE runs SET status = 'running'")
                try db.execute(sql: "DELETE FROM lease")
                try db.execute(sql: """
                    INSERT INTO lease (id, run_id, purpose, pid, process_start, host, boot_id, pid_namespace, taken_at, heartbeat_at)
                    VALUES (1, 1, 'run', 1, '1', 'node7', 'another-boot', 'pid:[1]', ?, ?)
                    """, arguments: [Date().timeIntervalSince1970 - 3600, Date().timeIntervalSince1970 - seconds])
            }
        }
        try hold(heartbeatAgo: 5)
        let refused = try ScoretuneBinary.run(["clean", "--db", run.database])
        XCTAssertEqual(refused.status, 3, refused.err)
        XCTAssertTrue(refused.err.contains("in use by run 1 (pid 1 on node7"), refused.err)
        try hold(heartbeatAgo: 600)
        let taken = try ScoretuneBinary.run(["clean", "--db", run.database])
        XCTAssertEqual(taken.status, 0, taken.err)
        XCTAssertEqual(try run.count("SELECT count(*) FROM runs WHERE status = 'interrupted'"), 1, "the holder was gone: its run is interrupted")
        XCTAssertEqual(try run.count("SELECT count(*) FROM lease"), 0, "and the clean-up gave the lease back")
    }

    /// The scenario run in this process against the memory store, into `database`.
    static func memoryRun(_ backend: MemoryS3Backend, _ run: TemporaryRun, database: String) async throws {
        let result = try await run.run(on: backend.store, database: database)
        XCTAssertEqual(result.status, .completed)
    }
}
