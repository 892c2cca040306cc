import Model
import Results
@testable import Runner
import XCTest

/// The order of visits, without a store: interleaved rounds shuffled anew, warm-up on a cell's
/// first visit only, resumption from each cell's complete rounds, blocked order as before.
final class RoundPlanTests: XCTestCase {
    func cells(_ roundsDone: [Int], repetitions: Int) -> [CellRow] {
        roundsDone.enumerated().map { index, done in
            var cell = CellRow(runId: 1, position: index, knobs: Knobs(uploadPartSize: 16 << 20, downloadPartSize: nil, retryLimit: 3,
                                                                       connectTimeoutMilliseconds: 1000, stallTimeoutMilliseconds: 1000,
                                                                       parallel: index + 1, clients: 1),
                               status: done >= repetitions ? .done : (done > 0 ? .interrupted : .pending))
            cell.id = Int64(index + 1)
            cell.roundsDone = done
            return cell
        }
    }

    func testInterleavedRoundsVisitEveryCellOncePerRound() {
        let visits = RoundPlan.visits(cells: cells([0, 0, 0, 0], repetitions: 3), repetitions: 3, order: .interleaved, seed: 42)
        XCTAssertEqual(visits.count, 12)
        XCTAssertEqual(visits.map { $0.round! }, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], "round by round")
        for round in 0..<3 {
            let inRound = visits.filter { $0.round == round }
            XCTAssertEqual(Set(inRound.map(\.cellId)), [1, 2, 3, 4], "every cell once in round \(round)")
            XCTAssertTrue(inRound.allSatisfy { $0.rounds == round..<(round + 1) })
            XCTAssertTrue(inRound.allSatisfy { $0.warmup == (round == 0) }, "warm-up on the first visit only")
        }
        let orders = (0..<3).map { round in visits.filter { $0.round == round }.map(\.cellId) }
        XCTAssertGreaterThan(Set(orders).count, 1, "the order is shuffled anew per round: \(orders)")
        XCTAssertEqual(visits, RoundPlan.visits(cells: cells([0, 0, 0, 0], repetitions: 3), repetitions: 3, order: .interleaved, seed: 42),
                       "the same seed, the same order")
    }

    func testAResumedInterleavedRunGoesOnFromEachCellsCompleteRounds() {
        // Cell 1 finished, cell 2 did one round, cell 3 none.
        let visits = RoundPlan.visits(cells: cells([3, 1, 0], repetitions: 3), repetitions: 3, order: .interleaved, seed: 7)
        XCTAssertEqual(visits.filter { $0.round == 0 }.map(\.cellId), [3])
        XCTAssertEqual(Set(visits.filter { $0.round == 1 }.map(\.cellId)), [2, 3])
        XCTAssertEqual(Set(visits.filter { $0.round == 2 }.map(\.cellId)), [2, 3])
        XCTAssertFalse(visits.contains { $0.cellId == 1 }, "a complete cell is not visited again")
        XCTAssertEqual(Set(visits.filter(\.warmup).map(\.cellId)), [2, 3], "each cell warms up on its first visit of the session")
        XCTAssertEqual(visits.first { $0.cellId == 2 && $0.warmup }?.round, 1, "cell 2's first visit now is round 1")
    }

    func testBlockedOrderRunsEachPendingCellWholeInPositionOrder() {
        let visits = RoundPlan.visits(cells: cells([0, 3, 1], repetitions: 3), repetitions: 3, order: .blocked, seed: 7)
        XCTAssertEqual(visits, [CellVisit(cellId: 1, rounds: 0..<3, warmup: true, round: nil),
                                CellVisit(cellId: 3, rounds: 0..<3, warmup: true, round: nil)],
                       "a blocked cell cut short starts over, warm-up included")
    }
}
