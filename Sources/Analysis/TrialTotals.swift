import Model
import Results

/// What a run's trials add up to, exactly, by cell, direction and warm-up or not: counts, bytes,
/// failures by class, finalize waits, each repetition's window. Added up one trial at a time, so
/// that no command holds a run's trials to count them (a fleet's run has millions).
public struct TrialTotals: Sendable {
    /// The trials one total adds up.
    public struct Key: Hashable, Sendable {
        public var cellId: Int64
        public var direction: Direction
        public var warmup: Bool
    }

    /// One failure class of a group: how many, and the first one's message.
    public struct Failure: Sendable {
        public var count = 0
        public var example = ""
    }

    public struct Total: Sendable {
        public var trials = 0
        public var failed = 0
        public var retries = 0
        /// Payload of every trial, failed or not: what a cell's requests per GiB divide by.
        public var bytes: Int64 = 0
        /// Succeeded trials: their payload and their seconds.
        public var succeededBytes: Int64 = 0
        public var succeededSeconds = 0.0
        /// The largest part the data path laid an object out in.
        public var largestPart: Int64 = 0
        public var objectSizes: Set<Int64> = []
        /// Trials by the round they ran in (nil: blocked order).
        public var byRound: [Int?: Int] = [:]
        public var repetitions: Set<Int> = []
        /// The run's goes that measured them (1, then +1 for each `--resume`).
        public var sessions: Set<Int> = []
        /// Uploads that finalized, and the longest wait for it (finalize plus Score's state clean-up).
        public var finalizeWaits = 0
        public var longestFinalizeWait: Double?
        /// Failed trials by what failed them (nil: a trial recorded without a class).
        public var failures: [ErrorClass?: Failure] = [:]

        mutating func add(_ trial: TrialRow) {
            trials += 1
            retries += trial.retries
            bytes += trial.objectSize
            largestPart = max(largestPart, trial.partSize)
            objectSizes.insert(trial.objectSize)
            byRound[trial.round, default: 0] += 1
            repetitions.insert(trial.repetition)
            if let session = trial.session { sessions.insert(session) }
            if let wait = trial.finalizeWait {
                finalizeWaits += 1
                if wait.isFinite { longestFinalizeWait = max(longestFinalizeWait ?? wait, wait) }
            }
            if trial.succeeded {
                succeededBytes += trial.objectSize
                succeededSeconds += trial.duration
            } else {
                failed += 1
                if failures[trial.errorClass] == nil { failures[trial.errorClass] = Failure(example: trial.error ?? "") }
                failures[trial.errorClass]!.count += 1
            }
        }

        mutating func merge(_ other: Total) {
            (trials, failed, retries) = (trials + other.trials, failed + other.failed, retries + other.retries)
            (bytes, succeededBytes, succeededSeconds) = (bytes + other.bytes, succeededBytes + other.succeededBytes, succeededSeconds + other.succeededSeconds)
            largestPart = max(largestPart, other.largestPart)
            objectSizes.formUnion(other.objectSizes)
            byRound.merge(other.byRound, uniquingKeysWith: +)
            repetitions.formUnion(other.repetitions)
            sessions.formUnion(other.sessions)
            finalizeWaits += other.finalizeWaits
            if let wait = other.longestFinalizeWait { longestFinalizeWait = max(longestFinalizeWait ?? wait, wait) }
            for (errorClass, failure) in other.failures {
                failures[errorClass, default: Failure(example: failure.example)].count += failure.count
            }
        }
    }

    /// A repetition of a cell in one direction: its measured, successful trials' bytes over the
    /// time from the first one's start to the last one's end (`AggregateThroughput`).
    struct RepetitionKey: Hashable, Sendable { var cellId: Int64; var direction: Direction; var repetition: Int }
    struct Window: Sendable { var start: Double; var end: Double; var bytes: Int64 }

    public private(set) var groups: [Key: Total] = [:]
    /// The first trial's start, seconds since 1970 (nil: no trial).
    public private(set) var firstStart: Double?
    /// Trials by the worker that moved them (nil: one machine).
    public private(set) var byWorker: [Int?: Int] = [:]
    private(set) var repetitionWindows: [RepetitionKey: Window] = [:]

    public init() {}

    /// Totals of the trials of an array (a test's hand-made run).
    public init(_ trials: [TrialRow]) { for trial in trials { add(trial) } }

    mutating func add(_ trial: TrialRow) {
        groups[Key(cellId: trial.cellId, direction: trial.direction, warmup: trial.warmup), default: Total()].add(trial)
        firstStart = min(firstStart ?? trial.startedAt, trial.startedAt)
        byWorker[trial.worker, default: 0] += 1
        if !trial.warmup, trial.succeeded {
            let key = RepetitionKey(cellId: trial.cellId, direction: trial.direction, repetition: trial.repetition)
            let end = trial.startedAt + trial.duration
            if let window = repetitionWindows[key] {
                repetitionWindows[key] = Window(start: min(window.start, trial.startedAt), end: max(window.end, end), bytes: window.bytes + trial.objectSize)
            } else {
                repetitionWindows[key] = Window(start: trial.startedAt, end: end, bytes: trial.objectSize)
            }
        }
    }

    /// The totals of the groups that pass `include`, added together.
    public func sum(where include: (Key) -> Bool) -> Total {
        var sum = Total()
        for (key, total) in groups where include(key) { sum.merge(total) }
        return sum
    }

    /// Every trial's totals added together.
    public var all: Total { sum { _ in true } }

    /// The measured (not warm-up) trials' totals of one cell, in one direction or both.
    public func measured(cell cellId: Int64, direction: Direction? = nil) -> Total {
        sum { $0.cellId == cellId && !$0.warmup && (direction == nil || $0.direction == direction) }
    }

    /// Only the trials of these cells.
    func restricted(to cells: Set<Int64>) -> TrialTotals {
        var copy = self
        copy.groups = groups.filter { cells.contains($0.key.cellId) }
        copy.repetitionWindows = repetitionWindows.filter { cells.contains($0.key.cellId) }
        return copy
    }
}
