@testable import Analysis
import Foundation
import Model
import Results
import XCTest

/// Drift between interleaved rounds, a saturated client, and resumed sessions, on analyses built
/// by hand with known answers. No store, no database.
final class MeasurementHygieneTests: XCTestCase {
    struct Trial {
        var cell: Int64
        var round: Int?
        var rate: Double
        var session = 1
        var hostCPU: Double? = 0.5
        var runnable: Double? = 0.6
    }

    static let size: Int64 = 100_000_000

    static func analysis(_ specs: [Trial], status: RunStatus = .completed) -> RunAnalysis {
        var run = RunRow(scenarioName: "hand", scenarioPath: "hand.yaml", scenarioText: "t", envPath: "/nonexistent/.env.score",
                         mode: .multipart, toolVersion: "test", host: "h", backendEndpoint: "http://127.0.0.1:1", backendServer: nil,
                         configHash: "x", orderSeed: 1, startedAt: 0, status: status, trialOrder: .interleaved)
        run.id = 1
        var trials: [TrialRow] = []
        for (index, spec) in specs.enumerated() {
            var row = TrialRow(id: Int64(index + 1), runId: 1, cellId: spec.cell, repetition: spec.round ?? 0, warmup: false,
                               direction: .upload, objectIndex: 0, objectKey: "k", objectSize: size, partSize: 16 << 20, parts: 6,
                               startedAt: Double(index), duration: Double(size) / (spec.rate * 1e6), errorClass: nil, error: nil, retries: 0)
            (row.round, row.session, row.hostCPU, row.runnablePerCore) = (spec.round, spec.session, spec.hostCPU, spec.runnable)
            trials.append(row)
        }
        let cellIds = Set(specs.map(\.cell)).sorted()
        let cells = cellIds.map { id -> CellRow in
            var cell = CellRow(runId: 1, position: Int(id) - 1, knobs: Knobs(uploadPartSize: Int64(id) << 24, downloadPartSize: nil, retryLimit: 5,
                                                                             connectTimeoutMilliseconds: 15_000, stallTimeoutMilliseconds: 60_000,
                                                                             parallel: 4, clients: 1), status: .done)
            cell.id = id
            return cell
        }
        return RunAnalysis(run: run, cells: cells, trials: trials, attempts: [])
    }

    /// Four cells, three rounds, every cell 40% slower in the last round than in the first.
    func testASlowdownEveryCellSharesIsDrift() throws {
        var specs: [Trial] = []
        for cell in Int64(1)...4 {
            let base = 100.0 + Double(cell) * 10
            for (round, factor) in [(0, 1.0), (1, 0.8), (2, 0.6)] {
                specs += [Trial(cell: cell, round: round, rate: base * factor), Trial(cell: cell, round: round, rate: base * factor * 1.02)]
            }
        }
        let drifts = Drift.check(Self.analysis(specs))
        XCTAssertEqual(drifts.count, 1)
        let drift = try XCTUnwrap(drifts.first)
        XCTAssertEqual(drift.direction, .upload)
        XCTAssertEqual(drift.change, -0.4, accuracy: 0.01)
        XCTAssertEqual(drift.cells, 4)
        XCTAssertEqual(drift.agreeing, 4)
        XCTAssertEqual((drift.firstRound, drift.lastRound).0, 0)
        XCTAssertEqual(drift.lastRound, 2)
        XCTAssertEqual(Self.analysis(specs).measurementCautions, [.drift(drift)])
    }

    /// The same cells moving ±5% either way between rounds: noise, not drift.
    func testChangesWithinNoiseOrInBothDirectionsAreNotDrift() {
        var specs: [Trial] = []
        for cell in Int64(1)...4 {
            let sign = cell % 2 == 0 ? 1.0 : -1.0
            for round in 0...2 {
                specs.append(Trial(cell: cell, round: round, rate: 100 * (1 + sign * 0.05 * Double(round) / 2)))
            }
        }
        XCTAssertEqual(Drift.check(Self.analysis(specs)), [])
        // Large moves that most cells do not share (3 of 5 faster by half, 2 slower): the median
        // moved +50%, but without three cells in four agreeing it is no common drift.
        let split = (Int64(1)...5).flatMap { cell in
            [Trial(cell: cell, round: 0, rate: 100), Trial(cell: cell, round: 2, rate: cell <= 3 ? 150 : 60)]
        }
        XCTAssertEqual(Drift.check(Self.analysis(split)), [])
    }

    func testABlockedRunHasNoRoundsToCompare() {
        let specs = (Int64(1)...3).flatMap { cell in [Trial(cell: cell, round: nil, rate: 100), Trial(cell: cell, round: nil, rate: 50)] }
        XCTAssertEqual(Drift.check(Self.analysis(specs)), [])
    }

    /// Cores full and tasks queued: flagged. Cores full with no queue (the transfer itself using
    /// the machine), or a queue on idle cores: not flagged.
    func testASaturatedClientIsFlaggedAndABusyOneIsNot() throws {
        let specs = [
            Trial(cell: 1, round: 0, rate: 100, hostCPU: 0.98, runnable: 2.5), Trial(cell: 1, round: 1, rate: 100, hostCPU: 0.97, runnable: 3.0),
            Trial(cell: 2, round: 0, rate: 100, hostCPU: 0.97, runnable: 1.0), Trial(cell: 2, round: 1, rate: 100, hostCPU: 0.95, runnable: 1.1),
            Trial(cell: 3, round: 0, rate: 100, hostCPU: 0.40, runnable: 2.0), Trial(cell: 3, round: 1, rate: 100, hostCPU: 0.50, runnable: 2.0),
            Trial(cell: 4, round: 0, rate: 100, hostCPU: nil, runnable: nil),
        ]
        let analysis = Self.analysis(specs)
        XCTAssertEqual(analysis.cells.map { $0.client?.saturated }, [true, false, false, nil])
        guard case .clientSaturated(let cells, let worst, let worstCell, _)? = analysis.measurementCautions.first else {
            return XCTFail("\(analysis.measurementCautions)")
        }
        XCTAssertEqual(cells, [1])
        XCTAssertEqual(worstCell, 1)
        XCTAssertEqual(worst.hostCPU, 0.975, accuracy: 0.01)
        XCTAssertTrue(RunSummary(analysis).cells.first { $0.cellId == 1 }!.clientSaturated)
    }

    func testAResumedRunNamesTheCellsOfEachSession() throws {
        let specs = [
            Trial(cell: 1, round: 0, rate: 100, session: 1), Trial(cell: 2, round: 0, rate: 100, session: 1),
            Trial(cell: 1, round: 1, rate: 100, session: 2), Trial(cell: 3, round: 0, rate: 100, session: 2),
        ]
        let analysis = Self.analysis(specs)
        XCTAssertEqual(analysis.cellsBySession.map(\.session), [1, 2])
        XCTAssertEqual(analysis.cellsBySession.map { $0.cells.map(\.cell.id) }, [[1, 2], [1, 3]])
        XCTAssertEqual(analysis.measurementCautions, [.resumed([.init(session: 1, cells: [1, 2]), .init(session: 2, cells: [1, 3])])])
        XCTAssertTrue(analysis.measurementCautions[0].text.contains("session 1: cells 1, 2; session 2: cells 1, 3"))
        XCTAssertEqual(Self.analysis(Array(specs.prefix(2))).measurementCautions, [])
    }

    /// The recommendation heads its output with the same cautions.
    func testTheRecommendationCarriesTheCautions() throws {
        let specs = [
            Trial(cell: 1, round: 0, rate: 100, hostCPU: 0.99, runnable: 4), Trial(cell: 1, round: 1, rate: 101, hostCPU: 0.99, runnable: 4),
            Trial(cell: 2, round: 0, rate: 80, hostCPU: 0.99, runnable: 4), Trial(cell: 2, round: 1, rate: 81, hostCPU: 0.99, runnable: 4),
        ]
        let recommendation = try Recommendation.make(Self.analysis(specs), options: RecommendOptions())
        guard case .clientSaturated(let cells, _, _, _)? = recommendation.findings.first(where: { $0.kind == .clientSaturated }) else {
            return XCTFail("\(recommendation.findings)")
        }
        XCTAssertEqual(cells, [1, 2])
        XCTAssertEqual(recommendation.cautions, recommendation.findings.map(\.text), "JSON's sentences are the findings'")
    }
}
