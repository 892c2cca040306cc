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
        public var objects: Int
        public var failed: Int
        /// Time spent on every measured trial, failed ones too, per GiB that arrived.
        public var secondsPerGiB: Double?

        public init(name: String, analysis: RunAnalysis) {
            self.name = name
            runId = analysis.run.id
            let knobs = analysis.cells.first?.cell.knobs
            retryLimit = knobs?.retryLimit ?? 0
            connectTimeoutMilliseconds = Int(knobs?.connectTimeoutMilliseconds ?? 0)
            stallTimeoutMilliseconds = knobs?.stallTimeoutMilliseconds ?? 0
            let measured = analysis.trials.filter { !$0.warmup }
            objects = measured.count
            failed = measured.filter { !$0.succeeded }.count
            let gib = Double(measured.filter(\.succeeded).reduce(Int64(0)) { $0 + $1.objectSize }) / Double(1 << 30)
            secondsPerGiB = gib > 0 ? measured.reduce(0) { $0 + $1.duration } / gib : nil
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
