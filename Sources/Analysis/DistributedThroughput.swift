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

    public static func figures(trials: [TrialRow], barriers: [BarrierRow], cells: [CellRow]) -> [DistributedThroughput] {
        let position = Dictionary(uniqueKeysWithValues: cells.map { ($0.id, $0.position) })
        var offsets: [WorkerAtBarrier: Double] = [:]
        for barrier in barriers { offsets[WorkerAtBarrier(worker: barrier.worker, barrier: barrier.name)] = barrier.offset ?? 0 }
        // The spans of each cell, direction and round.
        var rounds: [CellDirection: [Int: [Span]]] = [:]
        for trial in trials where !trial.warmup && trial.succeeded && trial.duration > 0 {
            guard let worker = trial.worker else { continue }
            let shift = position[trial.cellId].flatMap { offsets[WorkerAtBarrier(worker: worker, barrier: BarrierRow.name(position: $0, round: trial.round))] } ?? 0
            let span = Span(worker: worker, start: trial.startedAt - shift, end: trial.startedAt + trial.duration - shift,
                            bytes: Double(trial.objectSize))
            rounds[CellDirection(cellId: trial.cellId, direction: trial.direction), default: [:]][trial.round ?? trial.repetition, default: []].append(span)
        }
        return rounds.map { key, byRound in
            let figures = byRound.keys.sorted().map { Figures(byRound[$0]!) }
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
            return DistributedThroughput(
                cellId: key.cellId, direction: key.direction,
                workers: figures.map(\.workers).max() ?? 0,
                windowMBps: Percentile.median(windows.map(\.mbps)),
                windowRule: windows.isEmpty ? nil : (windows.filter { $0.rule == .warp }.count * 2 >= windows.count ? .warp : .allActive),
                windowCoverage: coverage,
                stonewallMBps: Percentile.median(stonewalls),
                pessimisticMBps: Percentile.median(figures.compactMap(\.pessimistic)),
                lead: lead, leadReason: reason, leadSamples: samples, leadMBps: Percentile.median(samples),
                perWorker: workerRates.keys.sorted().map { WorkerFigure(worker: $0, mbps: Percentile.median(workerRates[$0]!)!) })
        }.sorted { ($0.cellId, $0.direction.rawValue) < ($1.cellId, $1.direction.rawValue) }
    }

    /// One round's figures.
    struct Figures {
        var workers: Int
        var window: (mbps: Double, rule: WindowRule, coverage: Double)?
        var stonewall: Double?
        var pessimistic: Double?
        /// Each worker's bytes over its own first start to last end, MB/s.
        var perWorker: [Int: Double] = [:]

        init(_ spans: [Span]) {
            let byWorker = Dictionary(grouping: spans, by: \.worker)
            workers = byWorker.count
            for (worker, own) in byWorker {
                let (from, to) = (own.map(\.start).min()!, own.map(\.end).max()!)
                if to > from { perWorker[worker] = own.map(\.bytes).reduce(0, +) / (to - from) / 1e6 }
            }
            let start = spans.map(\.start).min()!, end = spans.map(\.end).max()!
            let total = spans.map(\.bytes).reduce(0, +)
            pessimistic = end > start ? total / (end - start) / 1e6 : nil
            let fastestEnd = byWorker.values.map { $0.map(\.end).max()! }.min()!
            stonewall = fastestEnd > start ? Self.bytes(spans, from: start, to: fastestEnd) / (fastestEnd - start) / 1e6 : nil
            let warpFrom = byWorker.values.map { $0.map(\.end).min()! }.max()!
            let warpTo = byWorker.values.map { $0.map(\.start).max()! }.min()!
            let activeFrom = byWorker.values.map { $0.map(\.start).min()! }.max()!
            let activeTo = fastestEnd
            let (from, to, rule) = warpTo > warpFrom ? (warpFrom, warpTo, WindowRule.warp) : (activeFrom, activeTo, WindowRule.allActive)
            if to > from, end > start {
                window = (Self.bytes(spans, from: from, to: to) / (to - from) / 1e6, rule, (to - from) / (end - start))
            }
        }

        /// Bytes moved inside [from, to], each transfer's spread evenly over its duration.
        static func bytes(_ spans: [Span], from: Double, to: Double) -> Double {
            spans.reduce(0) { sum, span in
                let overlap = min(span.end, to) - max(span.start, from)
                return overlap > 0 ? sum + span.bytes * overlap / (span.end - span.start) : sum
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
