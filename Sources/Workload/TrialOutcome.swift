import Model
import Foundation

/// How one object's upload or download went: what the runner turns into a `trials` row.
public struct TrialOutcome: Sendable {
    public var key: String
    public var objectSize: Int64
    public var partSize: Int64
    public var parts: Int
    public var startedAt: Double
    public var duration: Double
    public var errorClass: ErrorClass?
    public var error: String?
    public var retries: Int
    /// Seconds per phase: initiate, parts, finalize, state-cleanup (upload); meta, parts (download).
    public var phases: [TransferPhase: Double]
    /// CPU seconds the process used while the trial ran (user, system): the trial's own cost when
    /// it is the only one running.
    public var cpu: (user: Double, system: Double)
    /// The client host while it ran (see `ClientLoad`): share of all cores busy, and runnable
    /// tasks per core; nil where /proc cannot tell.
    public var hostCPU: Double?
    public var runnablePerCore: Double?

    public var succeeded: Bool { errorClass == nil }
}

/// Times phases and counts retries while a trial runs; builds its outcome at the end.
/// Sendable: the phases and retry count only under `lock`.
final class TrialClock: @unchecked Sendable {
    private let lock = NSLock()
    let startedAt = Date().timeIntervalSince1970
    private let start = ContinuousClock.now
    private let cpuAtStart = processCPU()
    private let loadAtStart = ClientLoad.sample()
    private var phases: [TransferPhase: Double] = [:]
    private var retries = 0

    @discardableResult
    func phase<T>(_ name: TransferPhase, _ body: () async throws -> T) async throws -> T {
        let began = ContinuousClock.now
        defer {
            let seconds = (ContinuousClock.now - began).seconds
            lock.withLock { phases[name, default: 0] += seconds }
        }
        return try await AttemptContext.phase(name, body)
    }

    func addRetries(_ count: Int) { lock.withLock { retries += count } }

    func outcome(key: String, objectSize: Int64, partSize: Int64, parts: Int, error: Error?) -> TrialOutcome {
        let failure = error.map { ErrorClass.of($0) }
        if let exhausted = error as? RetriesExhausted { addRetries(exhausted.retries) }
        let cpu = processCPU()
        let duration = (ContinuousClock.now - start).seconds
        let load = ClientLoad.between(loadAtStart, ClientLoad.sample())
        return lock.withLock {
            TrialOutcome(key: key, objectSize: objectSize, partSize: partSize, parts: parts, startedAt: startedAt,
                         duration: duration, errorClass: failure,
                         error: error.map { "\($0)" }, retries: retries, phases: phases,
                         cpu: (cpu.user - cpuAtStart.user, cpu.system - cpuAtStart.system),
                         hostCPU: load.hostCPU, runnablePerCore: load.runnablePerCore)
        }
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

/// User and system CPU seconds of the whole process so far (getrusage).
public func processCPU() -> (user: Double, system: Double) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return (Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
}
