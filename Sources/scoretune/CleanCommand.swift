import ArgumentParser
import Foundation
import Model
import Results
import Runner
import ScoreConfig
import Transport

struct Clean: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove what a run created and left behind (after kill -9 or a lost connection), and nothing else.",
        discussion: """
        Only keys, uploads and run-unique prefixes listed in the database are touched. A run that is still alive \
        is never cleaned: its owner does that itself. Runs whose owner is gone are marked interrupted. \
        Exit status: 0 all removed, 1 some could not be, 2 bad input or database, 3 the database is in use by a live run.
        """)

    @Option(name: .long, help: "Only this run (default: every run in the database).")
    var run: Int64?

    @Option(name: .long, help: "Instead of a database: everything the workers of this distributed run left in the store, found by the tag in their keys (needs --env).")
    var tag: String?

    @Option(name: .long, help: "Instead of a database: the probe keys a `check` could not remove (its id, as its clean-up row names it; needs --env).")
    var check: String?

    @OptionGroup var database: DatabaseOption
    var db: String { database.db }

    @Option(name: .long, help: "The .env.score with the store's credentials (default: the one the run used).")
    var env: String?

    @OptionGroup var transportFlags: TransportFlags

    @Flag(name: .long, help: "Print what was removed as JSON.")
    var json = false

    /// What `clean --json` prints.
    struct Cleaned: Encodable {
        var removed: Int
        var failures: [String]
        var run: Int64?
        var tag: String?
    }

    func run() async throws {
        if let tag { return try await cleanTag(tag) }
        if let check { return try await cleanCheck(check) }
        guard FileManager.default.fileExists(atPath: db) else { throw CommandFailure(message: "\(db): no such results database") }
        let database: ResultsDatabase
        do { database = try ResultsDatabase(path: db) } catch let error as ResultsDatabase.OpenError {
            throw CommandFailure(message: error.description)
        }
        // The clean-up is a writer too: while it holds the lease no run starts, and a live run
        // refuses it (so a live run's objects are never removed from under it).
        do { try await database.acquireLease(.clean) } catch let held as RunLease.Held {
            throw CommandFailure(message: held.description + " (a live run removes what it created itself)", code: 3)
        }
        let heartbeat = database.keepLeaseAlive()
        defer { heartbeat.cancel() }
        do {
            try await clean(database)
            try? await database.releaseLease()
        } catch {
            try? await database.releaseLease()
            throw error
        }
    }

    private func clean(_ database: ResultsDatabase) async throws {
        let runIds: [Int64]
        if let run {
            guard try await database.run(run) != nil else { throw CommandFailure(message: "--run \(run): no such run in \(db)") }
            runIds = [run]
        } else {
            runIds = Array(Set(try await database.openCreated(run: nil).map(\.runId))).sorted()
        }
        let transport = CurlTransport(options: try transportFlags.options())
        defer { transport.shutdown() }
        var removed = 0, failures: [String] = []
        for id in runIds {
            let recorded = try await database.run(id)?.envPath ?? ""
            let envPath = env ?? recorded
            let settings: ScoreSettings
            do { settings = try loadSettings(envPath) } catch let failure as CommandFailure {
                throw CommandFailure(message: "run \(id): \(failure.message) (pass --env FILE)")
            }
            let connection = try StoreConnection(settings: settings, transport: transport, observer: nil)
            let report = await Cleaner(database: database, remover: connection.remover).clean(run: id)
            removed += report.removed
            failures += report.failures.map(settings.scrubbed)
        }
        if json { try JSONOutput.print(Cleaned(removed: removed, failures: failures, run: run)) }
        else { print("removed \(removed) item(s) listed in \(db)\(run.map { " for run \($0)" } ?? "")") }
        for failure in failures { Console.error("scoretune: could not remove \(failure)\n") }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    /// `clean --check ID`: what a check's probe left under `scoretune-check/ID/`.
    private func cleanCheck(_ id: String) async throws {
        guard TagCleaner.isCheckProbeId(id) else { throw CommandFailure(message: "--check \(id.prefix(40)): expected the probe's id, a lower-case UUID") }
        if run != nil { throw CommandFailure(message: "--check cleans a check's probe keys, --run a database's ledger: give one") }
        guard let env else { throw CommandFailure(message: "--check \(id): give --env FILE, the .env.score the check used") }
        let (removed, failures) = try await transportFlags.withSharedStore(env) { connection in
            let report = await TagCleaner(connection: connection).clean(checkProbe: id)
            return (report.removed, report.failures.map(connection.settings.scrubbed))
        }
        if json { try JSONOutput.print(Cleaned(removed: removed, failures: failures)) }
        else { print("removed \(removed) item(s) of check probe \(id)") }
        for failure in failures { Console.error("scoretune: could not remove \(failure)\n") }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    /// `clean --tag`: lists the tag's prefixes and removes what is under them.
    private func cleanTag(_ tag: String) async throws {
        if let problem = Worker.tagProblem(tag) { throw CommandFailure(message: "--tag \(tag.prefix(70)): \(problem)") }
        if run != nil { throw CommandFailure(message: "--tag cleans by the store's keys, --run by a database's ledger: give one") }
        guard let env else { throw CommandFailure(message: "--tag \(tag): give --env FILE, the .env.score of the store the workers used") }
        let (removed, failures) = try await transportFlags.withSharedStore(env) { connection in
            let report = await TagCleaner(connection: connection).clean(tag: tag)
            return (report.removed, report.failures.map(connection.settings.scrubbed))
        }
        if json { try JSONOutput.print(Cleaned(removed: removed, failures: failures, tag: tag)) }
        else { print("removed \(removed) item(s) of tag \(tag)") }
        for failure in failures { Console.error("scoretune: could not remove \(failure)\n") }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
