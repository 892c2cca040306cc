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

    func testFullJitterStaysUnderTheCap() async throws {
        // 5 retries with a 20 ms cap can take at most ~100 ms of back-off.
        let started = ContinuousClock.now
        _ = try? await RetryPolicy(limit: 5, baseMilliseconds: 10, maxMilliseconds: 20).run { throw self.transportError(.connectionReset) }
        XCTAssertLessThan(started.duration(to: .now), .seconds(2))
    }
}
