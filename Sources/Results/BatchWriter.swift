import Foundation

/// Collects attempt and trial rows from the transfer tasks (a lock and an append, nothing more)
/// and writes them in batches from its own task, so no transfer ever waits for SQLite.
/// Sendable: every mutable field is read and written under `lock`.
public final class BatchWriter: @unchecked Sendable {
    private let database: ResultsDatabase
    private let lock = NSLock()
    private var trials: [TrialRow] = []
    private var attempts: [AttemptRow] = []
    private var faults: [FaultRow] = []
    private var flusher: Task<Void, Never>?
    private var failure: Error?

    public init(database: ResultsDatabase, interval: Duration = .milliseconds(250)) {
        self.database = database
        flusher = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self?.flushOnce()
            }
        }
    }

    public func add(_ attempt: AttemptRow) { lock.withLock { attempts.append(attempt) } }
    public func add(_ trial: TrialRow) { lock.withLock { trials.append(trial) } }
    public func add(_ fault: FaultRow) { lock.withLock { faults.append(fault) } }

    /// Writes whatever is buffered; throws the first write failure seen so far.
    public func flush() async throws {
        await flushOnce()
        if let failure = lock.withLock({ failure }) { throw failure }
    }

    /// Stops the background task after a last flush.
    public func close() async throws {
        flusher?.cancel()
        try await flush()
    }

    private func flushOnce() async {
        let (t, a, f) = lock.withLock { () -> ([TrialRow], [AttemptRow], [FaultRow]) in
            defer { trials = []; attempts = []; faults = [] }
            return (trials, attempts, faults)
        }
        do {
            try await database.insert(trials: t, attempts: a, faults: f)
        } catch {
            lock.withLock { if failure == nil { failure = error } }
        }
    }
}
