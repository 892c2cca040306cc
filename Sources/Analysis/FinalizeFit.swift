import Foundation
import Model
import Results

/// How Score's finalize grows with the number of parts, fitted from the run's uploads.
///
/// score-client waits for `finalizeUpload` (the server's ListParts and CompleteMultipartUpload)
/// within its read timeout, 60 s by default; operators lose large uploads when finalize outlasts
/// it (Score issues #120 and #338: a 281 GB upload of 262 parts). The run's uploads finalize
/// objects of several part counts; a straight line through the median finalize time at each
/// count (least squares) predicts it for the object sizes an operator names.
public struct FinalizeFit: Sendable, Encodable, Equatable {
    /// Seconds = intercept + perPart × parts.
    public var intercept: Double
    public var perPart: Double
    /// The median finalize (seconds) at each part count the run measured.
    public var points: [Point]

    public struct Point: Sendable, Encodable, Equatable {
        public var parts: Int
        public var seconds: Double
    }

    /// Part counts a line needs before it predicts anything.
    public static let partCountsNeeded = 3

    /// Why there is no fit, when there is none.
    public enum Shortfall: Error, Equatable, CustomStringConvertible {
        case tooFewPartCounts(Int)
        public var description: String {
            switch self {
            case .tooFewPartCounts(let count):
                return "the run finalized uploads of \(count) part count(s); at least \(FinalizeFit.partCountsNeeded) are needed to predict finalize time (add object sizes or part sizes)"
            }
        }
    }

    /// Fits the run's successful, measured uploads that recorded a finalize time.
    public static func fit(_ analysis: RunAnalysis) throws -> FinalizeFit {
        let uploads = analysis.trialSample.filter { !$0.warmup && $0.succeeded && $0.direction == .upload && $0.finalizeWait != nil }
        let byParts = Dictionary(grouping: uploads, by: \.parts)
        let points = byParts.compactMap { parts, trials in
            Statistics.median(trials.compactMap(\.finalizeWait)).map { Point(parts: parts, seconds: $0) }
        }.sorted { $0.parts < $1.parts }
        guard points.count >= partCountsNeeded else { throw Shortfall.tooFewPartCounts(points.count) }
        let meanX = Statistics.mean(points.map { Double($0.parts) })!
        let meanY = Statistics.mean(points.map(\.seconds))!
        let sxx = points.map { pow(Double($0.parts) - meanX, 2) }.reduce(0, +)
        let sxy = points.map { (Double($0.parts) - meanX) * ($0.seconds - meanY) }.reduce(0, +)
        // Finalize never gets faster with more parts: a negative slope is noise, read as flat.
        let slope = max(0, sxy / sxx)
        return FinalizeFit(intercept: max(0, meanY - slope * meanX), perPart: slope, points: points)
    }

    public func seconds(parts: Int64) -> Double { intercept + perPart * Double(parts) }

    /// The most parts the run measured: predictions beyond it are extrapolations.
    public var measuredUpTo: Int { points.last?.parts ?? 0 }

    public var description: String {
        String(format: "finalize ≈ %.3f s + %.2f ms per part, fitted to the medians at %d part counts from %d to %d",
               intercept, perPart * 1000, points.count, points.first?.parts ?? 0, measuredUpTo)
    }
}
