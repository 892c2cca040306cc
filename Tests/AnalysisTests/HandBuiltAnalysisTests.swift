@testable import Analysis
import Model
import Results
import XCTest

/// Recommendation on analyses built by hand (compare verdicts: AnswerTests), whose right answers are known by
/// construction: no store, no database.
final class HandBuiltAnalysisTests: XCTestCase {
    struct CellSpec {
        var part: Int64
        var parallel: Int
        var up: [Double]      // MB/s of each measured upload trial
        var down: [Double]
    }

    static let objectSize: Int64 = 100_000_000

    static func analysis(_ specs: [CellSpec], runId: Int64 = 1) -> RunAnalysis {
        var run = RunRow(scenarioName: "hand", scenarioPath: "hand.yaml", scenarioText: "", envPath: "", mode: .score,
                         toolVersion: "test", host: "h", backendEndpoint: "http://127.0.0.1:1", backendServer: nil, configHash: "x",
                         orderSeed: 1, startedAt: 0, status: .completed)
        run.id = runId
        var nextTrial: Int64 = 1
        var cells: [CellRow] = []
        var allTrials: [TrialRow] = []
        for (index, spec) in specs.enumerated() {
            let knobs = Knobs(uploadPartSize: spec.part, downloadPartSize: nil, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                              stallTimeoutMilliseconds: 60_000, parallel: spec.parallel, clients: 1)
            var cell = CellRow(runId: runId, position: index, knobs: knobs, status: .done)
            cell.id = Int64(index + 1)
            var trials: [TrialRow] = []
            for (direction, rates) in [(Direction.upload, spec.up), (.download, spec.down)] {
                for (repetition, rate) in rates.enumerated() {
                    trials.append(TrialRow(id: nextTrial, runId: runId, cellId: cell.id, repetition: repetition, warmup: false,
                                           direction: direction, objectIndex: 0, objectKey: "data/x", objectSize: objectSize,
                                           partSize: spec.part, parts: Int((objectSize + spec.part - 1) / spec.part),
                                           startedAt: Double(nextTrial), duration: Double(objectSize) / (rate * 1e6),
                                           errorClass: nil, error: nil, retries: 0))
                    nextTrial += 1
                }
            }
            cells.append(cell)
            allTrials += trials
        }
        return RunAnalysis(run: run, cells: cells, trials: allTrials, attempts: [])
    }

    let fast = CellSpec(part: 64 << 20, parallel: 4, up: [200, 204, 198, 202, 201, 199], down: [400, 410, 395, 405, 402, 398])
    let slow = CellSpec(part: 32 << 20, parallel: 1, up: [100, 103, 98, 101, 99, 102], down: [300, 310, 295, 305, 302, 298])

    func testRecommendationChoosesTheFasterCellAndHonoursTheMemoryLimit() throws {
        let analysis = Self.analysis([slow, fast])
        let upload = try Recommendation.make(analysis, options: RecommendOptions(objective: .upload))
        XCTAssertEqual(upload.chosen.cellId, 2)
        XCTAssertEqual(upload.chosen.median, 200.5, accuracy: 0.01, "the median of the six uploads")
        XCTAssertEqual(upload.settings.first { $0.name == .score(.uploadPartSize) }?.value, "\(64 << 20)")
        XCTAssertEqual(upload.runnerUp?.cellId, 1)

        // 64 MiB × 4 in flight is 256 MiB: a 128 MiB budget leaves the slower cell.
        let limited = try Recommendation.make(analysis, options: RecommendOptions(objective: .upload, maxMemory: 128 << 20))
        XCTAssertEqual(limited.chosen.cellId, 1)
        XCTAssertTrue(limited.excluded.contains { $0.contains("64MiB") }, "\(limited.excluded)")
        XCTAssertThrowsError(try Recommendation.make(analysis, options: RecommendOptions(objective: .upload, maxMemory: 1 << 20)))
    }
}
