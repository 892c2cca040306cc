import Foundation
import GRDB
import TestSupport
import Transport
import XCTest

/// Distributed runs on the real local Slurm and SeaweedFS: workers that start every cell together
/// at a barrier held in the store, a worker killed mid-run, and the merge of their databases.
final class DistributedRunTests: XCTestCase {
    let transport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    /// A small grid for several workers: 2 cells, one measured round, 4 objects of 4 MiB.
    static let small = """
        name: distributed-small
        mode: score
        objects: {sizes: [4MiB], count: 4, seed: 3}
        grid: {UPLOAD_PARTSIZE: [20MiB], parallel: [1, 2]}
        repetitions: 1
        warmup: 0
        """

    func open(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    func count(_ path: String, _ sql: String) throws -> Int {
        try open(path).read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    /// Starts `count` workers at once (rank → arguments, environment) and waits for them all. Both
    /// pipes of every worker are drained on threads of their own: a worker blocked on a full pipe
    /// would never reach the barrier the others wait at.
    func runTogether(_ count: Int, _ arguments: (Int) -> [String],
                     environment: (Int) -> [String: String] = { _ in [:] }) throws -> [(status: Int32, out: String, err: String)] {
        let processes = try (0..<count).map { try ScoretuneBinary.start(arguments($0), environment: environment($0)) }
        let outputs = processes.map { process in
            [process.standardOutput, process.standardError].map { pipe in
                let text = Drained()
                let handle = (pipe as! Pipe).fileHandleForReading
                let done = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    text.value = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
                    done.signal()
                }
                return (text, done)
            }
        }
        return zip(processes, outputs).map { process, pipes in
            pipes.forEach { $0.1.wait() }
            process.waitUntilExit()
            return (process.terminationStatus, pipes[0].0.value, pipes[1].0.value)
        }
    }

    /// `merge --tag` of two workers that uploaded their databases: both merged, and the two
    /// databases and two end markers removed from the store.
    func mergeUploaded(tag: String, env: String, into merged: String) throws {
        let merge = try ScoretuneBinary.run(["merge", "--tag", tag, "--env", env, "--db", merged])
        XCTAssertEqual(merge.status, 0, merge.err)
        XCTAssertTrue(merge.out.contains("merged 2 workers of tag \(tag) (completed)"), merge.out)
        XCTAssertTrue(merge.out.contains("removed 4 item(s) of the tag from the store"), "2 databases and 2 end markers: \(merge.out)")
        XCTAssertEqual(try count(merged, "SELECT count(DISTINCT worker) FROM trials"), 2)
    }

    /// One pipe's text, written by its draining thread before it signals.
    final class Drained: @unchecked Sendable { var value = "" }

    /// The shipped scenario as `scoretune slurm … --workers 4 --submit --wait` runs it: one job,
    /// one step of four tasks, then the merge. Every cell has trials of all four workers, the
    /// workers were released within 250 ms of each other at every barrier, and nothing of the
    /// tag is left in the store (objects, markers, uploads).
    func testFourWorkersAsOneSlurmStepThenMerged() async throws {
        let slurm = try LocalSlurm.environment()
        let settings = try LocalBackend.seaweedfs.settings()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-slurm-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let before = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        let tag = "t" + UUID().uuidString.prefix(8).lowercased()
        let scenario = LocalBackend.packageRoot.appendingPathComponent("scenarios/distributed.yaml").path
        let result = try ScoretuneBinary.run(["slurm", scenario, "--workers", "4", "--env", settings.path, "--tag", tag,
                                              "--dir", folder.path, "--submit", "--wait"], environment: slurm)
        XCTAssertEqual(result.status, 0, result.out + result.err)
        XCTAssertTrue(result.out.contains("merged 4 workers of tag \(tag) (completed)"), result.out)
        let merged = folder.appendingPathComponent("merged.sqlite").path
        XCTAssertEqual(try count(merged, "SELECT workers FROM runs"), 4)
        let cells = try count(merged, "SELECT count(*) FROM cells")
        XCTAssertEqual(cells, 4)
        XCTAssertEqual(try count(merged, "SELECT count(*) FROM cells c WHERE (SELECT count(DISTINCT worker) FROM trials t WHERE t.cell_id = c.id AND t.warmup = 0) = 4"),
                       cells, "every cell has measured trials of all four workers")
        // 4 objects: one per worker, each up and down, per repetition (1 warm-up + 2).
        XCTAssertEqual(try count(merged, "SELECT count(*) FROM trials"), cells * 4 * 2 * 3)
        XCTAssertEqual(try count(merged, "SELECT count(*) FROM attempts WHERE worker IS NULL"), 0, "every attempt names its worker")
        // Each barrier (one per cell and round — the warm-up rides with round 0 — and the end) passed by all four; their releases within 250 ms.
        XCTAssertEqual(try count(merged, "SELECT count(*) FROM (SELECT name FROM barriers GROUP BY name HAVING count(DISTINCT worker) = 4)"),
                       cells * 2 + 1)
        let skew = try await open(merged).read { db in
            try Double.fetchOne(db, sql: "SELECT max(spread) FROM (SELECT max(released_at) - min(released_at) AS spread FROM barriers GROUP BY name)") ?? -1
        }
        XCTAssertGreaterThanOrEqual(skew, 0)
        XCTAssertLessThan(skew, 0.25, "barrier release skew \(skew) s")
        XCTAssertEqual(try count(merged, "SELECT count(*) FROM barriers WHERE offset_s IS NULL"), 0)
        XCTAssertTrue(result.out.contains("removed 4 item(s) of the tag from the store"), result.out)
        // The merged run answers as any run does.
        let recommend = try ScoretuneBinary.run(["recommend", "--db", merged])
        XCTAssertEqual(recommend.status, 0, recommend.err)
        XCTAssertTrue(recommend.out.contains("UPLOAD_PARTSIZE="), recommend.out)

        // One self-contained file: copied off alone, it is the whole run, and its answers are the fleet's.
        XCTAssertFalse(FileManager.default.fileExists(atPath: merged + "-wal"))
        let journal = try await open(merged).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(journal, "delete")
        let away = folder.appendingPathComponent("away")
        try FileManager.default.createDirectory(at: away, withIntermediateDirectories: true)
        let copy = away.appendingPathComponent("merged.sqlite").path
        try FileManager.default.copyItem(atPath: merged, toPath: copy)
        let runs = try ScoretuneBinary.run(["runs", "--db", copy])
        XCTAssertEqual(runs.status, 0, runs.err)
        XCTAssertTrue(runs.out.contains("distributed"), runs.out)
        let markdown = away.appendingPathComponent("report.md").path
        let report = try ScoretuneBinary.run(["report", "--db", copy, "--md", markdown, "--html", away.appendingPathComponent("report.html").path])
        XCTAssertEqual(report.status, 0, report.err)
        let text = try String(contentsOfFile: markdown, encoding: .utf8)
        XCTAssertTrue(text.contains("## Fleet: 4 workers together"), text)
        XCTAssertEqual(text.components(separatedBy: "\n").filter { $0.hasPrefix("| ") && ($0.contains("| upload | 4 |") || $0.contains("| download | 4 |")) }.count,
                       cells * 2, "the aggregate of each cell and direction, by all four workers: \(text)")
        XCTAssertTrue(text.contains("Each worker's upload MB/s in cell ") && text.contains("w3 "), text)
        let html = try String(contentsOfFile: away.appendingPathComponent("report.html").path, encoding: .utf8)
        XCTAssertTrue(html.contains("fleet-workers-upload") && html.contains("barrier release skew"))
        let json = try ScoretuneBinary.run(["recommend", "--db", copy, "--json"])
        XCTAssertEqual(json.status, 0, json.err)
        let answer = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        XCTAssertEqual(answer["objective"] as? String, "aggregate")
        let chosen = try XCTUnwrap(answer["chosen"] as? [String: Any])
        XCTAssertNotNil(chosen["perObjectMedian"], "one object's figure beside the fleet's")
        let plan = try ScoretuneBinary.run(["plan", "--db", copy, "--dataset", "10TB", "--window", "2d"])
        XCTAssertEqual(plan.status, 2)
        XCTAssertTrue(plan.err.contains("merged run of 4 workers") && plan.err.contains("workers: [1, 2, 4]"), plan.err)
        let after = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        XCTAssertEqual(after, before, after.difference(from: before))
    }

    /// Three workers; one is killed with SIGKILL once every worker is under way. The other two
    /// wait at the next barrier, name the missing rank when it times out, and exit 1 after removing
    /// what they created; `clean --tag` removes what the killed one left.
    func testAKilledWorkerIsNamedAtTheNextBarrierAndCleanTagRemovesWhatItLeft() async throws {
        let settings = try LocalBackend.seaweedfs.settings()
        let run = try TemporaryRun(.seaweedfs, """
            name: distributed-kill
            mode: score
            objects: {sizes: [16MiB], count: 3, seed: 5}
            grid: {UPLOAD_PARTSIZE: [20MiB], parallel: [1, 2, 4]}
            repetitions: 3
            warmup: 0
            """)
        addTeardownBlock { run.remove() }
        let before = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        let tag = "k" + UUID().uuidString.prefix(8).lowercased()
        let database = { (rank: Int) in run.folder.appendingPathComponent("worker-\(rank).sqlite").path }
        let workers = try (0..<3).map { rank in
            try ScoretuneBinary.start(["run", run.scenario, "--worker", "\(rank)/3", "--tag", tag, "--db", database(rank),
                                       "--quiet", "--barrier-timeout", "30"])
        }
        // Under way: every worker has passed the first barrier and worker 2 has a transfer open.
        let deadline = Date().addingTimeInterval(60)
        func underWay() -> Bool {
            (0..<3).allSatisfy { FileManager.default.fileExists(atPath: database($0)) && ((try? count(database($0), "SELECT count(*) FROM barriers")) ?? 0) >= 1 }
                && ((try? count(database(2), "SELECT count(*) FROM created WHERE removed_at IS NULL AND key NOT LIKE 'scoretune-barrier/%'")) ?? 0) >= 1
        }
        while Date() < deadline && !underWay() { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertTrue(underWay(), "the workers never got under way")
        kill(workers[2].processIdentifier, SIGKILL)
        for (rank, worker) in workers.enumerated().prefix(2) {
            let errData = (worker.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile()
            worker.waitUntilExit()
            let err = String(decoding: errData, as: UTF8.self)
            XCTAssertEqual(worker.terminationStatus, 1, "worker \(rank): \(err)")
            // 30 s: on a loaded machine a live worker can be seconds behind another; only rank 2 must be missing.
            XCTAssertTrue(err.contains("worker 2 did not arrive within 30s"), "worker \(rank): \(err)")
            XCTAssertEqual(try count(database(rank), "SELECT count(*) FROM created WHERE removed_at IS NULL"), 0, "worker \(rank) removed what it created")
        }
        workers[2].waitUntilExit()
        XCTAssertGreaterThan(try count(database(2), "SELECT count(*) FROM created WHERE removed_at IS NULL"), 0, "the killed worker left things")

        let clean = try ScoretuneBinary.run(["clean", "--tag", tag, "--env", settings.path])
        XCTAssertEqual(clean.status, 0, clean.err)
        let after = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        XCTAssertEqual(after, before, after.difference(from: before))
    }

    /// grid.workers [1, 2] on two workers: the one-worker cells are moved by worker 0 alone (all
    /// four objects), the two-worker cells by both; worker 1 waits at the barriers of the others.
    /// More workers in the grid than started, or grid.workers on one machine: one line, exit 2.
    func testAWorkersSweepLeavesTheOthersWaiting() async throws {
        let run = try TemporaryRun(.seaweedfs, Self.small.replacingOccurrences(of: "parallel: [1, 2]}", with: "parallel: [2], workers: [1, 2]}"))
        addTeardownBlock { run.remove() }
        let tag = "w" + UUID().uuidString.prefix(8).lowercased()
        let path = { (rank: Int) in run.folder.appendingPathComponent("worker-\(rank).sqlite").path }
        for worker in try runTogether(2, { ["run", run.scenario, "--worker", "\($0)/2", "--tag", tag, "--db", path($0), "--quiet"] }) {
            XCTAssertEqual(worker.status, 0, worker.err)
        }
        let merged = run.folder.appendingPathComponent("merged.sqlite").path
        let settings = try LocalBackend.seaweedfs.settings()
        let merge = try ScoretuneBinary.run(["merge", path(0), path(1), "--db", merged, "--env", settings.path])
        XCTAssertEqual(merge.status, 0, merge.err)
        let perCell = try open(merged).read { db in
            try Row.fetchAll(db, sql: "SELECT c.workers AS workers, count(DISTINCT t.worker) AS movers, count(DISTINCT t.object_index) AS objects, max(t.worker) AS top FROM cells c JOIN trials t ON t.cell_id = c.id GROUP BY c.id")
        }
        XCTAssertEqual(perCell.count, 2)
        for row in perCell {
            let workers: Int = row["workers"], movers: Int = row["movers"], objects: Int = row["objects"], top: Int = row["top"]
            XCTAssertEqual(movers, workers, "a cell of \(workers) worker(s) is moved by exactly that many")
            XCTAssertEqual(top, workers - 1, "by the first ones")
            XCTAssertEqual(objects, 4, "all four objects move in every cell")
        }
        XCTAssertTrue(merge.out.contains("workers=1"), merge.out)
        // plan counts every worker's transfers: one worker, then two, each with one client.
        let plan = try ScoretuneBinary.run(["plan", "--db", merged, "--dataset", "1TB", "--window", "1d"])
        XCTAssertEqual(plan.status, 0, plan.err)
        XCTAssertTrue(plan.out.contains("(clients × workers, all workers together)"), plan.out)
        XCTAssertTrue(plan.out.contains("  clients=1:") && plan.out.contains("  clients=2:"), plan.out)

        let tooMany = try ScoretuneBinary.run(["run", run.scenario, "--worker", "0/1", "--tag", tag, "--db", path(5), "--quiet"])
        XCTAssertEqual(tooMany.status, 2)
        XCTAssertTrue(tooMany.err.contains("grid.workers 2 is more than the 1 workers started"), tooMany.err)
        let alone = try ScoretuneBinary.run(["run", run.scenario, "--db", path(6), "--quiet"])
        XCTAssertEqual(alone.status, 2)
        XCTAssertTrue(alone.err.contains("grid.workers sweeps the workers of a distributed run"), alone.err)
    }

    /// Workers that share no filesystem (a Kubernetes Job's pods): each uploads its database to the
    /// object bucket when it ends, and `merge --tag` fetches them, merges, and removes them and the
    /// last markers, leaving the buckets as they were.
    func testDatabasesTravelThroughTheBucketToMergeTag() async throws {
        let settings = try LocalBackend.seaweedfs.settings()
        let run = try TemporaryRun(.seaweedfs, Self.small)
        addTeardownBlock { run.remove() }
        let before = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        let tag = "u" + UUID().uuidString.prefix(8).lowercased()
        // As in a pod: the rank from JOB_COMPLETION_INDEX, the count from --workers.
        let workers = try runTogether(2, { _ in ["run", run.scenario, "--workers", "2", "--tag", tag, "--upload-db",
                                                 "--db", run.folder.appendingPathComponent("pod-{rank}.sqlite").path] },
                                      environment: { ["JOB_COMPLETION_INDEX": "\($0)"] })
        for worker in workers {
            XCTAssertEqual(worker.status, 0, worker.out)
            XCTAssertTrue(worker.out.contains("uploaded the results database to the object bucket as scoretune-results/\(tag)/worker-"), worker.out)
        }
        let merged = run.folder.appendingPathComponent("merged.sqlite").path
        try mergeUploaded(tag: tag, env: settings.path, into: merged)
        let after = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        XCTAssertEqual(after, before, after.difference(from: before))
        let none = try ScoretuneBinary.run(["merge", "--tag", tag, "--env", settings.path, "--db", merged])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.err.contains("no worker database under scoretune-results/\(tag)/"), none.err)
    }

    /// Score's second profile scales out like the first (#25): two workers on the loopback Azure
    /// server meet at barriers held as blobs, upload their databases as staged blocks, and
    /// `merge --tag` fetches, merges and removes them with the last markers, leaving the container
    /// as it was; the merged run's report carries the fleet.
    func testTwoWorkersOnAzureMeetUploadTheirDatabasesAndMerge() async throws {
        let settings = try LocalBackend.azure.settings()
        let run = try TemporaryRun(.azure, """
            mode: score
            objects: {sizes: [40MiB], count: 2, seed: 23}
            grid: {block_size: [4MiB], UPLOAD_PARTSIZE: [8MiB], parallel: [1, 2]}
            repetitions: 2
            warmup: 0
            """)
        addTeardownBlock { run.remove() }
        let before = try await AzureSnapshot.take(transport: transport)
        let tag = "z" + UUID().uuidString.prefix(8).lowercased()
        let path = { (rank: Int) in run.folder.appendingPathComponent("worker-\(rank).sqlite").path }
        for worker in try runTogether(2, { ["run", run.scenario, "--worker", "\($0)/2", "--tag", tag, "--upload-db", "--db", path($0)] }) {
            XCTAssertEqual(worker.status, 0, worker.err)
            XCTAssertTrue(worker.out.contains("uploaded the results database to the object bucket as scoretune-results/\(tag)/worker-"), worker.out)
        }
        for rank in 0..<2 {
            XCTAssertEqual(try count(path(rank), "SELECT count(DISTINCT name) FROM barriers"), 2 * 2 + 1, "a barrier per cell and round, and the end")
            XCTAssertEqual(try count(path(rank), "SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
        }
        let merged = run.folder.appendingPathComponent("merged.sqlite").path
        try mergeUploaded(tag: tag, env: settings.path, into: merged)
        XCTAssertEqual(try count(merged, "SELECT count(*) FROM (SELECT name FROM barriers GROUP BY name HAVING count(DISTINCT worker) = 2)"), 2 * 2 + 1)
        let markdown = run.folder.appendingPathComponent("report.md").path
        let report = try ScoretuneBinary.run(["report", "--db", merged, "--md", markdown])
        XCTAssertEqual(report.status, 0, report.err)
        let text = try String(contentsOfFile: markdown, encoding: .utf8)
        XCTAssertTrue(text.contains("## Fleet: 2 workers together"), text)
        let after = try await AzureSnapshot.take(transport: transport)
        XCTAssertEqual(after, before, after.difference(from: before))

        // A worker whose partner never comes names it at the barrier and removes what it made;
        // `clean --tag` finds the rest by the tag alone.
        let lone = "y" + UUID().uuidString.prefix(8).lowercased()
        let alone = try ScoretuneBinary.run(["run", run.scenario, "--worker", "0/2", "--tag", lone, "--db", path(7), "--quiet", "--barrier-timeout", "2"])
        XCTAssertEqual(alone.status, 1, alone.err)
        XCTAssertTrue(alone.err.contains("worker 1 did not arrive"), alone.err)
        let clean = try ScoretuneBinary.run(["clean", "--tag", lone, "--env", settings.path])
        XCTAssertEqual(clean.status, 0, clean.err)
        let cleaned = try await AzureSnapshot.take(transport: transport)
        XCTAssertEqual(cleaned, before, cleaned.difference(from: before))
    }

    /// A time budget spent at the first barrier: every worker stops there together, passes the
    /// last barrier, and leaves nothing in the store once merged.
    func testASpentBudgetStopsEveryWorkerAtTheSameBarrier() async throws {
        let settings = try LocalBackend.seaweedfs.settings()
        let run = try TemporaryRun(.seaweedfs, Self.small + "\nbudget: 1ms\n")
        addTeardownBlock { run.remove() }
        let before = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        let tag = "b" + UUID().uuidString.prefix(8).lowercased()
        let path = { (rank: Int) in run.folder.appendingPathComponent("worker-\(rank).sqlite").path }
        for worker in try runTogether(2, { ["run", run.scenario, "--worker", "\($0)/2", "--tag", tag, "--db", path($0), "--quiet", "--barrier-timeout", "20"] }) {
            XCTAssertEqual(worker.status, 0, worker.err)
        }
        for rank in 0..<2 {
            XCTAssertEqual(try count(path(rank), "SELECT count(*) FROM runs WHERE status = 'budget-exhausted'"), 1)
            XCTAssertEqual(try count(path(rank), "SELECT count(*) FROM barriers WHERE stop = 1"), 1, "stopped at the first barrier")
            XCTAssertEqual(try count(path(rank), "SELECT count(*) FROM barriers WHERE name = 'end'"), 1)
            XCTAssertEqual(try count(path(rank), "SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
        }
        let merge = try ScoretuneBinary.run(["merge", path(0), path(1), "--db", run.folder.appendingPathComponent("merged.sqlite").path,
                                             "--env", settings.path])
        XCTAssertEqual(merge.status, 0, merge.err)
        XCTAssertTrue(merge.out.contains("(budget-exhausted)"), merge.out)
        let after = try await StoreSnapshot.take(.seaweedfs, transport: transport)
        XCTAssertEqual(after, before, after.difference(from: before))
    }

    /// Two workers of a small grid, then `merge` of what they wrote, and the sets it refuses, each
    /// with one line and exit 2: a missing rank, a database that is not a worker's, another
    /// scenario's shard, the same rank twice.
    func testMergeJoinsOneRunAndRefusesWhatDoesNotBelong() async throws {
        let settings = try LocalBackend.seaweedfs.settings()
        let run = try TemporaryRun(.seaweedfs, Self.small)
        addTeardownBlock { run.remove() }
        let tag = "m" + UUID().uuidString.prefix(8).lowercased()
        let database = { (rank: Int) in run.folder.appendingPathComponent("worker-\(rank).sqlite").path }
        for worker in try runTogether(2, { ["run", run.scenario, "--worker", "\($0)/2", "--tag", tag,
                                            "--db", run.folder.appendingPathComponent("worker-{rank}.sqlite").path, "--quiet"] }) {
            XCTAssertEqual(worker.status, 0, worker.err)
        }
        // The run left its last markers ("end") for the merge: a new run under the same tag is refused.
        let again = try ScoretuneBinary.run(["run", run.scenario, "--worker", "0/2", "--tag", tag, "--db", database(7), "--quiet"])
        XCTAssertEqual(again.status, 1, again.err)
        XCTAssertTrue(again.err.contains("the store holds barrier markers of an earlier run of this tag"), again.err)
        let merged = run.folder.appendingPathComponent("merged.sqlite").path
        let merge = try ScoretuneBinary.run(["merge", database(0), database(1), "--db", merged, "--env", settings.path, "--json"])
        XCTAssertEqual(merge.status, 0, merge.err)
        let summary = try JSONSerialization.jsonObject(with: Data(merge.out.utf8)) as? [String: Any]
        XCTAssertEqual(summary?["workers"] as? Int, 2)
        XCTAssertEqual(summary?["schema_version"] as? Int, 1)
        XCTAssertEqual(summary?["command"] as? String, "merge")
        XCTAssertEqual(summary?["trialsByWorker"] as? [String: Int], ["0": 2 * 2 * 2, "1": 2 * 2 * 2], merge.out)
        XCTAssertEqual(summary?["removedFromStore"] as? Int, 2)
        XCTAssertEqual(try count(merged, "SELECT count(*) FROM trials t JOIN attempts a ON a.trial_id = t.id WHERE a.worker != t.worker"), 0,
                       "each attempt belongs to a trial of its own worker")
        XCTAssertEqual(try count(merged, "SELECT count(DISTINCT id) FROM trials"), 16)
        // compare reads a merged run as any other: the run against itself regresses nowhere.
        let compared = try ScoretuneBinary.run(["compare", "\(merged):1", "\(merged):1", "--json"])
        XCTAssertEqual(compared.status, 0, compared.out + compared.err)
        let comparison = (try JSONSerialization.jsonObject(with: Data(compared.out.utf8)) as? [String: Any])?["comparison"] as? [String: Any]
        XCTAssertEqual((comparison?["rows"] as? [[String: Any]])?.count, 2 * 2, "each cell of the merged run, both directions: \(compared.out)")

        func refused(_ files: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let result = try ScoretuneBinary.run(["merge"] + files + ["--db", run.folder.appendingPathComponent("refused.sqlite").path])
            XCTAssertEqual(result.status, 2, result.out + result.err, file: file, line: line)
            XCTAssertTrue(result.err.contains(expected), result.err, file: file, line: line)
            XCTAssertEqual(result.err.split(separator: "\n").count, 1, "one line: \(result.err)", file: file, line: line)
            // With --json the same refusal is a document on standard output, with the same status.
            let json = try ScoretuneBinary.run(["merge"] + files + ["--db", run.folder.appendingPathComponent("refused.sqlite").path, "--json"])
            XCTAssertEqual(json.status, 2, file: file, line: line)
            let error = (try? JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])?["error"] as? [String: Any]
            XCTAssertTrue((error?["message"] as? String)?.contains(expected) == true, json.out, file: file, line: line)
        }
        try refused([database(0)], "worker 1 of 2 (tag \(tag)) missing")
        let foreign = run.folder.appendingPathComponent("foreign.sqlite").path
        try await DatabaseQueue(path: foreign).write { db in try db.execute(sql: "CREATE TABLE samples (x INTEGER)") }
        try refused([database(0), foreign], "foreign.sqlite: is not a scoretune results database")
        try refused([database(0), merged], "merged.sqlite: is not a worker's database")
        let other = run.folder.appendingPathComponent("other.sqlite").path
        try FileManager.default.copyItem(atPath: database(1), toPath: other)
        try await DatabaseQueue(path: other).write { db in try db.execute(sql: "UPDATE runs SET scenario_text = scenario_text || '# changed'") }
        try refused([database(0), other], "ran another scenario than")
        try refused([database(1), other], "ran another scenario than")
        let otherGrid = run.folder.appendingPathComponent("other-grid.sqlite").path
        try FileManager.default.copyItem(atPath: database(1), toPath: otherGrid)
        try await DatabaseQueue(path: otherGrid).write { db in try db.execute(sql: "UPDATE cells SET retry_limit = retry_limit + 1 WHERE position = 1") }
        try refused([database(0), otherGrid], "its cells differ from")
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.folder.appendingPathComponent("refused.sqlite").path), "a refused merge writes nothing")
    }
}
