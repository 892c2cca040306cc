import Model
import Results
@testable import Runner
import Scenario
import XCTest

/// Successive halving's decisions and schedule on standings built by hand, without a store:
/// the best 1/η go on, a cell the leader cannot be told from is never dropped, the budget caps
/// what goes on, and the final decision keeps the leader and its equals only.
final class SuccessiveHalvingTests: XCTestCase {
    func standing(_ id: Int64, _ samples: [Double]) -> CellStanding { CellStanding(cellId: id, label: "cell\(id)", samples: samples) }

    func kept(_ verdicts: [SuccessiveHalving.Verdict]) -> [Int64] { verdicts.filter { $0.verdict == .kept }.map(\.standing.cellId) }

    func testTheBestThirdGoesOnAfterOneRound() {
        let standings = (1...9).map { standing(Int64($0), [Double($0) * 10]) }
        let verdicts = SuccessiveHalving.decide(standings, eta: 3, maxKeep: .max, final: false)
        XCTAssertEqual(kept(verdicts), [9, 8, 7], "one sample has no interval: the ranking alone decides")
        let dropped = verdicts.first { $0.standing.cellId == 6 }!
        XCTAssertEqual(dropped.verdict, .dropped)
        XCTAssertTrue(dropped.reason.contains("60.0 MB/s") && dropped.reason.contains("below the leader's 90.0 MB/s (cell 9)"), dropped.reason)
    }

    func testACellTheLeaderCannotBeToldFromIsNeverDropped() {
        let standings = [standing(1, [100, 104, 102]), standing(2, [99, 103, 101]), standing(3, [60, 61, 62]), standing(4, [40, 41, 42])]
        let verdicts = SuccessiveHalving.decide(standings, eta: 3, maxKeep: .max, final: false)
        XCTAssertEqual(kept(verdicts), [1, 2], "quota 1 of 4, and cell 2's 99–103 overlaps the leader's 100–104")
        XCTAssertTrue(verdicts[1].reason.contains("not yet told apart"), verdicts[1].reason)
        XCTAssertTrue(verdicts[2].reason.contains("below the leader's 100.0–104.0 (cell 1)"), verdicts[2].reason)
    }

    func testTheBudgetCapsWhatGoesOn() {
        let standings = [standing(1, [100, 104, 102]), standing(2, [99, 103, 101]), standing(3, [98, 102, 100])]
        let verdicts = SuccessiveHalving.decide(standings, eta: 2, maxKeep: 2, final: false)
        XCTAssertEqual(kept(verdicts), [1, 2])
        XCTAssertTrue(verdicts[2].reason.contains("the budget carries only 2 cell(s)"), verdicts[2].reason)
    }

    func testTheFinalDecisionKeepsTheLeaderAndItsEqualsOnly() {
        let standings = [standing(1, [100, 101, 102, 103, 104]), standing(2, [90, 91, 92, 93, 94]), standing(3, [99, 101, 102, 103, 105])]
        XCTAssertEqual(kept(SuccessiveHalving.decide(standings, eta: 2, maxKeep: .max, final: true)), [1, 3],
                       "cell 2 is clearly slower; cell 3 cannot be told from the leader")
    }

    func testRoundsGrowByEtaUpToTheRepetitions() {
        var search = SearchSettings.grid
        search.strategy = .halving
        XCTAssertEqual((0...3).map { search.rounds(afterRung: $0, repetitions: 8) }, [1, 3, 8, 8])
        search.eta = 2
        search.initialRounds = 2
        XCTAssertEqual((0...3).map { search.rounds(afterRung: $0, repetitions: 20) }, [2, 4, 8, 16])
    }

    /// A round's rate is the objective's bytes over the time its transfers took, per direction;
    /// `both` adds the two directions' bytes and times.
    func testAStandingIsEachRoundsBytesOverItsTime() {
        var cell = CellRow(runId: 1, position: 0, knobs: Knobs(uploadPartSize: 8 << 20, downloadPartSize: nil, retryLimit: 1,
                                                              connectTimeoutMilliseconds: 1000, stallTimeoutMilliseconds: 1000, parallel: 2, clients: 1))
        cell.id = 5
        var next: Int64 = 0
        func trial(_ direction: Direction, round: Int, start: Double, duration: Double, ok: Bool = true) -> TrialRow {
            next += 1
            var row = TrialRow(id: next, runId: 1, cellId: 5, repetition: round + 1, warmup: false, direction: direction, objectIndex: 0,
                               objectKey: "k", objectSize: 100_000_000, partSize: 8 << 20, parts: 12, startedAt: start, duration: duration,
                               errorClass: ok ? nil : .connectionReset, error: ok ? nil : "reset", retries: 0)
            row.round = round
            return row
        }
        let trials = [trial(.upload, round: 0, start: 0, duration: 1), trial(.download, round: 0, start: 2, duration: 0.25),
                      trial(.upload, round: 1, start: 10, duration: 2, ok: false), trial(.download, round: 1, start: 13, duration: 0.5)]
        let upload = CellStanding(cell: cell, trials: trials, objective: .upload, rounds: 2)
        XCTAssertEqual(upload.samples, [100, 0], "a failed round moves no bytes but spends its time")
        let both = CellStanding(cell: cell, trials: trials, objective: .both, rounds: 2)
        XCTAssertEqual(both.samples[0], 200 / 1.25, accuracy: 1e-9)
        XCTAssertEqual(both.samples[1], 100 / 2.5, accuracy: 1e-9)
    }
}
