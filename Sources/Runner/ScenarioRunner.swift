import Foundation
import Hashing
import Model
import ObjectStore
import Results
import Scenario
import ScoreConfig
import Transport
import Workload

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
        func finish() async {
            heartbeat.cancel()
            try? await Task { try await database.releaseLease() }.value
            if options.uploadDatabase { try? database.checkpointIntoFile() }
            try? database.close()
        }
        do {
            var result = try await run(database)
            await finish()
            if options.uploadDatabase, let worker = options.worker {
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
        let (defaults, grid) = (plan.defaults, plan.cells)
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

        let runId: Int64
        var cells: [CellRow]
        if let previous {
            runId = previous.id
            cells = try await database.cells(run: runId)
        } else {
            runId = try await database.insertRun(RunRow(
                scenarioName: scenario.name, scenarioPath: scenario.path, scenarioText: scenario.text, envPath: envPath,
                mode: scenario.mode, toolVersion: ScoretuneVersion.current, host: ProcessInfo.processInfo.hostName,
                backendEndpoint: connection.endpointURL, backendServer: server, configHash: Self.configHash(settings),
                orderSeed: Int64(bitPattern: scenario.orderSeed), startedAt: Date().timeIntervalSince1970, status: .running,
                trialOrder: scenario.order, searchStrategy: scenario.search.strategy,
                tag: options.worker?.tag, workers: options.worker?.count, workerRank: options.worker?.rank))
            try await database.attachLease(runId: runId)
            if scenario.search.strategy != .grid {
                cells = try await HalvingSearch.insertCells(grid, scenario: scenario, defaults: defaults,
                                                            storeIsLocal: LoopbackHost.of(connection.endpointURL) != nil,
                                                            runId: runId, database: database, progress: progress)
            } else {
                var order = SplitMix64(seed: scenario.orderSeed)
                let shuffled = grid.shuffled(using: &order)
                cells = try await database.insertCells(shuffled.enumerated().map { position, knobs in
                    CellRow(runId: runId, position: position, knobs: knobs)
                })
            }
        }

        identity.set(runId)
        let recorder = RunRecorder(database: database, runId: runId, firstTrialId: try await database.nextTrialId(), progress: progress)
        let recording = try StoreConnection(settings: settings, transport: transport, observer: recorder)
        let cleaner = Cleaner(database: database, remover: recording.remover)
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
        let barrier = options.worker.map {
            StoreBarrier(worker: $0, s3: connection.housekeeping, bucket: settings.objectBucket, database: database, recorder: recorder,
                         pollInterval: StoreBarrier.pollInterval(workers: $0.count), timeout: options.barrierTimeout)
        }
        let cellsById = Dictionary(uniqueKeysWithValues: cells.map { ($0.id, $0) })

        let budget = scenario.budgetMilliseconds
        let timeSpent: @Sendable () -> Bool = { budget.map { started.duration(to: .now) > .milliseconds($0) } ?? false }
        do {
            if scenario.search.strategy != .grid {
                let search = HalvingSearch(scenario: scenario, database: database, runId: runId, execution: execution, progress: progress,
                                           timeSpent: timeSpent)
                status = try await (scenario.search.strategy == .ramp ? RampSearch(halving: search).run() : search.run())
            } else {
                var passage: StoreBarrier.Passage?
                // Markers an earlier run of this tag left would release or stop this one wrongly.
                let firstBarrier = visits.first.flatMap { visit in cellsById[visit.cellId].map { BarrierRow.name(position: $0.position, round: visit.round) } }
                if let barrier, previous == nil, let stale = try await barrier.earlierRunsMarker(firstBarrier: firstBarrier ?? BarrierRow.endName) {
                    throw RunFailure.badInput("--tag \(barrier.worker.tag): the store holds barrier markers of an earlier run of this tag (\(stale)); "
                                              + "remove them with `scoretune clean --tag \(barrier.worker.tag) --env \(envPath)`, or use another tag")
                }
                for visit in visits {
                    guard let cell = cellsById[visit.cellId] else { continue }
                    // Workers start each cell together, and stop together when any one's budget is spent.
                    var stop = timeSpent()
                    if let barrier {
                        passage = try await barrier.pass(BarrierRow.name(position: cell.position, round: visit.round), cellId: cell.id,
                                                         stop: stop, previous: passage)
                        stop = passage!.stop
                    }
                    if stop {
                        status = .budgetExhausted
                        progress.note("time budget of \(Units.formatDuration(budget ?? 0)) spent"
                                      + (barrier != nil && !timeSpent() ? " by another worker" : "")
                                      + ": \(cells.count - done) cell(s) not complete" + (barrier == nil ? "; finish them with --resume \(runId)" : ""))
                        break
                    }
                    if try await execution.run(visit, of: cell) { done += 1 }
                }
                // Also after a stop: passing "end" is what lets each worker remove its stop marker
                // without pulling it from under a worker still listing.
                if let barrier {
                    _ = try await barrier.pass(BarrierRow.endName, cellId: nil, stop: false, previous: passage)
                }
            }
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
        if scenario.search.strategy != .grid {
            // A search's cells are done only when it kept them to the end (pruned and dropped are not).
            done = (try? await database.cells(run: runId).filter { $0.status == .done }.count) ?? done
        }

        // Clean-up must go through even when the run was cancelled: it runs in a task of its own,
        // which the cancellation does not reach. (The command reads the summary back afterwards.)
        let finalStatus = status
        let cleanup = try await Task {
            await proxies.stopAll()
            try? await recorder.writer.close()
            // Cells begun but not complete (an interrupt, a failure, or in interleaved order a
            // spent budget) are marked so; --resume goes on from their complete rounds.
            if finalStatus != .completed {
                for cell in try await database.cells(run: runId) where cell.status == .running {
                    try await database.setCellStatus(cell.id, .interrupted)
                }
            }
            let cleanup = await cleaner.clean(run: runId)
            try await database.setRunStatus(runId, finalStatus, finished: true)
            return cleanup
        }.value
        progress.finish()
        return RunResult(runId: runId, status: status, failure: failure, cellsDone: done, cellsTotal: cells.count,
                         leftBehind: cleanup.failures, envPath: envPath)
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

    /// Proves the store answers and both buckets exist before anything is created; returns the
    /// store's Server header.
    private func preflight(_ connection: StoreConnection) async throws -> String? {
        let s3 = connection.housekeeping
        let server: String?
        do {
            server = try await s3.probeEndpoint(timeouts: Timeouts(connect: .seconds(10), stall: .seconds(10))).header("server")
        } catch {
            throw RunFailure.store("\(connection.settings.endpoint) (S3_ENDPOINT) does not answer: \(error)")
        }
        for (variable, bucket) in [("BUCKET_NAME_OBJECT", connection.settings.objectBucket), ("BUCKET_NAME_STATE", connection.settings.stateBucket)] {
            do { try await s3.headBucket(bucket) } catch let error as S3Error {
                let why = error.status == 403 ? "access denied: check S3_ACCESSKEY and S3_SECRETKEY" :
                    error.status == 404 ? "it does not exist" : "\(error)"
                throw RunFailure.store("bucket '\(bucket)' (\(variable)): \(why)")
            }
        }
        return server
    }

    /// The same for Azure: the account answers, the key is its key, the container exists.
    private func preflightAzure(_ connection: StoreConnection) async throws -> String? {
        let azure = connection.azureHousekeeping
        let settings = connection.settings
        let server: String?
        do {
            server = try await azure.probeEndpoint(timeouts: Timeouts(connect: .seconds(10), stall: .seconds(10))).header("server")
        } catch {
            throw RunFailure.store("\(azure.account.url) (the Azure account's endpoint) does not answer: \(error)")
        }
        do { try await azure.containerProperties(settings.objectBucket) } catch let error as AzureError {
            let why = error.code == "AuthenticationFailed" ? "the account refused the key: check AZURE_ACCOUNTKEY" :
                error.code == "ContainerNotFound" ? "it does not exist" : "\(error)"
            throw RunFailure.store("container '\(settings.objectBucket)' (BUCKET_NAME_OBJECT): \(why)")
        }
        return server
    }

    /// Identifies the store and layout, never the secrets: runs against the same store compare.
    static func configHash(_ settings: ScoreSettings) -> String {
        let identity = (settings.profile == .azure
            ? ["azure", settings.azureEndpointOverride ?? "\(settings.azureProtocol)://\(settings.azureAccountName).blob.core.windows.net", settings.objectBucket]
            : [settings.endpoint, settings.objectBucket, settings.stateBucket, settings.sigV4Enabled ? "v4" : "v2"]).joined(separator: "\n")
        return String(Digest.hash(.sha256, Array(identity.utf8)).hexString.prefix(16))
    }
}


