import Foundation
import Model
import Results
import Scenario
import ScoreConfig
import Transport

public struct RunOptions: Sendable {
    public var scenarioPath: String?
    /// Overrides the scenario's `env:` (or, on resume, the run's recorded path).
    public var envPath: String?
    public var databasePath: String
    public var resume: Int64?
    public var transport: TransportOptions
    /// A distributed run's worker (`run --worker K/N --tag T`); nil on one machine.
    public var worker: Worker?
    /// How long a worker waits at a barrier for the others.
    public var barrierTimeout: Duration = .seconds(300)
    /// A worker: upload the database to the object bucket when the run ends (see `WorkerResults`).
    public var uploadDatabase = false
    /// Makes the run's transports: libcurl, unless a test puts an in-memory store there.
    public var makeTransport: @Sendable (TransportOptions) -> any HTTPTransport = { CurlTransport(options: $0) }

    public init(scenarioPath: String?, envPath: String?, databasePath: String, resume: Int64?, transport: TransportOptions = TransportOptions()) {
        self.scenarioPath = scenarioPath
        self.envPath = envPath
        self.databasePath = databasePath
        self.resume = resume
        self.transport = transport
    }
}

public struct RunResult: Sendable {
    public var runId: Int64
    /// completed | interrupted | budget-exhausted | failed
    public var status: RunStatus
    /// Why the run failed (status `failed`): the store stopped answering.
    public var failure: String?
    public var cellsDone: Int
    public var cellsTotal: Int
    /// What could not be removed (also left in the database for `scoretune clean`).
    public var leftBehind: [String]
    /// The .env.score the run used.
    public var envPath: String = ""
    /// A worker's database, uploaded: its key in the object bucket.
    public var uploadedTo: String?
}

extension RunResult {
    /// What is said last of an interrupted run: true of what its clean-up did.
    public func interruptedNote(cleanCommand: String) -> String {
        "interrupted; run \(runId) marked interrupted, "
            + (leftBehind.isEmpty ? "its objects removed"
               : "\(leftBehind.count) of the things it created could not be removed (named above; `\(cleanCommand)` removes them)")
    }
}

/// Runs a scenario: every cell of its grid in a seeded random order, warm-up first, each
/// repetition uploading, downloading and removing the objects, everything recorded as it happens.
public final class ScenarioRunner: Sendable {
    let options: RunOptions
    let progress: RunProgress
    /// The run's id once it has one, for a second Ctrl-C's `clean` command.
    public let identity: RunIdentity

    public init(options: RunOptions, progress: RunProgress) {
        self.options = options
        self.progress = progress
        identity = RunIdentity(databasePath: options.databasePath)
    }

    /// Runs the scenario holding the database's lease: a second run or a clean-up on the same
    /// database is refused while this one lives.
    public func run() async throws -> RunResult {
        let creating = !FileManager.default.fileExists(atPath: options.databasePath)
        let database: ResultsDatabase
        do { database = try ResultsDatabase(path: options.databasePath) } catch let error as ResultsDatabase.OpenError {
            throw RunFailure.badInput(error.description)
        }
        do { try await database.acquireLease(.run, runId: options.resume) } catch let held as RunLease.Held {
            throw RunFailure.busy(held.description)
        }
        let heartbeat = database.keepLeaseAlive()
        // Gives the lease back and closes the file before returning, whatever the outcome: the
        // caller reads the database back at once, and a pool still closing would lock it out.
        // A worker's file (the one it uploads, or leaves for merge) is made the whole database:
        // why it could not be is returned.
        @discardableResult
        func finish() async -> Error? {
            heartbeat.cancel()
            try? await Task { try await database.releaseLease() }.value
            try? database.close()
            guard options.worker != nil else { return nil }
            do { try ResultsDatabase.makeSelfContained(path: options.databasePath) } catch { return error }
            return nil
        }
        do {
            var result = try await run(database)
            // Its requests digested once, here, so that every later read (and a merge of a fleet's
            // workers) sums digests instead of passing over every attempt.
            try? await database.storeRequestDigests(run: result.runId)
            let notSelfContained = await finish()
            if options.uploadDatabase, let worker = options.worker {
                // Only the whole database goes up: a file whose log could not be folded in is not it.
                if let notSelfContained { throw RunFailure.busy("\(notSelfContained); not uploaded") }
                let transport = options.makeTransport(options.transport)
                defer { transport.shutdown() }
                let settings = try Self.loadSettings(result.envPath)
                do {
                    result.uploadedTo = try await WorkerResults.upload(databasePath: options.databasePath, worker: worker,
                                                                       connection: try StoreConnection(settings: settings, transport: transport, observer: nil))
                } catch let failure as RunFailure {
                    throw RunFailure.store(settings.scrubbed(failure.description))
                }
            }
            return result
        } catch {
            // A run that could not start leaves no empty database behind (a bad scenario, an unreachable store).
            let empty = creating ? ((try? await database.runs().isEmpty) ?? false) : false
            await finish()
            if empty {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: options.databasePath + suffix) }
            }
            throw error
        }
    }

    private func run(_ database: ResultsDatabase) async throws -> RunResult {
        let (scenario, envPath, previous) = try await loadScenario(database)
        let settings = try Self.loadSettings(envPath)
        do { return try await run(database, scenario: scenario, envPath: envPath, previous: previous, settings: settings) } catch let failure as RunFailure {
            // A message may quote a bucket, an endpoint or a key: never a secret's value.
            switch failure {
            case .badInput(let text): throw RunFailure.badInput(settings.scrubbed(text))
            case .store(let text): throw RunFailure.store(settings.scrubbed(text))
            case .busy(let text): throw RunFailure.busy(settings.scrubbed(text))
            }
        }
    }

    private func run(_ database: ResultsDatabase, scenario: Scenario, envPath: String, previous: RunRow?,
                     settings: ScoreSettings) async throws -> RunResult {
        for warning in scenario.warnings { progress.note("scoretune: warning: \(warning)") }

        let plan = try RunPlan.make(scenario, settings: settings, envPath: envPath, worker: options.worker, resuming: previous != nil)
        let grid = plan.cells
        for note in plan.notes { progress.note("scoretune: note: \(note)") }

        var transportOptions = options.transport
        // Room for every route's warm connections at once: in interleaved order the cells of each
        // played network (its proxy's own port) come back every round and must find their
        // connections still open.
        let perCell = (grid.map { $0.parallel * $0.clients }.max() ?? 1) + 8
        // (A network that plays faults has a proxy per cell: see `CellProxies`.)
        transportOptions.maxConnections = min(4096, max(16, perCell * (CellProxies.count(for: grid, scenario: scenario) + 1)))
        let transport = options.makeTransport(transportOptions)
        defer { transport.shutdown() }
        let connection = try StoreConnection(settings: settings, transport: transport, observer: nil)
        let server = try await (connection.isAzure ? preflightAzure(connection) : preflight(connection))

        let (runId, cells) = try await openRun(database, scenario: scenario, envPath: envPath, previous: previous, settings: settings,
                                               plan: plan, connection: connection, server: server)
        identity.set(runId)
        let recorder = RunRecorder(database: database, runId: runId, firstTrialId: try await database.nextTrialId(), progress: progress)
        // Every request the cells send is watched: a store that stops answering ends the run
        // within the run's own timeouts (`StoreWatch`).
        let watch = StoreWatch(silence: .milliseconds(grid.map(\.stallTimeoutMilliseconds).max() ?? 60_000),
                               connect: .milliseconds(grid.map(\.connectTimeoutMilliseconds).max() ?? 15_000))
        let recording = try StoreConnection(settings: settings, transport: watch.watching(transport), observer: recorder)
        // Removals wait no longer than the run's own timeouts (and never more than 10 s): a
        // clean-up after Ctrl-C on a store that stopped answering ends within them.
        let cleaner = Cleaner(database: database, remover: recording.remover(connect: min(watch.connect, .seconds(10)),
                                                                            stall: min(watch.silence, .seconds(10))))
        if previous != nil {
            try await database.setRunStatus(runId, .running, finished: false)
            let leftovers = await cleaner.clean(run: runId)
            if !leftovers.failures.isEmpty { progress.note("scoretune: warning: \(leftovers.failures.count) leftover(s) of the earlier go could not be removed") }
        }

        // A run recorded before orders existed ran blocked, and goes on that way.
        let order = previous.map { $0.trialOrder ?? .blocked } ?? scenario.order
        let visits = RoundPlan.visits(cells: cells, repetitions: scenario.repetitions, order: order, seed: scenario.orderSeed)
        let pending = Set(visits.map(\.cellId))
        let session = previous == nil ? 1 : max(try await database.lastSession(run: runId), 1) + 1
        progress.start(visits: visits.count, cells: cells.count, rounds: scenario.repetitions)
        let live = cells.filter { !$0.status.isSetAside }.count
        let search: String
        switch scenario.search.strategy {
        case .grid: search = "\(pending.count) of \(cells.count) cell(s) to go" + (order == .interleaved ? " in up to \(scenario.repetitions) interleaved round(s)" : "")
        case .halving: search = "successive halving (eta \(scenario.search.eta)) over \(live) live cell(s)"
        case .ramp: search = "a \(scenario.search.rampKnob?.rawValue ?? "concurrency") ramp, then successive halving (eta \(scenario.search.eta)) over \(live) live cell(s)"
        }
        progress.note("run \(runId): \(scenario.name), \(scenario.mode.rawValue) mode, \(search)"
            + (session > 1 ? " (session \(session))" : "") + ", results in \(database.path)")
        let started = ContinuousClock.now
        var status = RunStatus.completed
        var failure: String?
        var done = cells.count - pending.count
        let probe: @Sendable () async throws -> Void = { [self] in
            _ = try await (connection.isAzure ? preflightAzure(connection) : preflight(connection))
        }
        let proxies = CellProxies()
        let execution = CellExecution(scenario: scenario, session: session, proxies: proxies, connection: recording, recorder: recorder,
                                      progress: progress, health: StoreHealth(), probeStore: probe, worker: options.worker)
        let barrier = options.worker.map { [progress] in
            StoreBarrier(worker: $0, store: SharedStore(connection), database: database, recorder: recorder,
                         pollInterval: StoreBarrier.pollInterval(workers: $0.count), timeout: options.barrierTimeout,
                         waiting: { progress.note("scoretune: \($0)") })
        }
        let budget = scenario.budgetMilliseconds
        let timeSpent: @Sendable () -> Bool = { budget.map { started.duration(to: .now) > .milliseconds($0) } ?? false }
        let walk: any CellWalk
        switch scenario.search.strategy {
        case .grid:
            walk = GridWalk(visits: visits, cells: cells, runId: runId, execution: execution, progress: progress, barrier: barrier,
                            resuming: previous != nil, envPath: envPath, budgetMilliseconds: budget, timeSpent: timeSpent)
        case .halving, .ramp:
            let halving = HalvingSearch(scenario: scenario, database: database, runId: runId, execution: execution, progress: progress,
                                        timeSpent: timeSpent)
            walk = scenario.search.strategy == .ramp ? RampSearch(halving: halving) : halving
        }
        let storeProbe: @Sendable (Timeouts) async throws -> Void = { [connection] timeouts in
            _ = try await connection.isAzure ? connection.azureHousekeeping.probeEndpoint(timeouts: timeouts)
                : connection.housekeeping.probeEndpoint(timeouts: timeouts)
        }
        var storeSilent = false
        do {
            status = try await watch.guarding(probe: storeProbe) { try await walk.walk() }
        } catch let error as StoreWatch.NotAnswering {
            status = .failed
            storeSilent = true
            failure = error.description
            progress.note("scoretune: \(error.description); stopping the run")
        } catch is CancellationError {
            status = .interrupted
        } catch let error as TransportError where error.kind == .cancelled {
            status = .interrupted
        } catch let error as StoreUnreachable {
            status = .failed
            failure = error.description
            progress.note("scoretune: \(error.description); stopping the run")
        } catch {
            // Anything else (a database or proxy failure) still ends with the clean-up below:
            // what the run created is removed and its cells and status are marked.
            status = .failed
            failure = settings.scrubbed("\(error)")
            progress.note("scoretune: \(failure!); stopping the run")
        }
        if Task.isCancelled { status = .interrupted }
        // The cells done are those the walk completed (a search's pruned and dropped cells are not).
        done = (try? await database.cells(run: runId).filter { $0.status == .done }.count) ?? done

        // Clean-up must go through even when the run was cancelled: it runs in a task of its own,
        // which the cancellation does not reach. (The command reads the summary back afterwards.)
        let finalStatus = status
        // A store found not answering is asked once, within the same bounds, before the rest is
        // left listed for `scoretune clean`.
        let closingCleaner = storeSilent ? Cleaner(database: database, remover: recording.remover(connect: watch.connect, stall: watch.silence),
                                                   storeSilent: true) : cleaner
        let cleanup = try await Task {
            try await close(database, runId: runId, status: finalStatus, proxies: proxies, recorder: recorder, cleaner: closingCleaner)
        }.value
        progress.finish()
        return RunResult(runId: runId, status: status, failure: failure, cellsDone: done, cellsTotal: cells.count,
                         leftBehind: cleanup.failures, envPath: envPath)
    }


    /// The run's row and its cells: a new run's in the seeded order (a search's with what it
    /// prunes before any trial), or a resumed run's own.
    private func openRun(_ database: ResultsDatabase, scenario: Scenario, envPath: String, previous: RunRow?, settings: ScoreSettings,
                         plan: RunPlan, connection: StoreConnection, server: String?) async throws -> (runId: Int64, cells: [CellRow]) {
        if let previous { return (previous.id, try await database.cells(run: previous.id)) }
        let runId = try await database.insertRun(RunRow(
            scenarioName: scenario.name, scenarioPath: scenario.path, scenarioText: scenario.text, envPath: envPath,
            mode: scenario.mode, toolVersion: ScoretuneVersion.current, host: ProcessInfo.processInfo.hostName,
            backendEndpoint: connection.endpointURL, backendServer: server, configHash: Self.configHash(settings),
            orderSeed: Int64(bitPattern: scenario.orderSeed), startedAt: Date().timeIntervalSince1970, status: .running,
            trialOrder: scenario.order, searchStrategy: scenario.search.strategy,
            tag: options.worker?.tag, workers: options.worker?.count, workerRank: options.worker?.rank))
        try await database.attachLease(runId: runId)
        switch scenario.search.strategy {
        case .halving, .ramp:
            return (runId, try await HalvingSearch.insertCells(plan, scenario: scenario, storeIsLocal: LoopbackHost.of(connection.endpointURL) != nil,
                                                               runId: runId, database: database, progress: progress))
        case .grid:
            return (runId, try await database.insertCells(plan.cellRows(runId: runId, seed: scenario.orderSeed)))
        }
    }

    /// Ends the run, whatever ended it: the proxies stopped, the writer flushed, cells begun but
    /// not complete marked interrupted (--resume goes on from their complete rounds), everything
    /// in the ledger removed, and the status written.
    private func close(_ database: ResultsDatabase, runId: Int64, status: RunStatus, proxies: CellProxies, recorder: RunRecorder,
                       cleaner: Cleaner) async throws -> Cleaner.Report {
        await proxies.stopAll()
        try? await recorder.writer.close()
        if status != .completed {
            for cell in try await database.cells(run: runId) where cell.status == .running {
                try await database.setCellStatus(cell.id, .interrupted)
            }
        }
        let cleanup = await cleaner.clean(run: runId)
        try await database.setRunStatus(runId, status, finished: true)
        return cleanup
    }

    private func loadScenario(_ database: ResultsDatabase) async throws -> (Scenario, String, RunRow?) {
        if let resume = options.resume {
            guard let run = try await database.run(resume) else {
                throw RunFailure.badInput("--resume \(resume): no such run in \(database.path)")
            }
            guard run.status != .completed else { throw RunFailure.badInput("--resume \(resume): that run is already complete") }
            let scenario: Scenario
            do { scenario = try ScenarioLoader.parse(text: run.scenarioText, path: run.scenarioPath) } catch let error as ScenarioError {
                throw RunFailure.badInput(error.description)
            }
            return (scenario, options.envPath ?? run.envPath, run)
        }
        guard let path = options.scenarioPath else { throw RunFailure.badInput("name a scenario file, or --resume RUN_ID") }
        let (scenario, env) = try RunPlan.scenarioFile(path, envPath: options.envPath)
        return (scenario, env, nil)
    }

    static func loadSettings(_ path: String) throws -> ScoreSettings {
        let settings: ScoreSettings
        do { settings = try ScoreSettings.load(path: path) } catch let error as ScoreSettings.LoadError {
            throw RunFailure.badInput(error.description)
        }
        if let error = settings.errors.first { throw RunFailure.badInput("\(error)") }
        return settings
    }

}


