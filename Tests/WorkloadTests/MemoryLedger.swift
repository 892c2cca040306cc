import Foundation
import Model
import Workload

/// The run's ledger and digest table, in memory: what a data path said it would create, and what
/// it said it removed, for tests that check nothing was left behind.
final class MemoryLedger: TransferJournal, DigestStore, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int64: Creation] = [:]
    private var removedIds: Set<Int64> = []
    private var uploadIds: [Int64: String] = [:]
    private var digests: [String: [Int: String]] = [:]
    private var next: Int64 = 1

    func willCreate(_ creations: [Creation]) async throws -> [Int64] {
        lock.withLock {
            creations.map { creation in
                defer { next += 1 }
                items[next] = creation
                return next
            }
        }
    }

    func uploadIdKnown(_ id: Int64, uploadId: String) async throws { lock.withLock { uploadIds[id] = uploadId } }
    func removed(_ ids: [Int64]) async throws { lock.withLock { removedIds.formUnion(ids) } }

    /// Creations not (yet) marked removed.
    var outstanding: [Creation] { lock.withLock { items.filter { !removedIds.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value) } }
    var created: [Creation] { lock.withLock { items.sorted { $0.key < $1.key }.map(\.value) } }

    private func key(_ seed: UInt64, _ index: Int, _ size: Int64, _ part: Int64) -> String { "\(seed)/\(index)/\(size)/\(part)" }
    func digests(seed: UInt64, objectIndex: Int, objectSize: Int64, partSize: Int64) async throws -> [Int: String] {
        lock.withLock { digests[key(seed, objectIndex, objectSize, partSize)] ?? [:] }
    }
    func storeDigests(seed: UInt64, objectIndex: Int, objectSize: Int64, partSize: Int64, md5s: [Int: String]) async throws {
        lock.withLock { digests[key(seed, objectIndex, objectSize, partSize), default: [:]].merge(md5s) { $1 } }
    }
}
