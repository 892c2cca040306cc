import Model
import ObjectStore
import Transport
import Workload
import XCTest

final class RetryPolicyTests: XCTestCase {
    final class Counter: @unchecked Sendable {
        var calls = 0
        var attempts: [Int] = []
    }

    func transportError(_ kind: TransportError.Kind) -> TransportError {
        TransportError(kind: kind, message: "test", metrics: AttemptMetrics())
    }

    func testRetriesRetryableErrorsUpToTheLimitAndCountsThem() async throws {
        let counter = Counter()
        let policy = RetryPolicy(limit: 3, baseMilliseconds: 1, maxMilliseconds: 2)
        let (value, retries) = try await policy.run { () -> String in
            counter.calls += 1
            counter.attempts.append(AttemptContext.current.attempt)
            if counter.calls < 3 { throw self.transportError(.connectionReset) }
            return "ok"
        }
        XCTAssertEqual(value, "ok")
        XCTAssertEqual(retries, 2)
        XCTAssertEqual(counter.attempts, [1, 2, 3], "the attempt number travels in the task's context")
    }

    func testGivesUpAfterLimitPlusOneAttemptsWithTheLastErrorClass() async {
        let counter = Counter()
        do {
            try await RetryPolicy(limit: 2, baseMilliseconds: 1, maxMilliseconds: 1).run {
                counter.calls += 1
                throw self.transportError(.stallTimeout)
            }
            XCTFail("succeeded")
        } catch let error as RetriesExhausted {
            XCTAssertEqual(counter.calls, 3)
            XCTAssertEqual(error.retries, 2)
            XCTAssertEqual(error.errorClass, .stallTimeout)
        } catch {
            XCTFail("\(error)")
        }
    }

    func testLimitZeroMeansOneAttempt() async {
        let counter = Counter()
        do {
            try await RetryPolicy(limit: 0).run { counter.calls += 1; throw TransferFailure(.etagMismatch, "x") }
        } catch {
            XCTAssertEqual(ErrorClass.of(error), .etagMismatch)
        }
        XCTAssertEqual(counter.calls, 1)
    }

    func testClassesFollowTheErrorKind() {
        XCTAssertEqual(ErrorClass.of(transportError(.connectTimeout)), .connectTimeout)
        XCTAssertEqual(ErrorClass.of(transportError(.connectionRefused)), .connectionRefused)
        XCTAssertEqual(ErrorClass.of(status: 503), .slowDown)
        XCTAssertEqual(ErrorClass.of(status: 500), .serverError)
        XCTAssertEqual(ErrorClass.of(status: 403), .clientError)
        XCTAssertNil(ErrorClass.of(status: 206))
        XCTAssertFalse(ErrorClass.clientError.retryable)
        XCTAssertTrue(ErrorClass.slowDown.retryable)
        XCTAssertTrue(ErrorClass.etagMismatch.retryable)
    }

    /// Full jitter: each wait is uniform in 0…min(max, base × 2^(n-1)). Two thousand draws per
    /// retry stay under the ceiling and spread across it (a fixed or halved wait would fail).
    func testFullJitterSpansZeroToTheCeiling() {
        let policy = RetryPolicy(limit: 8, baseMilliseconds: 10, maxMilliseconds: 100)
        for (retry, ceiling) in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (8, 100)] {
            let waits = (0..<2000).map { _ in policy.delay(beforeRetry: retry) }
            XCTAssertLessThanOrEqual(waits.max()!, Int64(ceiling), "retry \(retry)")
            XCTAssertGreaterThanOrEqual(waits.min()!, 0)
            XCTAssertGreaterThanOrEqual(waits.max()!, Int64(Double(ceiling) * 0.8), "retry \(retry): the top of the range is reached")
            XCTAssertLessThanOrEqual(waits.min()!, Int64(Double(ceiling) * 0.2), "retry \(retry): so is the bottom")
        }
    }
}
