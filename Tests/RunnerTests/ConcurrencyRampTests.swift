import Model
@testable import Runner
import XCTest

/// The concurrency ramp's steps on measurements given by hand: ×4 then ×2 while a step gains
/// enough of linear, one refining step after a rejection, and more failures reject a faster step.
final class ConcurrencyRampTests: XCTestCase {
    let values = [1, 2, 4, 8, 16, 32, 64]
    func ramp(minGain: Double = 0.2) -> ConcurrencyRamp {
        ConcurrencyRamp(knob: .parallel, ladder: values.map { .init(value: $0, cellId: Int64($0)) }.reversed(), minGain: minGain)
    }

    /// Drives a ramp against a throughput curve, returning the values it measured, in order.
    func climb(_ ramp: inout ConcurrencyRamp, rate: (Int) -> Double, failures: [Int64: Int] = [:]) -> [Int] {
        var measured: [Int] = []
        var guardSteps = 0
        while !ramp.done && guardSteps < 20 {
            guardSteps += 1
            let ids = ramp.toMeasure
            measured.append(Int(ids.last!))
            let standings = Dictionary(uniqueKeysWithValues: ids.map { ($0, CellStanding(cellId: $0, label: "", samples: [rate(Int($0))])) })
            ramp.decide(standings, failures: failures)
        }
        return measured
    }

    func testClimbsByFourThenTwoWhileItPays() {
        var r = ramp()
        // Linear up to 16, flat after: 1 → 4 → 8 → 16 accepted, 32 rejected, 64 never tried; no value between 16 and 32.
        let measured = climb(&r) { min(Double($0), 16) * 10 }
        XCTAssertEqual(measured, [4, 8, 16, 32])
        XCTAssertEqual(r.answer, 16)
        XCTAssertTrue(r.steps.contains { $0.cellId == 32 && $0.verdict == .dropped && $0.reason.contains("below the 20% of linear") },
                      "\(r.steps.map(\.reason))")
        XCTAssertEqual(r.steps.last?.verdict, .kept)
    }

    func testARejectedStepIsRefinedBetweenOnce() {
        var r = ramp(minGain: 0.5)
        // Saturating at 2, 1 → 4 gains +100%, a third of linear: below the half asked for. Refine
        // at 2, which doubles 1's rate (all of linear) and is accepted; then stop.
        let measured = climb(&r) { min(Double($0), 2) * 10 }
        XCTAssertEqual(measured, [4, 2])
        XCTAssertEqual(r.answer, 2)
    }

    func testAStepThatFailsMoreIsRejected() {
        var r = ramp()
        let measured = climb(&r, rate: { Double($0) * 10 }, failures: [4: 1])
        XCTAssertEqual(measured, [4, 2], "4 is faster but failed a trial: refine at 2")
        XCTAssertTrue(r.steps.contains { $0.cellId == 4 && $0.reason.contains("it failed more") })
        XCTAssertEqual(r.answer, 2)
    }

    func testAOneValueFamilyNeedsNoStep() {
        let single = ConcurrencyRamp(knob: .clients, ladder: [.init(value: 3, cellId: 7)], minGain: 0.2)
        XCTAssertTrue(single.done)
        XCTAssertEqual(single.answer, 7)
        XCTAssertEqual(single.steps.map(\.verdict), [.kept])
    }
}
