@testable import Analysis
import Foundation
import Model
import Results
import ScoreConfig
import XCTest

/// Score's finalize time against part counts, on hand-built uploads whose finalize grows by a
/// known line: the fit recovers it, predicts large objects and sizes the read timeout above them.
final class FinalizeFitTests: XCTestCase {
    /// Uploads of the given part counts, each finalizing in 0.5 s + 10 ms per part (± noise).
    static func analysis(partCounts: [Int], noise: [Double] = [0, 0.02, -0.02]) -> RunAnalysis {
        var run = RunRow(scenarioName: "hand", scenarioPath: "hand.yaml", scenarioText: "t", envPath: "/nonexistent/.env.score",
                         mode: .score, toolVersion: "test", host: "h", backendEndpoint: "http://10.0.0.1:1", backendServer: nil,
                         configHash: "x", orderSeed: 1, startedAt: 0, status: .completed)
        run.id = 1
        var cell = CellRow(runId: 1, position: 0, knobs: Knobs(uploadPartSize: 20 << 20, downloadPartSize: nil, retryLimit: 5,
                                                               connectTimeoutMilliseconds: 15_000, stallTimeoutMilliseconds: 60_000,
                                                               parallel: 4, clients: 1, network: "wan"), status: .done)
        cell.id = 1
        var trials: [TrialRow] = []
        for parts in partCounts {
            for wobble in noise {
                let size = Int64(parts) * (20 << 20)
                trials.append(TrialRow(id: Int64(trials.count + 1), runId: 1, cellId: 1, repetition: 0, warmup: false, direction: .upload,
                                       objectIndex: 0, objectKey: "k", objectSize: size, partSize: 20 << 20, parts: parts,
                                       startedAt: 0, duration: Double(size) / 100e6, errorClass: nil, error: nil, retries: 0,
                                       phases: [.finalize: 0.5 + 0.01 * Double(parts) + wobble]))
            }
        }
        return RunAnalysis(run: run, cells: [cell], trials: trials, attempts: [])
    }

    func testTheFitRecoversTheLineFromTheMedians() throws {
        let fit = try FinalizeFit.fit(Self.analysis(partCounts: [10, 50, 100]))
        XCTAssertEqual(fit.points.map(\.parts), [10, 50, 100])
        XCTAssertEqual(fit.intercept, 0.5, accuracy: 1e-9)
        XCTAssertEqual(fit.perPart, 0.01, accuracy: 1e-9)
        XCTAssertEqual(fit.seconds(parts: 10_000), 100.5, accuracy: 1e-6)
        XCTAssertEqual(fit.measuredUpTo, 100)
    }

    func testTooFewPartCountsPredictNothing() {
        XCTAssertThrowsError(try FinalizeFit.fit(Self.analysis(partCounts: [10, 50]))) { error in
            XCTAssertEqual(error as? FinalizeFit.Shortfall, .tooFewPartCounts(2))
        }
    }

    /// A 300 GB object under Score's calculator at 20 MiB: 10,000 parts of 30,000,001 bytes.
    func testTheRecommendationOutlastsThePredictedFinalize() throws {
        var options = RecommendOptions()
        options.objectSizes = [300_000_000_000]
        let recommendation = try Recommendation.make(Self.analysis(partCounts: [10, 50, 100]), options: options)
        let read = try XCTUnwrap(recommendation.clientProperties.first { $0.name == .client(.readTimeoutSeconds) })
        XCTAssertEqual(read.value, "\(Int((2 * 100.5).rounded(.up)) + 10)", "twice the predicted 100.5 s, plus 10 s")
        XCTAssertTrue(recommendation.notes.contains { $0.contains("finalize of a") && $0.contains("10000 parts") && $0.contains("100.50 s")
            && $0.contains("extrapolated") }, "\(recommendation.notes)")

        let short = try Recommendation.make(Self.analysis(partCounts: [10, 50]), options: options)
        XCTAssertTrue(short.notes.contains { $0.contains("cannot be predicted") && $0.contains("2 part count") }, "\(short.notes)")
    }

    /// Score #338 by hand: uploads of 262 parts whose finalize (the server's completion and its
    /// state clean-up, one request after another) takes 70 s. Without --object-size the run's own
    /// finalize waits size score-client's read timeout; the default 60 s would give up on them.
    func testTheRunsOwnFinalizeWaitsSizeTheReadTimeoutWithoutObjectSizes() throws {
        var analysis = Self.analysis(partCounts: [262], noise: [0])
        var trials = analysis.trialSample
        trials[0].finalize = 4
        trials[0].stateCleanup = 66
        XCTAssertEqual(trials[0].finalizeWait, 70)
        analysis = analysis.replacingTrials(trials)
        let recommendation = try Recommendation.make(analysis, options: RecommendOptions())
        let read = try XCTUnwrap(recommendation.clientProperties.first { $0.name == .client(.readTimeoutSeconds) })
        XCTAssertEqual(read.value, "150", "twice the measured 70 s, plus 10 s")
        XCTAssertEqual(read.basis, .modelled)

        // A quick finalize never lowers the default.
        let quick = try Recommendation.make(Self.analysis(partCounts: [10], noise: [0]), options: RecommendOptions())
        XCTAssertEqual(quick.clientProperties.first { $0.name == .client(.readTimeoutSeconds) }?.value, "60")
    }

    /// A small named object whose finalize the default already outlasts: the default stands, kept,
    /// and says why (nothing lowers it on a path that showed no fault).
    func testTheDefaultStandsWhenItOutlastsThePredictedFinalize() throws {
        var options = RecommendOptions()
        options.objectSizes = [200 << 20]  // 10 parts: 0.6 s predicted, 12 s needed
        let recommendation = try Recommendation.make(Self.analysis(partCounts: [10, 50, 100]), options: options)
        let read = try XCTUnwrap(recommendation.clientProperties.first { $0.name == .client(.readTimeoutSeconds) })
        XCTAssertEqual(read.value, "60")
        XCTAssertEqual(read.basis, .kept)
        XCTAssertTrue(read.evidence.contains("outlasts what finalize needs"), read.evidence)
    }
}
