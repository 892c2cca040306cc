import Model
import Foundation

/// Retries as Score's clients do: up to `limit` more attempts after the first, exponential
/// back-off with full jitter, never for a 4xx or a cancellation.
public struct RetryPolicy: Sendable {
    public var limit: Int
    public var baseMilliseconds: Int64
    public var maxMilliseconds: Int64

    public init(limit: Int, baseMilliseconds: Int64 = 100, maxMilliseconds: Int64 = 5_000) {
        self.limit = limit
        self.baseMilliseconds = baseMilliseconds
        self.maxMilliseconds = maxMilliseconds
    }

    /// Runs `operation` until it succeeds or the limit is spent; returns its value and how many
    /// retries it took. The attempt number travels in the task's AttemptContext.
    @discardableResult
    public func run<T>(_ operation: () async throws -> T) async throws -> (value: T, retries: Int) {
        var attempt = 1
        while true {
            var context = AttemptContext.current
            context.attempt = attempt
            do {
                let value = try await AttemptContext.$current.withValue(context, operation: operation)
                return (value, attempt - 1)
            } catch {
                try Task.checkCancellation()
                guard ErrorClass.of(error).retryable, attempt <= limit else { throw RetriesExhausted(error: error, retries: attempt - 1) }
                try await Task.sleep(for: .milliseconds(delay(beforeRetry: attempt)))
                attempt += 1
            }
        }
    }

    /// Full jitter: uniformly 0 … min(max, base × 2^(n-1)).
    public func delay(beforeRetry n: Int) -> Int64 {
        let ceiling = min(maxMilliseconds, baseMilliseconds << min(n - 1, 20))
        return Int64.random(in: 0...max(0, ceiling))
    }
}

/// The last error of an operation that ran out of retries (or could not be retried).
public struct RetriesExhausted: Error, Sendable, CustomStringConvertible {
    public var error: Error
    public var retries: Int
    public var errorClass: ErrorClass { ErrorClass.of(error) }
    public var description: String {
        retries == 0 ? "\(error)" : "\(error) (after \(retries) retr\(retries == 1 ? "y" : "ies"))"
    }
}

/// A data path's plan (S3 or Azure): its retry policy, used so that a trial counts its retries.
protocol RetryingPlan {
    var retry: RetryPolicy { get }
}

extension RetryingPlan {
    /// Runs an operation under the retry policy and adds its retries to the trial's count.
    @discardableResult
    func retried<T>(_ clock: TrialClock, _ operation: () async throws -> T) async throws -> T {
        let (value, retries) = try await retry.run(operation)
        clock.addRetries(retries)
        return value
    }
}
