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

        public init(name: String, analysis: RunAnalysis) {
            self.name = name
            runId = analysis.run.id
            let knobs = analysis.cells.first?.cell.knobs
            retryLimit = knobs?.retryLimit ?? 0
            connectTimeoutMilliseconds = Int(knobs?.connectTimeoutMilliseconds ?? 0)
            stallTimeoutMilliseconds = knobs?.stallTimeoutMilliseconds ?? 0
            let measured = analysis.trials.filter { !$0.warmup }
            objects = measured.filter { $0.direction == .upload }.count
            failed = measured.filter { !$0.succeeded }.count
            var redo = 0.0
            for direction in Direction.allCases {
                let trials = measured.filter { $0.direction == direction }
                let good = trials.filter(\.succeeded).map(\.duration)
                guard !good.isEmpty else { continue }
                let failedShare = Double(trials.count - good.count) / Double(trials.count)
                redo += Double(trials.count - good.count) * (good.reduce(0, +) / Double(good.count)) / (1 - failedShare)
            }
            let gib = Double(measured.reduce(Int64(0)) { $0 + $1.objectSize }) / Double(1 << 30)
            let anyArrived = measured.contains(where: \.succeeded)
            secondsPerGiB = gib > 0 && anyArrived ? (measured.reduce(0) { $0 + $1.duration } + redo) / gib : nil
        }
    }

    public var fromRun: Int64
    public var profile: String
    public var file: Side
    public var recommended: Side

    public init(fromRun: Int64, profile: String, file: Side, recommended: Side) {
        (self.fromRun, self.profile, self.file, self.recommended) = (fromRun, profile, file, recommended)
    }

    /// The recommended values lose no more objects and take no more time per GiB (within 5%).
    public var recommendedHolds: Bool {
        recommended.failed <= file.failed && (recommended.secondsPerGiB ?? .infinity) <= (file.secondsPerGiB ?? .infinity) * 1.05
    }

    /// A Markdown table, one row per side.
    public var markdown: String {
        func row(_ side: Side) -> String {
            "| \(side.name) | \(side.runId) | \(side.retryLimit) | \(Units.formatDuration(Int64(side.connectTimeoutMilliseconds))) | "
                + "\(Units.formatDuration(side.stallTimeoutMilliseconds)) | \(side.objects) | \(side.failed) | "
                + (side.secondsPerGiB.map { String(format: "%.2f", $0) } ?? "–") + " |"
        }
        return """
            | values | run | retry limit | connect timeout | stall timeout | objects | failed | s/GiB |
            |---|---|---|---|---|---|---|---|
            \(row(file))
            \(row(recommended))

            """
    }
}
