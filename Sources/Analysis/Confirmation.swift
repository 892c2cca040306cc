import Foundation
import Model
import Results

/// `scoretune confirm`: the file's retry limit and timeouts and the recommended ones, each run
/// through the same played path, and what each cost: objects moved and failed, seconds per GiB.
public struct Confirmation: Sendable, Encodable {
    /// One side's values and outcome.
    public struct Side: Sendable, Encodable {
        public var name: String
        public var runId: Int64
        public var retryLimit: Int
        public var connectTimeoutMilliseconds: Int
        public var stallTimeoutMilliseconds: Int64
        /// Objects the run set out to move (one upload each; a download follows a good upload).
        public var objects: Int
        /// Objects whose upload or download failed.
        public var failed: Int
        /// Seconds per GiB to get every object through: the time of every measured transfer,
        /// failed ones too, plus each failed transfer re-run until it succeeds (an operator
        /// re-runs it: at its direction's mean good time, 1 ÷ (1 − failed share) times, since a
        /// re-run meets the same path), over the bytes of all of them.
        public var secondsPerGiB: Double?
        /// The same figure for each round of the run on its own: how much it moves between rounds
        /// says how much of a difference between the sides is noise.
        public var roundSecondsPerGiB: [Double]

        /// Half the range of the rounds' figures (0 with fewer than two rounds).
        public var noise: Double {
            guard roundSecondsPerGiB.count > 1, let low = roundSecondsPerGiB.min(), let high = roundSecondsPerGiB.max() else { return 0 }
            return (high - low) / 2
        }

        public init(name: String, analysis: RunAnalysis) {
            self.name = name
            runId = analysis.run.id
            let knobs = analysis.cells.first?.cell.knobs
            retryLimit = knobs?.retryLimit ?? 0
            connectTimeoutMilliseconds = Int(knobs?.connectTimeoutMilliseconds ?? 0)
            stallTimeoutMilliseconds = knobs?.stallTimeoutMilliseconds ?? 0
            // Counts over every trial (the totals); times per GiB from the trials held (all of them
            // up to the sample's cap, beyond it an even sample: a ratio, which a sample keeps).
            let measured = analysis.trialSample.filter { !$0.warmup }
            let totals = analysis.trialTotals
            objects = totals.sum { !$0.warmup && $0.direction == .upload }.trials
            failed = totals.sum { !$0.warmup }.failed
            // A failed transfer's re-runs cost its direction's mean good time, 1 ÷ (1 − failed share)
            // times, both read from the whole run.
            var rerun: [Direction: Double] = [:]
            for direction in Direction.allCases {
                let all = totals.sum { !$0.warmup && $0.direction == direction }
                let good = all.trials - all.failed
                guard good > 0 else { continue }
                let failedShare = Double(all.failed) / Double(all.trials)
                rerun[direction] = all.succeededSeconds / Double(good) / (1 - failedShare)
            }
            func figure(_ trials: [TrialRow]) -> Double? {
                let gib = Double(trials.reduce(Int64(0)) { $0 + $1.objectSize }) / Double(1 << 30)
                guard gib > 0, trials.contains(where: \.succeeded) else { return nil }
                let spent = trials.reduce(0) { $0 + $1.duration + ($1.succeeded ? 0 : rerun[$1.direction] ?? 0) }
                return spent / gib
            }
            secondsPerGiB = figure(measured)
            roundSecondsPerGiB = Dictionary(grouping: measured.filter { $0.round != nil }, by: { $0.round! })
                .sorted { $0.key < $1.key }.compactMap { figure($0.value) }
        }
    }

    public var fromRun: Int64
    public var profile: String
    public var file: Side
    public var recommended: Side

    public init(fromRun: Int64, profile: String, file: Side, recommended: Side) {
        (self.fromRun, self.profile, self.file, self.recommended) = (fromRun, profile, file, recommended)
    }

    /// How the recommended side's time per GiB compares with the file's.
    public enum Time: String, Sendable, Encodable {
        case cheaper
        /// Apart by no more than the rounds of either run move on their own.
        case equalWithinNoise = "equal within noise"
        case dearer
    }

    public var time: Time {
        guard let mine = recommended.secondsPerGiB else { return .dearer }
        guard let theirs = file.secondsPerGiB else { return .cheaper }
        if abs(mine - theirs) <= max(recommended.noise, file.noise) { return .equalWithinNoise }
        return mine < theirs ? .cheaper : .dearer
    }

    /// The recommended values lose no more objects and take no more time per GiB than the noise allows.
    public var recommendedHolds: Bool { recommended.failed <= file.failed && time != .dearer }

    /// One sentence: failures, then time.
    public var verdict: String {
        let failures = recommended.failed < file.failed ? "the recommended values lose fewer objects (\(recommended.failed) against \(file.failed))"
            : recommended.failed == file.failed ? "both lose \(file.failed) objects"
            : "the recommended values lose MORE objects (\(recommended.failed) against \(file.failed))"
        let time: String
        switch self.time {
        case .cheaper: time = "the recommended values cost less time per GiB"
        case .equalWithinNoise: time = "the two cost the same time per GiB within the rounds' noise"
        case .dearer: time = "the recommended values cost MORE time per GiB than the rounds' noise explains"
        }
        return failures + "; " + time + (recommendedHolds ? "" : ": read both runs with `scoretune report`")
    }

    /// A Markdown table, one row per side.
    public var markdown: String {
        func row(_ side: Side) -> String {
            "| \(side.name) | \(side.runId) | \(side.retryLimit) | \(Units.formatDuration(Int64(side.connectTimeoutMilliseconds))) | "
                + "\(Units.formatDuration(side.stallTimeoutMilliseconds)) | \(side.objects) | \(side.failed) | "
                + (side.secondsPerGiB.map { String(format: "%.2f", $0) } ?? "–") + " | "
                + side.roundSecondsPerGiB.map { String(format: "%.2f", $0) }.joined(separator: ", ") + " |"
        }
        return """
            | values | run | retry limit | connect timeout | stall timeout | objects | failed | s/GiB | by round |
            |---|---|---|---|---|---|---|---|---|
            \(row(file))
            \(row(recommended))

            """
    }
}
