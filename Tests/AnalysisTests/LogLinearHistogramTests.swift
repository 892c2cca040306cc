import Foundation
import Model
import Results
import XCTest

/// The histogram that lets a run of any size be summarised in flat memory: every value it stands
/// for within 1/128 of the true one, extremes exact, halves that merge into the whole.
final class LogLinearHistogramTests: XCTestCase {
    /// Values spread over twelve decades (a microsecond to a million seconds, rates in bytes per
    /// second), drawn by a seeded generator.
    func values(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in pow(10, Double(generator.next() % 1_200_000) / 100_000 - 6) }
    }

    func testEveryPercentileIsWithinOneHundredTwentyEighthOfTheExactOne() {
        let sample = values(20_000, seed: 7)
        let histogram = LogLinearHistogram(sample)
        for p in [0.0, 1, 5, 25, 50, 75, 90, 95, 99, 99.9, 100] {
            let exact = Percentile.of(sample, p)!
            let streamed = histogram.percentile(p)!
            XCTAssertLessThanOrEqual(abs(streamed - exact) / exact, 1.0 / 128, "p\(p): \(streamed) against \(exact)")
        }
        XCTAssertEqual(histogram.percentile(0), sample.min(), "the smallest value is kept exactly")
        XCTAssertEqual(histogram.percentile(100), sample.max(), "the largest too")
        XCTAssertLessThan(histogram.buckets.count, 128 * 41, "at most 128 buckets per power of two spanned")
    }

    func testOneRepeatedValueIsExact() {
        let histogram = LogLinearHistogram(Array(repeating: 2.0, count: 1000) + Array(repeating: 600, count: 10))
        XCTAssertEqual(histogram.percentile(50), 2)
        XCTAssertEqual(histogram.value(atRank: 999), 2, "a bucket stands for its values' mean")
        XCTAssertEqual(histogram.count(above: 2), 10)
        XCTAssertEqual(histogram.count(above: 599), 10)
        XCTAssertEqual(histogram.count(above: 600), 0)
    }

    func testHalvesMergeIntoTheWhole() {
        let sample = values(5_000, seed: 11) + [0, 0, 0]
        let whole = LogLinearHistogram(sample)
        var merged = LogLinearHistogram(Array(sample[..<2_500]))
        merged.merge(LogLinearHistogram(Array(sample[2_500...])))
        XCTAssertEqual(merged.count, whole.count)
        XCTAssertEqual(merged.zeros, 3)
        XCTAssertEqual(merged.min, 0)
        XCTAssertEqual(merged.max, whole.max)
        XCTAssertEqual(Set(merged.buckets.keys), Set(whole.buckets.keys))
        for p in [10.0, 50, 90, 99] {
            XCTAssertEqual(merged.percentile(p)!, whole.percentile(p)!, accuracy: whole.percentile(p)! * 1e-12, "p\(p)")
        }
        var empty = LogLinearHistogram()
        empty.merge(merged)
        XCTAssertEqual(empty.min, 0)
        XCTAssertEqual(empty.max, whole.max)
        XCTAssertNil(LogLinearHistogram().percentile(50))
    }

    func testSplitKeepsEveryValueOnItsSide() {
        let histogram = LogLinearHistogram([0.1, 0.2, 0.3, 3, 4, 5])
        let (below, above) = histogram.split(at: 1)
        XCTAssertEqual(below.count, 3)
        XCTAssertEqual(above.count, 3)
        XCTAssertEqual(below.max, 0.3, accuracy: 0.3 / 128)
        XCTAssertEqual(above.min, 3, accuracy: 3.0 / 128)
        XCTAssertEqual(above.max, 5)
    }

    /// A digest of a run's requests is the sum of its parts' digests, so a fleet's is its workers'.
    func testDigestsOfTwoWorkersAddUpToTheDigestOfAll() {
        let trials = [TrialRow(id: 1, runId: 1, cellId: 1, repetition: 0, warmup: false, direction: .upload, objectIndex: 0, objectKey: "k",
                               objectSize: 1 << 24, partSize: 1 << 22, parts: 4, startedAt: 0, duration: 1, errorClass: nil, error: nil, retries: 1)]
        var generator = SplitMix64(seed: 5)
        let attempts = (0..<400).map { index -> AttemptRow in
            let failed = index % 50 == 0
            return AttemptRow(runId: 1, cellId: 1, trialId: 1, phase: .parts, operation: .uploadPart, method: .put, bucket: nil, key: nil,
                              partNumber: index % 4 + 1, attempt: failed ? 1 : 2, status: failed ? 503 : 200, errorClass: failed ? .slowDown : nil,
                              bytesSent: 1 << 22, bytesReceived: 0, dns: 0, connect: index % 7 == 0 ? 0.002 : 0, tls: 0, sent: 0.05,
                              firstByte: 0.06 + Double(generator.next() % 1000) / 1e5, total: 0.07 + Double(generator.next() % 1000) / 1e4,
                              silence: 0.01, reused: index % 7 != 0, startedAt: Double(index))
        }
        let all = RequestDigests(attempts, trials: trials).total
        var sum = RequestDigests(Array(attempts[..<150]), trials: trials)
        sum.merge(RequestDigests(Array(attempts[150...]), trials: trials))
        let merged = sum.total
        XCTAssertEqual(merged.attempts, 400)
        XCTAssertEqual(merged.failures, [.slowDown: 8])
        XCTAssertEqual(merged.slowDowns, 8)
        XCTAssertEqual(merged.firstTries, all.firstTries)
        XCTAssertEqual(merged.newConnections, all.newConnections)
        XCTAssertEqual(merged.bytes, 400 << 22)
        XCTAssertEqual(merged.total.percentile(95)!, all.total.percentile(95)!, accuracy: 1e-12)
        XCTAssertEqual(merged.healthyConnect.count, all.healthyConnect.count)
        XCTAssertEqual(merged.spans.total, all.spans.total, accuracy: 1e-9)
    }
}
