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
        try await store.put(key: key, bytes: Array("\(worker.rank)/\(worker.count)\n".utf8))
        let arrived = Date().timeIntervalSince1970
        let started = ContinuousClock.now
        var polls = 0
        var present: Set<Int> = []
        // Ranks seen at any listing: a worker that arrived and then gave up (and removed its
        // marker) is not named as one that never came.
        var seen: Set<Int> = []
        var stop = false
        while true {
            try Task.checkCancellation()
            polls += 1
            let listed = try await store.list(prefix: markers)
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
            if started.duration(to: .now) > timeout {
                let missing = (0..<worker.count).filter { !seen.contains($0) }
                throw BarrierTimeout(name: name, missing: missing, waited: timeout)
            }
            try await Task.sleep(for: pollInterval)
        }
        let released = Date().timeIntervalSince1970
        try await database.insertBarrier(BarrierRow(runId: recorder.runId, worker: worker.rank, name: name, cellId: cellId,
                                                    arrivedAt: arrived, releasedAt: released, polls: polls, stop: stop))
        if let previous { try await remove(previous) }
        return Passage(stop: stop, ledgerId: ledger.first, key: key)
    }

    /// A marker under this tag that no worker of this run can have stored yet — the `end` of an
    /// earlier run, or any barrier past the first — or nil. (Markers of the first barrier may be
    /// this run's own, from workers that started sooner.)
    func earlierRunsMarker(firstBarrier: String) async throws -> String? {
        let first = prefix(firstBarrier)
        return try await store.list(prefix: Worker.barrierPrefix(tag: worker.tag)).first { !$0.hasPrefix(first) }
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
