import Foundation
import Model

/// A worker's database, carried through the object bucket (or the Azure container) where the
/// workers share no filesystem (a Kubernetes Job's pods): each worker uploads its closed database
/// to `scoretune-results/<tag>/worker-<rank>.sqlite` when it ends (`run --upload-db`), and
/// `merge --tag` fetches them all, merges them, and removes them. Both ways the file streams
/// (`SharedStore`): a database of millions of attempts is never held in memory.
public enum WorkerResults {
    public static func prefix(tag: String) -> String { "scoretune-results/\(tag)/" }
    public static func key(tag: String, rank: Int) -> String { prefix(tag: tag) + "worker-\(rank).sqlite" }

    /// Uploads the worker's database (closed and self-contained); returns the key.
    public static func upload(databasePath: String, worker: Worker, connection: StoreConnection) async throws -> String {
        let key = key(tag: worker.tag, rank: worker.rank)
        let store = SharedStore(connection)
        do { try await store.upload(file: databasePath, key: key) } catch let failure as RunFailure {
            throw failure
        } catch {
            throw RunFailure.store("could not upload \(databasePath) to \(store.container)/\(key): \(error)")
        }
        return key
    }

    /// Fetches every worker database of `tag` into `folder`; returns their paths, by key order.
    public static func download(tag: String, into folder: String, connection: StoreConnection) async throws -> [String] {
        let store = SharedStore(connection)
        var paths: [String] = []
        for key in try await store.list(prefix: prefix(tag: tag)) {
            let name = String(key.dropFirst(prefix(tag: tag).count))
            guard name.hasPrefix("worker-"), name.hasSuffix(".sqlite"), !name.contains("/") else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            try await store.download(key: key, to: path)
            paths.append(path)
        }
        return paths
    }
}
