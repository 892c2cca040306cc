import Model

/// Which requests a digest sums: those of one cell, one kind of trial, one direction and part
/// size, one phase and operation. Everything an analysis filters requests by is here, so that any
/// view it needs (a cell's latencies, the path's faults, the run's counts) is a sum of digests.
public struct RequestGroup: Hashable, Codable, Sendable {
    /// What the request belonged to.
    public enum TrialKind: String, Codable, Sendable {
        /// A run's own request outside any trial (a probe, a cell's set-up, the final clean-up).
        case none
        case warmup = "warm-up"
        case measured
    }

    /// nil: outside any cell.
    public var cellId: Int64?
    public var trial: TrialKind
    /// The trial's direction and part size (nil outside a trial).
    public var direction: Direction?
    public var partSize: Int64?
    public var phase: TransferPhase?
    public var operation: StoreOperation
    public var method: HTTPMethod

    public init(cellId: Int64?, trial: TrialKind, direction: Direction?, partSize: Int64?, phase: TransferPhase?,
                operation: StoreOperation, method: HTTPMethod) {
        (self.cellId, self.trial, self.direction, self.partSize) = (cellId, trial, direction, partSize)
        (self.phase, self.operation, self.method) = (phase, operation, method)
    }

    /// A request of the run's trials that crossed the client's path to the store: every one, or
    /// (`partTransfersOnly`) the part PUTs and ranged GETs alone.
    public func crossesPath(partTransfersOnly: Bool) -> Bool {
        trial != .none && (!partTransfersOnly || (operation.isPartTransfer && phase == .parts))
    }
}

/// What the attempts of one request group add up to: counts, sums and log-linear histograms
/// (`LogLinearHistogram`, within 0.8%). Digests merge by adding, so a run's is the sum of its
/// cells', and a fleet's the sum of its workers'. Built in one pass over the attempts, never
/// holding them: what lets a run of tens of millions of requests be analysed in flat memory.
public struct RequestDigest: Codable, Sendable, Equatable {
    public var attempts: Int64 = 0
    /// Of the attempts a path counts, those that were a request's first try: how many distinct
    /// requests were made.
    public var firstTries: Int64 = 0
    public var reused: Int64 = 0
    /// Failed attempts by class.
    public var failures: [ErrorClass: Int64] = [:]
    /// Answers 503, and other 5xx.
    public var slowDowns: Int64 = 0
    public var serverErrors: Int64 = 0
    /// Of the attempts a path counts (`pathAttempts`: not cancelled, not refused with a 4xx): those
    /// on a new connection, and the bytes they moved both ways.
    public var pathAttempts: Int64 = 0
    public var newConnections: Int64 = 0
    public var bytes: Int64 = 0
    /// Sum of every attempt's connect, send, wait and receive spans.
    public var spans = TimeBreakdown.zero
    /// Every attempt's total time, connect time (0 on a reused connection) and first byte.
    public var total = LogLinearHistogram()
    public var connect = LogLinearHistogram()
    public var firstByte = LogLinearHistogram()
    /// Successful attempts: their total time, their longest silence, and (on a new connection)
    /// their connect time.
    public var healthyTotal = LogLinearHistogram()
    public var healthySilence = LogLinearHistogram()
    public var healthyConnect = LogLinearHistogram()
    /// Silences of attempts the run's own stall or total timeout cut (lower bounds of stalls).
    public var cutSilence = LogLinearHistogram()
    /// Successful GETs' wait for the first byte once sent.
    public var answerWait = LogLinearHistogram()
    /// Successful part transfers of 1 MiB or more: bytes per second while moving.
    public var transferRate = LogLinearHistogram()

    public init() {}

    /// Counts one attempt in.
    public mutating func add(_ row: AttemptRow) {
        attempts += 1
        if row.reused { reused += 1 }
        if let failure = row.errorClass { failures[failure, default: 0] += 1 }
        if row.status == 503 { slowDowns += 1 } else if row.status >= 500 { serverErrors += 1 }
        spans = spans + TimeBreakdown(row)
        total.add(row.total)
        connect.add(row.connect)
        firstByte.add(row.firstByte)
        if row.errorClass != .cancelled, row.errorClass != .clientError {
            pathAttempts += 1
            if row.attempt == 1 { firstTries += 1 }
            if !row.reused { newConnections += 1 }
            bytes += row.bytesSent + row.bytesReceived
        }
        // A request's silence: its longest gap once connected; rows before v10 have only the wait
        // for the answer.
        let silence = row.silence ?? max(0, row.firstByte - (row.sent ?? 0))
        switch row.errorClass {
        case nil:
            healthyTotal.add(row.total)
            healthySilence.add(silence)
            if !row.reused, row.connect > 0 { healthyConnect.add(row.connect) }
            if row.method == .get, row.firstByte > 0 { answerWait.add(max(0, row.firstByte - (row.sent ?? 0))) }
            let moved = row.bytesSent + row.bytesReceived
            let moving = row.total - (row.operation.isPartDownload ? row.firstByte : 0)
            if row.operation.isPartTransfer, row.total > 0, moved >= 1 << 20, moving > 0 { transferRate.add(Double(moved) / moving) }
        case .stallTimeout?, .totalTimeout?:
            cutSilence.add(silence)
        default:
            break
        }
    }

    public mutating func merge(_ other: RequestDigest) {
        attempts += other.attempts
        firstTries += other.firstTries
        reused += other.reused
        for (failure, n) in other.failures { failures[failure, default: 0] += n }
        slowDowns += other.slowDowns
        serverErrors += other.serverErrors
        pathAttempts += other.pathAttempts
        newConnections += other.newConnections
        bytes += other.bytes
        spans = spans + other.spans
        total.merge(other.total)
        connect.merge(other.connect)
        firstByte.merge(other.firstByte)
        healthyTotal.merge(other.healthyTotal)
        healthySilence.merge(other.healthySilence)
        healthyConnect.merge(other.healthyConnect)
        cutSilence.merge(other.cutSilence)
        answerWait.merge(other.answerWait)
        transferRate.merge(other.transferRate)
    }

    /// The sum of many digests.
    public static func sum<S: Sequence>(_ digests: S) -> RequestDigest where S.Element == RequestDigest {
        digests.reduce(into: RequestDigest()) { $0.merge($1) }
    }
}

/// A run's requests, digested by group: what the analysis reads instead of the attempts.
public struct RequestDigests: Sendable, Equatable {
    public var groups: [RequestGroup: RequestDigest] = [:]

    public init(groups: [RequestGroup: RequestDigest] = [:]) { self.groups = groups }

    /// The trials the attempts belong to, by id: the part of each trial a group names.
    public struct TrialFacts: Sendable {
        var warmup: Bool
        var direction: Direction
        var partSize: Int64
        public init(_ trial: TrialRow) { (warmup, direction, partSize) = (trial.warmup, trial.direction, trial.partSize) }
        init(warmup: Bool, direction: Direction, partSize: Int64) { (self.warmup, self.direction, self.partSize) = (warmup, direction, partSize) }
    }

    /// Digests rows held in memory (a test's hand-made run, a short recorded one).
    public init(_ attempts: [AttemptRow], trials: [TrialRow]) {
        let facts = Dictionary(trials.map { ($0.id, TrialFacts($0)) }, uniquingKeysWith: { a, _ in a })
        for attempt in attempts { add(attempt, trial: attempt.trialId.flatMap { facts[$0] }) }
    }

    public mutating func add(_ attempt: AttemptRow, trial: TrialFacts?) {
        let group = RequestGroup(cellId: attempt.cellId, trial: trial.map { $0.warmup ? .warmup : .measured } ?? .none,
                                 direction: trial?.direction, partSize: trial?.partSize, phase: attempt.phase,
                                 operation: attempt.operation, method: attempt.method)
        groups[group, default: RequestDigest()].add(attempt)
    }

    public mutating func merge(_ other: RequestDigests) {
        for (group, digest) in other.groups { groups[group, default: RequestDigest()].merge(digest) }
    }

    /// The groups that pass `include`.
    public func filter(_ include: (RequestGroup) -> Bool) -> RequestDigests {
        RequestDigests(groups: groups.filter { include($0.key) })
    }

    /// All the groups' digests summed.
    public var total: RequestDigest { RequestDigest.sum(groups.values) }

    /// Digests summed by a key of their group (groups whose key is nil left out).
    public func summed<Key: Hashable>(by key: (RequestGroup) -> Key?) -> [Key: RequestDigest] {
        var out: [Key: RequestDigest] = [:]
        for (group, digest) in groups {
            guard let k = key(group) else { continue }
            out[k, default: RequestDigest()].merge(digest)
        }
        return out
    }
}
