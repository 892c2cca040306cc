import Model
import Results

/// What several workers together got from the store in one cell, three ways (a merged run):
///
/// - **window**: the bytes moved while every worker was under way, over that window: from the
///   moment every worker has finished its first transfer to the moment the first worker starts
///   its last (warp's rule). When a worker moves one object per round that window is empty, and
///   the window is instead the time all workers were moving at once (the last one's start to the
///   first one's end);
/// - **stonewall**: all bytes moved until the fastest worker finished, over that time;
/// - **pessimistic**: all bytes over the earliest start to the latest end (IOR's bound).
///
/// Bytes are spread evenly over each transfer's duration to count the part inside a window.
/// Times are aligned on the barrier that opened the round: each worker's times are shifted by
/// its offset there (`barriers.offset_s`), so a skewed clock does not stretch or shrink a window.
/// Figures are medians over the cell's measured rounds, per direction. One of them leads (`lead`),
/// with a sample from every round: the window's, when every round had one and it spans at least
/// half of the round (the median share), else the stonewall figure; the pessimistic bound only when
/// neither could be measured in every round.
public struct DistributedThroughput: Sendable, Equatable, Encodable {
    public var cellId: Int64
    public var direction: Direction
    public var workers: Int
    public var windowMBps: Double?
    /// Which window the figure was measured over (most rounds' rule).
    public var windowRule: WindowRule?

    /// The window in which every worker was moving data.
    public enum WindowRule: String, Sendable, Codable {
        /// warp's: from the last worker's first finished transfer to the first worker's last start.
        case warp
        /// When warp's window is empty (one object per worker and round): from the last worker's
        /// start to the first worker's end.
        case allActive = "all-active"
    }
    /// The window's share of the whole span (earliest start to latest end), 0 to 1.
    public var windowCoverage: Double?
    public var stonewallMBps: Double?
    public var pessimisticMBps: Double?

    /// Which figure stands for the fleet, and why.
    public var lead: Lead
    public var leadReason: LeadReason
    /// The leading figure of each measured round, MB/s: the samples a recommendation's interval
    /// and a comparison's test are drawn from.
    public var leadSamples: [Double]
    /// The leading figure: the median of `leadSamples`.
    public var leadMBps: Double?
    /// Each worker's own MB/s (its bytes over its first start to its last end in a round; the
    /// median over rounds), by rank: the bars beside the fleet's figure.
    public var perWorker: [WorkerFigure]

    public struct WorkerFigure: Sendable, Equatable, Encodable {
        public var worker: Int
        public var mbps: Double
    }

    public enum Lead: String, Sendable, Codable {
        case window, stonewall, pessimistic
    }

    public enum LeadReason: Sendable, Equatable, Encodable {
        /// The window spans this share of the round (at least half): all workers moved together.
        case windowCovers(Double)
        /// The window spans only this share: too little of the round to stand for it.
        case windowShort(Double)
        /// No round had a window (workers never all moved at once).
        case noWindow
        /// Some rounds had no window (of this many): the window cannot stand for every round.
        case windowInSomeRounds(Int, of: Int)
        /// Not even the fastest worker's finish could be placed: only the bound over the whole span.
        case onlyBound

        /// A window must span at least this share of its round to lead.
        public static let leadingCoverage = 0.5

        /// Why the leading figure leads, in words.
        public var words: String {
            switch self {
            case .windowCovers(let share):
                return String(format: "the window in which every worker moved spans %.0f%% of the round", share * 100)
            case .windowShort(let share):
                return String(format: "the window in which every worker moved spans only %.0f%% of the round (under half): the stonewall figure leads", share * 100)
            case .noWindow:
                return "the workers never all moved at once: the stonewall figure leads"
            case .windowInSomeRounds(let some, let all):
                return "the workers all moved at once in only \(some) of \(all) rounds: the stonewall figure leads"
            case .onlyBound:
                return "no worker's finish could be placed: only the bound over the whole span"
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            switch self {
            case .windowCovers(let share):
                try container.encode("window-covers", forKey: .reason)
                try container.encode(share, forKey: .coverage)
            case .windowShort(let share):
                try container.encode("window-short", forKey: .reason)
                try container.encode(share, forKey: .coverage)
            case .noWindow: try container.encode("no-window", forKey: .reason)
            case .windowInSomeRounds(let some, let all):
                try container.encode("window-in-some-rounds", forKey: .reason)
                try container.encode(some, forKey: .rounds)
                try container.encode(all, forKey: .of)
            case .onlyBound: try container.encode("only-bound", forKey: .reason)
            }
        }
        enum Keys: String, CodingKey { case reason, coverage, rounds, of }
    }

    /// One transfer on the aligned clock.
    struct Span { var worker: Int; var start: Double; var end: Double; var bytes: Double }

    /// A cell and direction: what the figures are given for.
    struct CellDirection: Hashable { var cellId: Int64; var direction: Direction }
    /// One worker at one barrier: whose clock an offset corrects.
    struct WorkerAtBarrier: Hashable { var worker: Int; var barrier: String }
    /// One round of a cell and direction.
    struct RoundKey: Hashable { var cell: CellDirection; var round: Int }

    /// The figures from two passes over a run's trials (`Rounds`).
    public static func figures(_ passes: TrialPasses, barriers: [BarrierRow], cells: [CellRow]) throws -> [DistributedThroughput] {
        var rounds = Rounds(barriers: barriers, cells: cells)
        try passes.forEach { rounds.bound($0) }
        rounds.closeBounds()
        try passes.forEach { rounds.fill($0) }
        return rounds.figures()
    }

    /// A run's rounds, from two passes over its trials that never hold them: the first bounds each
    /// round (every worker's first and last start and end, its bytes), the second adds up the
    /// bytes each transfer moved inside the round's windows. Memory grows with rounds × workers.
    struct Rounds {
        let position: [Int64: Int]
        var offsets: [WorkerAtBarrier: Double] = [:]
        var bounds: [RoundKey: [Int: WorkerBounds]] = [:]
        var rounds: [RoundKey: Round] = [:]

        init(barriers: [BarrierRow], cells: [CellRow]) {
            position = Dictionary(uniqueKeysWithValues: cells.map { ($0.id, $0.position) })
            for barrier in barriers { offsets[WorkerAtBarrier(worker: barrier.worker, barrier: barrier.name)] = barrier.offset ?? 0 }
        }

        /// A measured, successful trial of a worker, on the clock of the barrier that opened its round.
        func span(_ trial: TrialRow) -> (RoundKey, Span)? {
            guard !trial.warmup, trial.succeeded, trial.duration > 0, let worker = trial.worker else { return nil }
            let shift = position[trial.cellId].flatMap { offsets[WorkerAtBarrier(worker: worker, barrier: BarrierRow.name(position: $0, round: trial.round))] } ?? 0
            return (RoundKey(cell: CellDirection(cellId: trial.cellId, direction: trial.direction), round: trial.round ?? trial.repetition),
                    Span(worker: worker, start: trial.startedAt - shift, end: trial.startedAt + trial.duration - shift, bytes: Double(trial.objectSize)))
        }

        /// The first pass.
        mutating func bound(_ trial: TrialRow) {
            guard let (key, span) = span(trial) else { return }
            bounds[key, default: [:]][span.worker, default: WorkerBounds(span)].add(span)
        }

        /// Between the passes: each round's windows from its bounds.
        mutating func closeBounds() {
            rounds = bounds.mapValues(Round.init)
            bounds = [:]
        }

        /// The second pass.
        mutating func fill(_ trial: TrialRow) {
            guard let (key, span) = span(trial) else { return }
            rounds[key]?.add(span)
        }

        func figures() -> [DistributedThroughput] {
            Dictionary(grouping: rounds, by: \.key.cell).map { cell, rounds in
                combining(cell, rounds.sorted { $0.key.round < $1.key.round }.map { Figures($0.value) })
            }.sorted { ($0.cellId, $0.direction.rawValue) < ($1.cellId, $1.direction.rawValue) }
        }
    }

    /// The figures of one cell and direction from its rounds'.
    static func combining(_ cell: CellDirection, _ figures: [Figures]) -> DistributedThroughput {
        let windows = figures.compactMap(\.window)
        let coverage = Percentile.median(windows.map(\.coverage))
        let stonewalls = figures.compactMap(\.stonewall)
        let (lead, reason): (Lead, LeadReason)
        if let coverage, windows.count == figures.count, coverage >= LeadReason.leadingCoverage {
            (lead, reason) = (.window, .windowCovers(coverage))
        } else if stonewalls.count == figures.count {
            let why: LeadReason = windows.isEmpty ? .noWindow
                : windows.count < figures.count ? .windowInSomeRounds(windows.count, of: figures.count) : .windowShort(coverage ?? 0)
            (lead, reason) = (.stonewall, why)
        } else {
            (lead, reason) = (.pessimistic, .onlyBound)
        }
        let samples: [Double]
        switch lead {
        case .window: samples = windows.map(\.mbps)
        case .stonewall: samples = stonewalls
        case .pessimistic: samples = figures.compactMap(\.pessimistic)
        }
        var workerRates: [Int: [Double]] = [:]
        for figure in figures { for (worker, mbps) in figure.perWorker { workerRates[worker, default: []].append(mbps) } }
        return DistributedThroughput(cellId: cell.cellId, direction: cell.direction,
                  workers: figures.map(\.workers).max() ?? 0,
                  windowMBps: Percentile.median(windows.map(\.mbps)),
                  windowRule: windows.isEmpty ? nil : (windows.filter { $0.rule == .warp }.count * 2 >= windows.count ? .warp : .allActive),
                  windowCoverage: coverage,
                  stonewallMBps: Percentile.median(stonewalls),
                  pessimisticMBps: Percentile.median(figures.compactMap(\.pessimistic)),
                  lead: lead, leadReason: reason, leadSamples: samples, leadMBps: Percentile.median(samples),
                  perWorker: workerRates.keys.sorted().map { WorkerFigure(worker: $0, mbps: Percentile.median(workerRates[$0]!)!) })
    }

    /// One worker in one round: its first and last start and end, and its bytes.
    struct WorkerBounds {
        var firstStart: Double, lastStart: Double, firstEnd: Double, lastEnd: Double, bytes = 0.0
        init(_ span: Span) { (firstStart, lastStart, firstEnd, lastEnd) = (span.start, span.start, span.end, span.end) }
        mutating func add(_ span: Span) {
            (firstStart, lastStart) = (min(firstStart, span.start), max(lastStart, span.start))
            (firstEnd, lastEnd) = (min(firstEnd, span.end), max(lastEnd, span.end))
            bytes += span.bytes
        }
    }

    /// One round: its bounds from the first pass, the bytes inside its windows from the second.
    struct Round {
        var workers: [Int: WorkerBounds]
        var start: Double, end: Double, total: Double
        /// The fastest worker's last end: the stonewall.
        var fastestEnd: Double
        /// warp's window when it is not empty, else the time all workers were moving at once.
        var window: (from: Double, to: Double, rule: WindowRule)
        var stonewallBytes = 0.0, windowBytes = 0.0

        init(_ workers: [Int: WorkerBounds]) {
            self.workers = workers
            let all = workers.values
            (start, end) = (all.map(\.firstStart).min()!, all.map(\.lastEnd).max()!)
            total = all.map(\.bytes).reduce(0, +)
            fastestEnd = all.map(\.lastEnd).min()!
            let warpFrom = all.map(\.firstEnd).max()!, warpTo = all.map(\.lastStart).min()!
            let activeFrom = all.map(\.firstStart).max()!
            window = warpTo > warpFrom ? (warpFrom, warpTo, .warp) : (activeFrom, fastestEnd, .allActive)
        }

        /// Bytes moved inside each window, the transfer's spread evenly over its duration.
        mutating func add(_ span: Span) {
            func inside(_ from: Double, _ to: Double) -> Double {
                let overlap = min(span.end, to) - max(span.start, from)
                return overlap > 0 ? span.bytes * overlap / (span.end - span.start) : 0
            }
            stonewallBytes += inside(start, fastestEnd)
            windowBytes += inside(window.from, window.to)
        }
    }

    /// One round's figures.
    struct Figures {
        var workers: Int
        var window: (mbps: Double, rule: WindowRule, coverage: Double)?
        var stonewall: Double?
        var pessimistic: Double?
        /// Each worker's bytes over its own first start to last end, MB/s.
        var perWorker: [Int: Double] = [:]

        init(_ round: Round) {
            workers = round.workers.count
            for (worker, own) in round.workers where own.lastEnd > own.firstStart {
                perWorker[worker] = own.bytes / (own.lastEnd - own.firstStart) / 1e6
            }
            let (start, end) = (round.start, round.end)
            pessimistic = end > start ? round.total / (end - start) / 1e6 : nil
            stonewall = round.fastestEnd > start ? round.stonewallBytes / (round.fastestEnd - start) / 1e6 : nil
            let (from, to) = (round.window.from, round.window.to)
            if to > from, end > start {
                window = (round.windowBytes / (to - from) / 1e6, round.window.rule, (to - from) / (end - start))
            }
        }
    }

    /// How far apart the workers were released at each barrier: the spread of their releases, in
    /// seconds, by barrier name (on their own clocks, so clock skew is in it; on one host it is the
    /// poll delay alone).
    public static func releaseSkew(_ barriers: [BarrierRow]) -> [String: Double] {
        Dictionary(grouping: barriers, by: \.name).mapValues { group in
            (group.map(\.releasedAt).max() ?? 0) - (group.map(\.releasedAt).min() ?? 0)
        }
    }
}
