import Foundation
import Model
import ObjectStore
import Results
import Transport
import Workload

/// The barrier distributed workers pass before each cell, through the store itself: no server of
/// its own and no clocks. A worker stores a marker `scoretune-barrier/<tag>/<name>/<rank>` (or
/// `<rank>.stop` when its time budget is spent) and lists the barrier's prefix until every rank's
/// marker is there; all workers are then released within one poll interval of each other. When
/// any marker says stop, every worker stops there, so all of them end at the same cell.
///
/// Markers go through the run's `created` ledger. A worker removes its marker of one barrier only
/// once it has passed the next: every other worker has then seen it. The last barrier ("end")
/// cannot be followed by another, and no worker can know that all the others have seen its
/// marker: those markers (a few bytes per worker) stay, outside the worker's ledger so that its own
/// clean-up does not pull them from under a worker still listing, for `merge --env` or
/// `clean --tag` to remove.
public struct StoreBarrier: Sendable {
    let worker: Worker
    let store: SharedStore
    var bucket: String { store.container }
    let database: ResultsDatabase
    let recorder: RunRecorder
    /// Between listings: a release is at most this late after the last arrival.
    let pollInterval: Duration
    /// How long a worker waits for the others before it names the missing ranks and fails.
    let timeout: Duration
    /// Told what a worker waits for, once it has waited `waitingNoteAfter` and then every
    /// `waitingNoteEvery`: a worker started without its partners must not look stuck.
    var waiting: @Sendable (String) -> Void = { _ in }
    static let waitingNoteAfter: Duration = .seconds(2)
    static let waitingNoteEvery: Duration = .seconds(30)

    /// What passing a barrier told the worker.
    struct Passage: Sendable {
        var stop: Bool
        /// The ledger row of this worker's marker (removed after the next barrier); nil for "end".
        var ledgerId: Int64?
        var key: String
    }

    func prefix(_ name: String) -> String { Worker.barrierPrefix(tag: worker.tag) + name + "/" }

    /// Between one worker's listings: 50 ms keeps the releases within about that much of each
    /// other (plus one listing's latency), and with many workers it grows so that all of them
    /// together list at most 160 times a second while they wait.
    public static func pollInterval(workers: Int) -> Duration { .milliseconds(max(50, Int64(workers) * 1000 / 160)) }

    /// Stores this worker's marker for `name` and waits for every rank's. `previous`: the passage
    /// of the barrier before, whose marker is removed now.
    func pass(_ name: String, cellId: Int64?, stop wantsStop: Bool, previous: Passage?) async throws -> Passage {
        let markers = prefix(name)
        let key = markers + "\(worker.rank)" + (wantsStop ? ".stop" : "")
        let ledger = name == BarrierRow.endName ? [] : try await recorder.willCreate([Creation(kind: .object, bucket: bucket, key: key)])
        let started = ContinuousClock.now
        // The same marker stored again is the same marker.
        try await polling(since: started) { try await store.put(key: key, bytes: Array("\(worker.rank)/\(worker.count)\n".utf8)) }
        let arrived = Date().timeIntervalSince1970
        var polls = 0
        var present: Set<Int> = []
        // Ranks seen at any listing: a worker that arrived and then gave up (and removed its
        // marker) is not named as one that never came.
        var seen: Set<Int> = []
        var stop = false
        var nextNote = Self.waitingNoteAfter
        let deadline = Date(timeIntervalSince1970: arrived).addingTimeInterval(Double(timeout.components.seconds))
        while true {
            try Task.checkCancellation()
            polls += 1
            let listed = try await polling(since: started) { try await store.list(prefix: markers) }
            present = []
            stop = false
            for listedKey in listed {
                let leaf = listedKey.dropFirst(markers.count)
                let rankText = leaf.hasSuffix(".stop") ? leaf.dropLast(5) : leaf
                guard let rank = Int(rankText), (0..<worker.count).contains(rank) else { continue }
                present.insert(rank)
                if leaf.hasSuffix(".stop") { stop = true }
            }
            seen.formUnion(present)
            if present.count == worker.count { break }
            let waited = started.duration(to: .now)
            if waited > timeout {
                let missing = (0..<worker.count).filter { !seen.contains($0) }
                throw BarrierTimeout(name: name, missing: missing, waited: timeout)
            }
            if waited >= nextNote {
                let missing = (0..<worker.count).filter { !present.contains($0) }
                waiting(Self.waitingNote(name: name, missing: missing, of: worker.count, until: deadline))
                nextNote = waited + Self.waitingNoteEvery
            }
            try await Task.sleep(for: pollInterval)
        }
        let released = Date().timeIntervalSince1970
        try await database.insertBarrier(BarrierRow(runId: recorder.runId, worker: worker.rank, name: name, cellId: cellId,
                                                    arrivedAt: arrived, releasedAt: released, polls: polls, stop: stop))
        if let previous { try await remove(previous) }
        return Passage(stop: stop, ledgerId: ledger.first, key: key)
    }

    /// `waiting before cell 1, round 1 for worker 1 of 2 (its marker in the store; gives up at 12:04:31 UTC)`.
    static func waitingNote(name: String, missing: [Int], of count: Int, until deadline: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm:ss"
        let who = missing.count == 1 ? "worker \(missing[0])" : "workers \(missing.prefix(8).map(String.init).joined(separator: ", "))\(missing.count > 8 ? ", …" : "")"
        let parts = name.split(separator: ".").compactMap { Int($0) }
        let place = parts.count == 2 ? "before cell \(parts[0] + 1), round \(parts[1] + 1)" : "at the run's end"
        return "waiting \(place) for \(who) of \(count) (\(missing.count == 1 ? "its marker" : "their markers") in the store; gives up at \(formatter.string(from: deadline)) UTC)"
    }

    /// A marker under this tag that no worker of this run can have stored yet — the `end` of an
    /// earlier run, or any barrier past the first — or nil. (Markers of the first barrier may be
    /// this run's own, from workers that started sooner.)
    func earlierRunsMarker(firstBarrier: String) async throws -> String? {
        let first = prefix(firstBarrier)
        return try await polling(since: ContinuousClock.now) { try await store.list(prefix: Worker.barrierPrefix(tag: worker.tag)) }
            .first { !$0.hasPrefix(first) }
    }

    /// A barrier's request to the store, asked again one poll interval later when the store drops
    /// it (a reset, a 503, a lost answer, a timeout): the barrier is a poll, and only its own
    /// timeout (counted from `since`) ends it.
    private func polling<T>(since started: ContinuousClock.Instant, _ request: () async throws -> T) async throws -> T {
        while true {
            do { return try await request() } catch where ErrorClass.of(error).retryable && !Task.isCancelled && started.duration(to: .now) < timeout {
                try await Task.sleep(for: pollInterval)
            }
        }
    }

    /// Removes a passed barrier's marker (every worker has seen it once the next one is passed).
    func remove(_ passage: Passage) async throws {
        try await store.delete(key: passage.key)
        if let id = passage.ledgerId { try await recorder.removed([id]) }
    }
}

/// The other workers did not all reach a barrier in time: names the ranks that are missing.
struct BarrierTimeout: Error, CustomStringConvertible {
    let name: String
    let missing: [Int]
    let waited: Duration

    var description: String {
        let ranks = missing.map(String.init).joined(separator: ", ")
        return "barrier \(name): worker\(missing.count == 1 ? "" : "s") \(ranks) did not arrive within \(Units.formatDuration(waited.milliseconds))"
    }
}
