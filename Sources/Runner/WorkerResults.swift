import Foundation
import Model

/// A worker's database, carried through the object bucket where the workers share no filesystem
/// (a Kubernetes Job's pods): each worker uploads its closed database to
/// `scoretune-results/<tag>/worker-<rank>.sqlite` when it ends (`run --upload-db`), and
/// `merge --tag` fetches them all, merges them, and removes them.
public enum WorkerResults {
    public static func prefix(tag: String) -> String { "scoretune-results/\(tag)/" }
    public static func key(tag: String, rank: Int) -> String { prefix(tag: tag) + "worker-\(rank).sqlite" }

    /// Uploads the worker's database (closed: its WAL checkpointed into the file); returns the key.
    public static func upload(databasePath: String, worker: Worker, connection: StoreConnection) async throws -> String {
        let key = key(tag: worker.tag, rank: worker.rank)
        guard let data = FileManager.default.contents(atPath: databasePath) else {
            throw RunFailure.badInput("\(databasePath): cannot read the results database to upload it")
        }
        do {
            try await connection.housekeeping.putObject(bucket: connection.settings.objectBucket, key: key, body: Array(data))
        } catch {
            throw RunFailure.store("could not upload \(databasePath) to \(connection.settings.objectBucket)/\(key): \(error)")
        }
        return key
    }

    /// Fetches every worker database of `tag` into `folder`; returns their paths, by key order.
    public static func download(tag: String, into folder: String, connection: StoreConnection) async throws -> [String] {
        let s3 = connection.housekeeping
        let bucket = connection.settings.objectBucket
        var paths: [String] = []
        for object in try await s3.listObjects(bucket: bucket, prefix: prefix(tag: tag)) {
            let name = String(object.key.dropFirst(prefix(tag: tag).count))
            guard name.hasPrefix("worker-"), name.hasSuffix(".sqlite"), !name.contains("/") else { continue }
            let response = try await s3.getObject(bucket: bucket, key: object.key)
            let path = (folder as NSString).appendingPathComponent(name)
            guard FileManager.default.createFile(atPath: path, contents: Data(response.body)) else {
                throw RunFailure.badInput("\(path): cannot write the fetched database")
            }
            paths.append(path)
        }
        return paths
    }
}
