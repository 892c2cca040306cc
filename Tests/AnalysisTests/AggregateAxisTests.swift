@testable import Analysis
import Foundation
import Model
import Results
import XCTest

/// A clients sweep is summarised, ranked and recommended by aggregate throughput (all of a
/// repetition's transfers at once), not by one object's MB/s, which would crown clients=1.
final class AggregateAxisTests: XCTestCase {
    static let size: Int64 = 100_000_000

    /// Cell 1: clients=1, four objects one after another at 100 MB/s each (1 s apiece).
    /// Cell 2: clients=4, four objects at once at 40 MB/s each (2.5 s together): 160 MB/s in all.
    static func sweep(clients: [Int] = [1, 4]) -> RunAnalysis {
        var run = RunRow(scenarioName: "hand", scenarioPath: "hand.yaml", scenarioText: "t", envPath: "/nonexistent/.env.score",
                         mode: .score, toolVersion: "test", host: "h", backendEndpoint: "http://10.0.0.1:1", backendServer: nil,
                         configHash: "x", orderSeed: 1, startedAt: 0, status: .completed)
        run.id = 1
        var cells: [CellRow] = []
        var trials: [TrialRow] = []
        for (index, clientCount) in clients.enumerated() {
            var cell = CellRow(runId: 1, position: index, knobs: Knobs(uploadPartSize: 64 << 20, downloadPartSize: nil, retryLimit: 5,
                                                                       connectTimeoutMilliseconds: 15_000, stallTimeoutMilliseconds: 60_000,
                                                                       parallel: 4, clients: clientCount, network: "wan"), status: .done)
            cell.id = Int64(index + 1)
            cells.append(cell)
            let perObject = clientCount == 1 ? 100.0 : 40.0
            for repetition in 0..<3 {
                let base = Double(repetition * 100 + index * 1000)
                for object in 0..<4 {
                    let duration = Double(size) / (perObject * 1e6)
                    let start = clientCount == 1 ? base + Double(object) * duration : base
                    trials.append(TrialRow(id: Int64(trials.count + 1), runId: 1, cellId: cell.id, repetition: repetition, warmup: false,
                                           direction: .upload, objectIndex: object, objectKey: "k\(object)", objectSize: size,
                                           partSize: 64 << 20, parts: 2, startedAt: start, duration: duration,
                                           errorClass: nil, error: nil, retries: 0))
                }
            }
        }
        var analysis = RunAnalysis(run: run, cells: [], trials: trials, attempts: [])
        analysis.summarise(cells)
        return analysis
    }

    func testASweepIsMeasuredOnTheAggregateAxis() throws {
        let analysis = Self.sweep()
        XCTAssertEqual(analysis.axis, .aggregate)
        XCTAssertEqual(try XCTUnwrap(analysis.cells[0].upload?.median), 100, accuracy: 1e-6, "one at a time: 100 MB/s in all")
        XCTAssertEqual(try XCTUnwrap(analysis.cells[1].upload?.median), 160, accuracy: 1e-6, "four at 40 MB/s at once: 160 MB/s")
        XCTAssertEqual(analysis.cells[1].upload?.samples.count, 3, "one figure per repetition")
        let summary = RunSummary(analysis)
        XCTAssertEqual(summary.axis, .aggregate)
        XCTAssertEqual(summary.bestUpload?.cellId, 2)
        let recommendation = try Recommendation.make(analysis, options: RecommendOptions())
        XCTAssertEqual(recommendation.chosen.cellId, 2, "clients=4 moved more together")
        XCTAssertTrue(recommendation.settings[0].evidence.contains("aggregate upload median 160.0 MB/s"), recommendation.settings[0].evidence)
    }

    func testARunWithoutASweepStaysPerObject() throws {
        let analysis = Self.sweep(clients: [4])
        XCTAssertEqual(analysis.axis, .perObject)
        XCTAssertEqual(try XCTUnwrap(analysis.cells[0].upload?.median), 40, accuracy: 1e-6)
    }
}
