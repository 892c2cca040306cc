@testable import Analysis
import Foundation
import Model
import Results
import XCTest

/// What `scoretune confirm` reports for each side, on runs built by hand: failed objects counted,
/// and seconds per GiB that count a failed object's time against the bytes that did arrive.
final class ConfirmationTests: XCTestCase {
    func testAFailedObjectCostsItsTimeAndItsRedo() throws {
        // Two uploads of 100 MB at 200 MB/s: 0.5 s each, 1 s for 2·10^8 bytes (0.1863 GiB). A failed
        // one's 0.5 s is spent, and it is re-run at the mean good time, 0.5 s, 1 ÷ (1 − 1/2) = 2 times.
        let clean = AnswerTests.analysis([AnswerTests.Cell(up: [200, 200])])
        var lossy = AnswerTests.analysis([AnswerTests.Cell(up: [200, 200])], runId: 2)
        var trials = lossy.trialSample
        trials[1].outcome = .failed
        lossy = lossy.replacingTrials(trials)
        let file = Confirmation.Side(name: "file's", analysis: lossy)
        let recommended = Confirmation.Side(name: "recommended", analysis: clean)
        XCTAssertEqual(recommended.objects, 2)
        XCTAssertEqual(recommended.failed, 0)
        XCTAssertEqual(try XCTUnwrap(recommended.secondsPerGiB), 1 / (2e8 / 1_073_741_824), accuracy: 1e-9)
        XCTAssertEqual(file.failed, 1)
        XCTAssertEqual(try XCTUnwrap(file.secondsPerGiB), 2 / (2e8 / 1_073_741_824), accuracy: 1e-9, "the failed object's 0.5 s, and its re-runs")
        XCTAssertEqual(file.retryLimit, 5)
        XCTAssertTrue(Confirmation(fromRun: 1, profile: "p.yaml", file: file, recommended: recommended).recommendedHolds)
        XCTAssertFalse(Confirmation(fromRun: 1, profile: "p.yaml", file: recommended, recommended: file).recommendedHolds,
                       "more failures do not hold, whatever the time")
        let table = Confirmation(fromRun: 1, profile: "p.yaml", file: file, recommended: recommended).markdown
        XCTAssertTrue(table.contains("| file's | 2 | 5 | 15s | 1m | 2 | 1 | 10.74 | "), table)
        XCTAssertEqual(Confirmation(fromRun: 1, profile: "p.yaml", file: file, recommended: recommended).time, .cheaper)
    }

    /// A difference no larger than the rounds of either run move on their own is no difference.
    func testTimeWithinTheRoundsNoiseIsEqual() {
        var analysis = AnswerTests.analysis([AnswerTests.Cell(up: [200, 100])])
        analysis = Self.inRounds(analysis)
        let noisy = Confirmation.Side(name: "file's", analysis: analysis)
        // Rounds at 0.5 s and 1 s per 10^8 bytes: 5.37 and 10.74 s/GiB, noise 2.68.
        XCTAssertEqual(noisy.roundSecondsPerGiB.count, 2)
        XCTAssertEqual(noisy.noise, (1 - 0.5) / (1e8 / 1_073_741_824) / 2, accuracy: 1e-9)
        var slower = AnswerTests.analysis([AnswerTests.Cell(up: [90, 90])], runId: 2)
        slower = Self.inRounds(slower)
        let recommended = Confirmation.Side(name: "recommended", analysis: slower)
        // 8.05 against 11.93: 3.88 apart, more than the 2.68 the file's rounds moved.
        XCTAssertEqual(Confirmation(fromRun: 1, profile: "p", file: noisy, recommended: recommended).time, .dearer)
        var close = AnswerTests.analysis([AnswerTests.Cell(up: [140, 140])], runId: 3)
        close = Self.inRounds(close)
        XCTAssertEqual(Confirmation(fromRun: 1, profile: "p", file: noisy, recommended: Confirmation.Side(name: "r", analysis: close)).time, .equalWithinNoise)
    }

    /// The run with its first two trials in rounds 0 and 1.
    static func inRounds(_ analysis: RunAnalysis) -> RunAnalysis {
        var trials = analysis.trialSample
        trials[0].round = 0
        trials[1].round = 1
        return analysis.replacingTrials(trials)
    }
}
