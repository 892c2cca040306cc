import XCTest
@testable import Analysis
import Model
import Results

/// A run with more trials than an analysis keeps: its counts, failures and windows stay exact
/// (added up over every trial), its medians come from an evenly spaced sample whose interval
/// still holds the whole run's median.
final class TrialSampleTests: XCTestCase {
    /// 9,001 uploads at rates spread from 100 to 190 MB/s, every tenth one failed: far above the
    /// 2,000 a group keeps.
    func testCountsAreExactAndTheSampledMedianIsTheRunsWithinItsInterval() throws {
        let base = AnswerTests.analysis([AnswerTests.Cell(up: [200])])
        var template = try XCTUnwrap(base.trialSample.first)
        template.repetition = 0
        var trials: [TrialRow] = []
        var rates: [Double] = []
        for index in 0..<9_001 {
            var trial = template
            trial.id = Int64(index + 1)
            trial.startedAt = Double(index)
            // A permutation of 0..<9001 (7 and 9001 are coprime): the rates are not sorted by id.
            let rate = 100 + 90 * Double((index * 7) % 9_001) / 9_000
            trial.duration = Double(trial.objectSize) / (rate * 1e6)
            if index % 10 == 0 {
                (trial.outcome, trial.errorClass, trial.error) = (.failed, .serverError, "HTTP 503 on trial \(index)")
            } else {
                rates.append(rate)
            }
            trial.retries = index % 3 == 0 ? 1 : 0
            trials.append(trial)
        }
        let analysis = base.replacingTrials(trials)
        let cell = try XCTUnwrap(analysis.cells.first)
        XCTAssertEqual(cell.trials, 9_001)
        XCTAssertEqual(cell.failedTrials, 901)
        XCTAssertEqual(cell.retries, 3_001)
        XCTAssertEqual(analysis.counts.measuredTrials, 9_001)
        let failure = try XCTUnwrap(analysis.failures.first)
        XCTAssertEqual(failure.count, 901)
        XCTAssertEqual(failure.example, "HTTP 503 on trial 0", "the first failure's message")

        XCTAssertLessThanOrEqual(analysis.trialSample.count, TrialSample.cap, "every 5th of 9,001: 1,801 held")
        XCTAssertEqual(analysis.trialSample.count, 1_801)
        let upload = try XCTUnwrap(cell.upload)
        let exact = try XCTUnwrap(Statistics.median(rates))
        XCTAssertLessThanOrEqual(upload.low, exact)
        XCTAssertGreaterThanOrEqual(upload.high, exact)
        XCTAssertEqual(upload.median, exact, accuracy: exact * 0.01)
        XCTAssertEqual(analysis.timeline(.upload).count, 1_801, "charts show the sample")
    }

    /// Up to the cap nothing is sampled: the analysis holds every trial.
    func testASmallRunIsHeldWhole() {
        let analysis = AnswerTests.analysis([AnswerTests.Cell(up: Array(repeating: 200, count: 50), down: Array(repeating: 300, count: 50))])
        XCTAssertEqual(analysis.trialSample.count, 100)
        XCTAssertEqual(analysis.cells[0].upload?.samples.count, 50)
    }
}
