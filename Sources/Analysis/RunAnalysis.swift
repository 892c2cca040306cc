import Foundation
import Model
import Results

/// One run, read back and summarised: per-cell throughput statistics, request latencies,
/// failures. Every number here comes from rows of the results database.
public struct RunAnalysis: Sendable {
    public var run: RunRow
    public var cells: [CellStatistics]
    /// The trials held: each cell and direction's whole, or beyond `TrialSample.cap` an evenly
    /// spaced sample of them. What is counted or added up comes from `trialTotals` instead.
    public var trialSample: [TrialRow]
    /// Every trial added up, by cell, direction and warm-up or not.
    public var trialTotals: TrialTotals
    /// The run's requests, digested by group (counts, sums, histograms): never the attempts
    /// themselves, which a fleet's run has tens of millions of.
    public var requests: RequestDigests
    /// What the fault proxy injected, if the run went through one.
    public var faults: [FaultRow] = []
    /// A search's decisions about the cells (empty for a grid run).
    public var searchVerdicts: [SearchVerdictRow] = []
    /// What the cells' throughput figures are: aggregate when the run sweeps `clients`.
    public var axis: ThroughputAxis = .perObject
    /// Every worker's passage through each barrier (a distributed run).
    public var barriers: [BarrierRow] = []
    /// A merged distributed run: what its workers got together (nil for one machine's run).
    public var fleet: Fleet?
    /// A merged distributed run: its answers rank by the fleet's throughput.
    public var isMerged: Bool { fleet != nil }

    /// Only the cells (and their trials, attempts and faults) of one network profile.
    public func restricted(toNetwork name: String?) -> RunAnalysis {
        let keep = Set(cells.filter { $0.cell.knobs.network == name }.map(\.cell.id))
        var copy = self
        copy.cells = cells.filter { keep.contains($0.cell.id) }
        copy.trialSample = trialSample.filter { keep.contains($0.cellId) }
        copy.trialTotals = trialTotals.restricted(to: keep)
        copy.requests = requests.filter { $0.cellId.map(keep.contains) ?? false }
        copy.faults = faults.filter { $0.cellId.map(keep.contains) ?? false }
        copy.searchVerdicts = searchVerdicts.filter { keep.contains($0.cellId) }
        copy.fleet = fleet?.restricted(to: keep)
        return copy
    }

    /// The network profiles the run's cells used (nil: straight to the store).
    /// An Azure run: its cells carry the client's block size.
    public var isAzure: Bool { cells.contains { $0.cell.knobs.blockSize != nil } }
    public var networks: [String?] { Array(Set(cells.map(\.cell.knobs.network))).sorted { ($0 ?? "") < ($1 ?? "") } }

    /// What an analysis keeps of a run's trials, from passes over them (`TrialPasses`): their
    /// totals and the fleet's figures over every trial, and the sample.
    struct Trials: Sendable {
        var totals: TrialTotals
        var sample: [TrialRow]
        var fleet: Fleet?

        /// Two passes: the totals (and a fleet's round bounds), then the sample (and the bytes
        /// inside each round's windows).
        init(_ passes: TrialPasses, run: RunRow, cells: [CellRow], barriers: [BarrierRow]) throws {
            var totals = TrialTotals()
            var rounds = Fleet.of(run) ? DistributedThroughput.Rounds(barriers: barriers, cells: cells) : nil
            try passes.forEach { trial in
                totals.add(trial)
                rounds?.bound(trial)
            }
            rounds?.closeBounds()
            var sample = TrialSample(totals: totals)
            try passes.forEach { trial in
                sample.offer(trial)
                rounds?.fill(trial)
            }
            (self.totals, self.sample) = (totals, sample.trials)
            fleet = rounds.flatMap { Fleet(run: run, figures: $0.figures(), barriers: barriers) }
        }
    }

    public static func load(database: ResultsDatabase, runId: Int64) async throws -> RunAnalysis {
        // One read transaction: a report taken during a run sees one consistent moment.
        guard let (snapshot, trials) = try await database.snapshot(run: runId, digestTrials: {
            try Trials($1, run: $0.run, cells: $0.cells, barriers: $0.barriers)
        }) else { throw AnalysisError("no run \(runId) in \(database.path)") }
        var analysis = RunAnalysis(run: snapshot.run, trials: trials, requests: snapshot.requests)
        analysis.faults = snapshot.faults
        analysis.searchVerdicts = snapshot.searchVerdicts
        analysis.barriers = snapshot.barriers
        analysis.summarise(snapshot.cells)
        return analysis
    }

    /// A run held in memory (a hand-made one, a short recorded one): its trials and attempts
    /// digested here.
    public init(run: RunRow, cells: [CellRow], trials: [TrialRow], attempts: [AttemptRow], barriers: [BarrierRow] = []) {
        // An array's passes cannot fail.
        let digested = try! Trials(.memory(trials), run: run, cells: cells, barriers: barriers)
        self.init(run: run, trials: digested, requests: RequestDigests(attempts, trials: trials))
        self.barriers = barriers
        summarise(cells)
    }

    /// The same run with these attempts digested instead of its own (a recorded run edited).
    public func replacingAttempts(_ attempts: [AttemptRow]) -> RunAnalysis {
        var copy = self
        copy.requests = RequestDigests(attempts, trials: trialSample)
        copy.summarise(cells.map(\.cell))
        return copy
    }

    /// The same run with these trials instead of its own (a recorded run edited); its requests
    /// stay as they were digested.
    public func replacingTrials(_ trials: [TrialRow]) -> RunAnalysis {
        var copy = self
        let digested = try! Trials(.memory(trials), run: run, cells: cells.map(\.cell), barriers: barriers)
        (copy.trialSample, copy.trialTotals, copy.fleet) = (digested.sample, digested.totals, digested.fleet)
        copy.summarise(cells.map(\.cell))
        return copy
    }

    private init(run: RunRow, trials: Trials, requests: RequestDigests) {
        (self.run, self.cells, self.trialSample, self.trialTotals, self.fleet, self.requests) = (run, [], trials.sample, trials.totals, trials.fleet, requests)
    }

    /// Builds every cell's statistics from the trials and request digests, on the run's axis.
    mutating func summarise(_ cells: [CellRow]) {
        axis = ThroughputAxis.of(cells)
        let sampleByCell = Dictionary(grouping: trialSample.filter { !$0.warmup }, by: \.cellId)
        let groupsByCell = Dictionary(grouping: requests.groups, by: { $0.key.cellId ?? -1 })
        let repetitionRates = Dictionary(uniqueKeysWithValues: Direction.allCases.map { ($0, AggregateThroughput.rates(trialTotals, direction: $0)) })
        self.cells = cells.map { cell in
            CellStatistics(cell: cell, sample: sampleByCell[cell.id] ?? [], totals: trialTotals,
                           requests: RequestDigests(groups: Dictionary(uniqueKeysWithValues: (groupsByCell[cell.id] ?? []).map { ($0.key, $0.value) })),
                           axis: axis, repetitionRates: repetitionRates, fleet: fleet)
        }
    }

    /// Connect times (seconds) of the new connections whose request succeeded: what timeouts are sized from.
    public var healthyNewConnects: LogLinearHistogram { requests.total.healthyConnect }

    /// The latest run in the database when no id is given.
    public static func resolve(_ runId: Int64?, in database: ResultsDatabase) async throws -> Int64 {
        if let runId { return runId }
        guard let latest = try await database.latestRunId() else { throw AnalysisError("\(database.path) holds no run yet") }
        return latest
    }
}

public struct AnalysisError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Throughput of one direction in one cell, over its measured (non-warm-up), successful trials.
public struct ThroughputStatistics: Sendable, Encodable {
    /// MB/s (10^6 bytes per second) of payload, per trial.
    public var samples: [Double]
    public var median: Double
    public var p5: Double
    public var p95: Double
    /// Order-statistic interval of the median, at 95% when the samples allow it; `level` is the
    /// coverage it really has.
    public var low: Double
    public var high: Double
    public var level: Double
    public var cv: Double?
    /// Object transfer time percentiles, seconds.
    public var timeP50: Double
    public var timeP95: Double
    public var timeP99: Double

    /// `samples`: MB/s figures other than each trial's own (the aggregate of each repetition);
    /// nil: one per successful trial.
    init?(_ trials: [TrialRow], samples given: [Double]? = nil) {
        let ok = trials.filter { $0.succeeded && $0.duration > 0 }
        guard !ok.isEmpty else { return nil }
        samples = given ?? ok.compactMap(\.mbps)
        guard !samples.isEmpty else { return nil }
        median = Statistics.median(samples)!
        p5 = Statistics.percentile(samples, 5)!
        p95 = Statistics.percentile(samples, 95)!
        let interval = Statistics.medianInterval(samples)!
        low = interval.low
        high = interval.high
        level = interval.level
        cv = Statistics.coefficientOfVariation(samples)
        let times = ok.map(\.duration)
        timeP50 = Statistics.percentile(times, 50)!
        timeP95 = Statistics.percentile(times, 95)!
        timeP99 = Statistics.percentile(times, 99)!
    }

    /// How to name the interval: "95% CI" when the samples reach it, else the level they do reach.
    public var intervalName: String { Statistics.intervalName(level) }

    /// Too wide to trust: the interval spans more than ±10% of the median.
    public var tooWide: Bool { (high - low) / 2 > 0.10 * median }

    /// Repetitions that would bring the interval to ±5% (the half-width shrinks with √n), and
    /// never fewer than the stated level needs at all (6 for 95%: 3 samples' min–max covers 75%).
    public func samplesNeeded() -> Int {
        let floor = level < 0.95 ? Statistics.samplesForMedianInterval(confidence: 0.95) : samples.count
        let halfWidth = (high - low) / 2
        guard halfWidth > 0.05 * median else { return max(samples.count, floor) }
        return max(floor, Int((Double(samples.count) * pow(halfWidth / (0.05 * median), 2)).rounded(.up)))
    }
}

/// Latency of one kind of request (part PUT, ranged GET, finalize, state operations).
public struct LatencyStatistics: Sendable, Encodable {
    public var kind: RequestKind
    /// The part size of the trials whose part transfers these are, when grouped by it.
    public var partSize: Int64?
    public var count: Int
    public var p50: Double
    public var p95: Double
    public var p99: Double
    public var connectP50: Double
    public var firstByteP50: Double
    public var firstByteP95: Double
    public var reusedShare: Double
    /// Mean connect, send, wait and receive: they add up to the mean request time.
    public var breakdown: TimeBreakdown
    public var meanTotal: Double { breakdown.total }

    /// From the digest of the requests (percentiles read from its histograms, within 0.8%).
    init?(kind: RequestKind, partSize: Int64? = nil, _ digest: RequestDigest) {
        guard digest.attempts > 0, let p50 = digest.total.percentile(50) else { return nil }
        self.kind = kind
        self.partSize = partSize
        count = Int(digest.attempts)
        self.p50 = p50
        p95 = digest.total.percentile(95) ?? p50
        p99 = digest.total.percentile(99) ?? p50
        connectP50 = digest.connect.percentile(50) ?? 0
        firstByteP50 = digest.firstByte.percentile(50) ?? 0
        firstByteP95 = digest.firstByte.percentile(95) ?? 0
        reusedShare = Double(digest.reused) / Double(digest.attempts)
        breakdown = digest.spans.divided(by: Double(digest.attempts))
    }

    /// The group's name: its kind, and the part size when the group is split by it.
    public var label: String {
        partSize.map { "\(kind.rawValue), \(Units.humanSize($0)) parts" } ?? kind.rawValue
    }
}

public struct CellStatistics: Sendable {
    public var cell: CellRow
    public var upload: ThroughputStatistics?
    public var download: ThroughputStatistics?
    public var trials: Int
    public var failedTrials: Int
    public var retries: Int
    /// Failed attempts by error class (whether or not a retry then succeeded).
    public var failuresByClass: [ErrorClass: Int]
    public var latencies: [LatencyStatistics]
    /// HTTP requests per measured upload trial: what a bigger part size saves.
    public var requestsPerObject: Double
    /// HTTP requests per GiB moved, by direction (measured trials): the store's cost of a cell.
    public var requestsPerGiB: [Direction: Double]
    /// The largest part each direction really moved (Score's calculator may raise the configured
    /// size): what a transfer in flight buffers.
    public var effectivePartSize: [Direction: Int64]
    /// How loaded the client was during the cell's measured trials (nil: not recorded).
    public var client: ClientSaturation?
    /// New TCP connections per measured trial, by direction: what `connections` costs.
    public var newConnectionsPerTrial: [Direction: Double]

    /// A merged run's fleet figures of this cell, by direction (empty for one machine's run).
    public var fleet: [Direction: DistributedThroughput] = [:]

    /// `sample`: the cell's measured trials held (`TrialSample`); `totals`: every trial added up.
    init(cell: CellRow, sample: [TrialRow], totals: TrialTotals, requests: RequestDigests, axis: ThroughputAxis = .perObject,
         repetitionRates: [Direction: [Int64: [Double]]] = [:], fleet: Fleet? = nil) {
        self.cell = cell
        for direction in Direction.allCases {
            if let figure = fleet?.figure(cell: cell.id, direction: direction) { self.fleet[direction] = figure }
        }
        client = ClientSaturation(sample)
        func statistics(_ direction: Direction) -> ThroughputStatistics? {
            let moved = sample.filter { $0.direction == direction }
            guard axis == .aggregate else { return ThroughputStatistics(moved) }
            return ThroughputStatistics(moved, samples: repetitionRates[direction]?[cell.id] ?? [])
        }
        upload = statistics(.upload)
        download = statistics(.download)
        let measured = totals.measured(cell: cell.id)
        trials = measured.trials
        failedTrials = measured.failed
        retries = measured.retries
        failuresByClass = requests.total.failures.mapValues { Int($0) }
        let sent = requests.filter { $0.trial == .measured }
        latencies = sent.summed { RequestKind(phase: $0.phase, operation: $0.operation) }
            .compactMap { LatencyStatistics(kind: $0.key, $0.value) }.sorted { $0.label < $1.label }
        let sentBy = sent.summed(by: \.direction)
        // Per direction: its trials' totals, the requests they sent.
        var perGiB: [Direction: Double] = [:]
        var parts: [Direction: Int64] = [:]
        var perObject = 0.0
        var connections: [Direction: Double] = [:]
        for direction in Direction.allCases {
            let moved = totals.measured(cell: cell.id, direction: direction)
            let sent = sentBy[direction] ?? RequestDigest()
            let requests = Int(sent.attempts)
            if moved.bytes > 0 { perGiB[direction] = Double(requests) / (Double(moved.bytes) / Double(1 << 30)) }
            if direction == .upload, moved.trials > 0 { perObject = Double(requests) / Double(moved.trials) }
            if moved.trials > 0 {
                parts[direction] = moved.largestPart
                connections[direction] = Double(sent.attempts - sent.reused) / Double(moved.trials)
            }
        }
        newConnectionsPerTrial = connections
        requestsPerObject = perObject
        requestsPerGiB = perGiB
        effectivePartSize = parts
    }

    public var knobs: Knobs { cell.knobs }

    /// Client memory as score-client budgets it: every part in flight is held in memory.
    /// Bytes buffered at once: what one transfer really held (the effective part, block or range)
    /// × in flight × clients.
    public var clientMemory: Int64 { memory(for: nil) }

    /// The same, for one direction's buffers only (nil: the larger of the two).
    public func memory(for direction: Direction?) -> Int64 {
        let buffer: Int64
        switch direction {
        case .upload?: buffer = effectivePartSize[.upload] ?? cell.bufferSize
        case .download?: buffer = effectivePartSize[.download] ?? cell.bufferSize
        case nil: buffer = largestBuffer
        }
        let (product, overflow) = buffer.multipliedReportingOverflow(by: Int64(cell.knobs.parallel) * Int64(cell.knobs.clients))
        return overflow ? .max : product
    }

    /// The largest buffer one transfer in flight held: the configured part (block, range) or the
    /// larger part Score's calculator made of it.
    public var largestBuffer: Int64 { max(cell.bufferSize, effectivePartSize.values.max() ?? 0) }

    /// The most any of these directions' buffers need (the objective's memory).
    public func memory(for directions: [Direction]) -> Int64 {
        directions.map { memory(for: $0) }.max() ?? clientMemory
    }

    /// Parts score-client keeps in flight under a memory budget: its `transport.memory` is one pool
    /// shared by the parts of a transfer (an AtomicLong in ParallelPartObjectTransport), so
    /// min(parallel, budget ÷ part + 1) parts fly.
    public func effectiveParallel(memoryBudget: Int64, direction: Direction) -> Int {
        let part = max(1, effectivePartSize[direction] ?? cell.bufferSize)
        return min(cell.knobs.parallel, Int(min(Int64(Int.max - 1), memoryBudget / part)) + 1)
    }

    public func throughput(_ direction: Direction) -> ThroughputStatistics? {
        direction == .upload ? upload : download
    }
}

extension RunAnalysis {
    /// Latencies by request kind over all measured (non-warm-up) trials of the run.
    public var latencies: [LatencyStatistics] { measuredLatencies(splitByPartSize: false) }

    /// As `latencies`, with the part transfers (part PUT, block PUT, ranged GET) split by the part
    /// size their trial moved: a 64 MiB part takes longer than a 20 MiB one, and lumping them hides it.
    public var latenciesByPartSize: [LatencyStatistics] { measuredLatencies(splitByPartSize: true) }

    /// The measured trials' requests, grouped by kind (and, asked, the part size of their trial).
    private func measuredLatencies(splitByPartSize: Bool) -> [LatencyStatistics] {
        struct Group: Hashable { var kind: RequestKind; var partSize: Int64? }
        func key(_ group: RequestGroup) -> Group? {
            guard group.trial == .measured else { return nil }
            let kind = RequestKind(phase: group.phase, operation: group.operation)
            guard splitByPartSize, group.phase == .parts, group.operation.isPartTransfer, let size = group.partSize, size > 0 else { return Group(kind: kind) }
            return Group(kind: kind, partSize: size)
        }
        return requests.summed(by: key).compactMap { LatencyStatistics(kind: $0.key.kind, partSize: $0.key.partSize, $0.value) }
            .sorted { $0.label < $1.label }
    }

    /// Failed measured trials, grouped by cell, direction and error class, each with the first
    /// one's message. A failed trial without a class (none is written today) stays nil: renderers
    /// say "unknown".
    public var failures: [(cell: CellStatistics, direction: Direction, errorClass: ErrorClass?, count: Int, example: String)] {
        var out: [(CellStatistics, Direction, ErrorClass?, Int, String)] = []
        for stats in cells {
            for direction in Direction.allCases {
                let failures = trialTotals.measured(cell: stats.cell.id, direction: direction).failures
                for (errorClass, failure) in failures.sorted(by: { ($0.key?.rawValue ?? "") < ($1.key?.rawValue ?? "") }) {
                    out.append((stats, direction, errorClass, failure.count, failure.example))
                }
            }
        }
        return out
    }
}

