import Foundation
import Model
import Results
import Scenario
import Workload

/// One visit of a cell (see `RoundPlan`): its warm-up on the first visit, then the visit's
/// measured repetitions, each uploading every object (`clients` at a time), downloading each one
/// back with verification, then removing them.
struct CellExecution: Sendable {
    let scenario: Scenario
    /// The run's go: 1, then +1 for each `--resume` (recorded with every trial).
    let session: Int
    let proxies: CellProxies
    let connection: StoreConnection
    let recorder: RunRecorder
    let progress: RunProgress
    /// Counts trials that got no answer from the store; `probeStore` decides whether it is gone.
    let health: StoreHealth
    let probeStore: @Sendable () async throws -> Void
    /// A distributed run's worker: it moves only its share of the objects, under its own ids.
    var worker: Worker? = nil

    /// Runs the visit; true when the cell has now done all its repetitions.
    func run(_ visit: CellVisit, of cell: CellRow) async throws -> Bool {
        let database = recorder.database
        // A visit cut short earlier is redone whole; the cell's complete rounds (and their
        // warm-up) stay. A resumed cell warms up again, its warm-up trials marked with the session.
        let first = visit.rounds.lowerBound == 0 ? 0 : scenario.warmup + visit.rounds.lowerBound
        try await database.discardResults(cell: cell.id, fromRepetition: first)
        try await database.setCellStatus(cell.id, .running)

        // A cell on a played network talks to the store through that network's fault proxy,
        // the same one on every visit (see `CellProxies`).
        let via = try await proxies.via(for: cell, scenario: scenario, connection: connection, recorder: recorder)
        let objects = scenario.objects.filter { worker?.owns(objectIndex: $0.index, amongFirst: cell.knobs.workers) ?? true }
            .map { SyntheticObject(seed: scenario.seed, index: $0.index, size: $0.size) }
        let connections = ClientConnections(cell.knobs.connections, shared: connection)
        defer { connections.finish() }
        let path = dataPath(for: cell, via: via, client: connections.forVisit)
        try await prepareDigests(path, objects)
        let paths = TrialPaths(visit: path, connections: connections) { dataPath(for: cell, via: via, client: $0) }

        let context = AttemptContext(cellId: cell.id)
        let measured = Collected<(direction: Direction, outcome: TrialOutcome)>()
        let repetitions = (visit.warmup ? Array(0..<scenario.warmup) : []) + visit.rounds.map { scenario.warmup + $0 }
        // Each repetition moves every object up and back down.
        let visitBytes = objects.reduce(Int64(0)) { $0 + $1.size } * Int64(repetitions.count) * 2
        progress.cellStarted(cell.knobs.label, position: cell.position, round: visit.round, bytes: visitBytes)
        try await AttemptContext.$current.withValue(context) {
            for repetition in repetitions {
                try Task.checkCancellation()
                try await runRepetition(repetition, round: visit.round, cell: cell, objects: objects, paths: paths, measured: measured)
            }
        }
        try await recorder.writer.flush()
        let complete = visit.rounds.upperBound >= scenario.repetitions
        try await database.completeVisit(cell.id, roundsDone: visit.rounds.upperBound, cellDone: complete)
        if complete { await proxies.stop(cell: cell, scenario: scenario) }
        progress.cellFinished(summary: Self.summary(cell, measured.all))
        return complete
    }

    /// The cell's data path: Score's S3 path, a plain multipart client, or Score's Azure path.
    /// Client-side requests go through `client` (see `ClientConnections`); Score's server side
    /// through the run's shared connection.
    private func dataPath(for cell: CellRow, via: String?, client: StoreConnection) -> DataPath {
        let connect = Duration.milliseconds(cell.knobs.connectTimeoutMilliseconds)
        let retry = RetryPolicy(limit: cell.knobs.retryLimit, baseMilliseconds: scenario.backoff.baseMilliseconds,
                                maxMilliseconds: scenario.backoff.maxMilliseconds)
        // Score's server sits beside its store unless the cell's network says it is far from it
        // (`server_calls: true`); a plain client (multipart mode) makes every request itself.
        let serverFar = scenario.mode == .multipart || cell.knobs.network.flatMap { scenario.networks[$0]?.carriesServerCalls } == true
        let serverVia = serverFar ? via : nil
        if connection.isAzure {
            let settings = connection.settings
            var plan = AzurePlan(
                client: client.azureClient(connect: connect, stall: .milliseconds(cell.knobs.stallTimeoutMilliseconds), via: via),
                server: (serverFar ? client : connection).azureClient(connect: connect, stall: StoreConnection.serverReadTimeout, via: serverVia),
                container: settings.objectBucket, uploadPolicy: settings.uploadPolicy, downloadPolicy: settings.downloadPolicy,
                blockSize: cell.knobs.blockSize ?? 104_857_600, rangeSize: cell.knobs.uploadPartSize, parallel: cell.knobs.parallel, retry: retry,
                journal: recorder, digests: DigestCache(store: recorder))
            plan.objectIdPrefix = worker?.objectIdPrefix ?? ""
            return AzureDataPath(plan: plan)
        }
        var plan = TransferPlan(
            s3: client.client(connect: connect, stall: .milliseconds(cell.knobs.stallTimeoutMilliseconds), via: via),
            server: (serverFar ? client : connection).client(connect: connect, stall: StoreConnection.serverReadTimeout, via: serverVia),
            objectBucket: connection.settings.objectBucket, stateBucket: connection.settings.stateBucket,
            uploadPartSize: cell.knobs.uploadPartSize, downloadPartSize: cell.knobs.downloadPartSize, parallel: cell.knobs.parallel,
            retry: retry, journal: recorder, digests: DigestCache(store: recorder))
        plan.objectIdPrefix = worker?.objectIdPrefix ?? ""
        switch scenario.mode {
        case .score: return ScoreDataPath(plan: plan)
        case .multipart: return MultipartDataPath(plan: plan)
        }
    }

    /// MD5s are computed before any timing starts (and only once per object and layout, the
    /// digest cache keeps them), one object per core: Score's parts, or for Put Block List the
    /// whole object's.
    private func prepareDigests(_ path: DataPath, _ objects: [SyntheticObject]) async throws {
        let digest: @Sendable (SyntheticObject) async throws -> Void
        switch path {
        case let azure as AzureDataPath: digest = { _ = try await azure.contentMD5($0) }
        case let score as ScoreDataPath: digest = { _ = try await score.plan.digests.digests(for: $0, partSize: score.partSize(for: $0)) }
        default: return
        }
        try await inParallel(objects, width: ProcessInfo.processInfo.activeProcessorCount, digest)
    }

    private func runRepetition(_ repetition: Int, round: Int?, cell: CellRow, objects: [SyntheticObject], paths: TrialPaths,
                               measured: Collected<(direction: Direction, outcome: TrialOutcome)>) async throws {
        let warmup = repetition < scenario.warmup
        let stored = Collected<StoredObject>()
        try await inParallel(objects, width: cell.knobs.clients) { object in
            let trialId = recorder.newTrialId()
            let (outcome, uploaded) = await withTrial(trialId) { await paths.trial { await $0.upload(object) } }
            record(outcome, trialId: trialId, cell: cell, repetition: repetition, round: round, warmup: warmup, direction: .upload, index: object.index)
            try await checkStore(after: outcome)
            if !warmup { measured.append((.upload, outcome)) }
            if let uploaded { stored.append(uploaded) }
        }
        try Task.checkCancellation()
        try await inParallel(stored.all, width: cell.knobs.clients) { object in
            let trialId = recorder.newTrialId()
            let outcome = await withTrial(trialId) { await paths.trial { await $0.download(object) } }
            record(outcome, trialId: trialId, cell: cell, repetition: repetition, round: round, warmup: warmup, direction: .download, index: object.object.index)
            try await checkStore(after: outcome)
            if !warmup { measured.append((.download, outcome)) }
        }
        try Task.checkCancellation()
        try await inParallel(stored.all, width: cell.knobs.clients) { object in
            do { try await paths.visit.remove(object) } catch {
                progress.note("scoretune: warning: could not remove \(object.key) (\(error)); `scoretune clean` will retry")
            }
        }
    }

    /// After several trials in a row got no answer, asks the store directly; a store that does not
    /// answer either ends the run.
    private func checkStore(after outcome: TrialOutcome) async throws {
        guard health.record(outcome) else { return }
        do {
            try await probeStore()
            health.reset()
        } catch {
            throw StoreUnreachable(failures: health.failuresInARow, probe: "\(error)")
        }
    }

    private func withTrial<T: Sendable>(_ trialId: Int64, _ body: () async -> T) async -> T {
        var context = AttemptContext.current
        context.trialId = trialId
        return await AttemptContext.$current.withValue(context, operation: body)
    }

    private func record(_ outcome: TrialOutcome, trialId: Int64, cell: CellRow, repetition: Int, round: Int?, warmup: Bool,
                        direction: Direction, index: Int) {
        // A trial cut off by Ctrl-C measured nothing: it is not a result.
        guard outcome.errorClass != .cancelled else { return }
        var row = TrialRow(
            id: trialId, runId: recorder.runId, cellId: cell.id, repetition: repetition, warmup: warmup, direction: direction,
            objectIndex: index, objectKey: outcome.key, objectSize: outcome.objectSize, partSize: outcome.partSize,
            parts: outcome.parts, startedAt: outcome.startedAt, duration: outcome.duration,
            errorClass: outcome.errorClass, error: outcome.error, retries: outcome.retries, phases: outcome.phases,
            cpuUser: outcome.cpu.user, cpuSystem: outcome.cpu.system)
        (row.round, row.session, row.hostCPU, row.runnablePerCore) = (round, session, outcome.hostCPU, outcome.runnablePerCore)
        row.worker = worker?.rank
        recorder.writer.add(row)
        progress.trialFinished(direction: direction, bytes: outcome.objectSize, seconds: outcome.duration, failed: !outcome.succeeded)
    }

    /// The progress line for a finished cell, from the outcomes it measured.
    static func summary(_ cell: CellRow, _ measured: [(direction: Direction, outcome: TrialOutcome)]) -> String {
        func median(_ direction: Direction) -> String {
            let rates = measured.filter { $0.direction == direction && $0.outcome.succeeded && $0.outcome.duration > 0 }
                .map { Double($0.outcome.objectSize) / $0.outcome.duration / 1e6 }
            return Units.formatMBps(Percentile.median(rates))
        }
        let failed = measured.filter { !$0.outcome.succeeded }.count
        let retries = measured.map(\.outcome.retries).reduce(0, +)
        return "\(cell.knobs.label): upload \(median(.upload)) MB/s, download \(median(.download)) MB/s, "
            + "\(measured.count) trials, \(failed) failed, \(retries) retries"
    }
}

/// The data path each trial of a visit moves its object on: the visit's own, or with
/// `connections: per-object` one built on a pool of the trial's own.
struct TrialPaths: Sendable {
    let visit: DataPath
    let connections: ClientConnections
    let build: @Sendable (StoreConnection) -> DataPath

    init(visit: DataPath, connections: ClientConnections, build: @escaping @Sendable (StoreConnection) -> DataPath) {
        (self.visit, self.connections, self.build) = (visit, connections, build)
    }

    func trial<T: Sendable>(_ body: (DataPath) async -> T) async -> T {
        guard connections.reuse == .perObject else { return await body(visit) }
        return await connections.onOwnPool { await body(build($0)) }
    }
}

/// Results gathered from parallel tasks.
/// Sendable: `items` only under `lock`.
final class Collected<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.withLock { items.append(item) } }
    var all: [T] { lock.withLock { items } }
}
