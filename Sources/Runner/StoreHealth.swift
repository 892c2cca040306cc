import Model
import Foundation
import Workload

/// Notices a store that has gone away mid-run. After `threshold` trials in a row fail without the
/// store answering at all (refused, connect timeout, reset, stall), the runner probes the store
/// directly; when that fails too the run ends as `failed`, not "completed" with every trial lost.
/// Sendable: `consecutive` only under `lock`.
final class StoreHealth: @unchecked Sendable {
    static let threshold = 5
    private let lock = NSLock()
    private var consecutive = 0     // guarded by lock

    /// No answer came from the store: `ErrorClass.isUnanswered`, and a reset mid-request too.
    static func unanswered(_ errorClass: ErrorClass) -> Bool { errorClass.isUnanswered || errorClass == .connectionReset }

    /// Records a trial; true when it is time to probe the store.
    func record(_ outcome: TrialOutcome) -> Bool {
        lock.withLock {
            if outcome.succeeded { consecutive = 0; return false }
            guard let errorClass = outcome.errorClass, Self.unanswered(errorClass) else { consecutive = 0; return false }
            consecutive += 1
            return consecutive >= Self.threshold
        }
    }

    var failuresInARow: Int { lock.withLock { consecutive } }

    /// The store answered a probe: count afresh.
    func reset() { lock.withLock { consecutive = 0 } }
}

/// The store stopped answering mid-run.
struct StoreUnreachable: Error, CustomStringConvertible {
    var failures: Int
    var probe: String
    var description: String { "store unreachable after \(failures) consecutive failed trials (\(probe))" }
}
