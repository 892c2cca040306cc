import Foundation
import Model
import ObjectStore
import Transport

/// A worker's database, carried through the object bucket where the workers share no filesystem
/// (a Kubernetes Job's pods): each worker uploads its closed database to
/// `scoretune-results/<tag>/worker-<rank>.sqlite` when it ends (`run --upload-db`), and
/// `merge --tag` fetches them all, merges them, and removes them. Both ways the file streams: a
/// database of millions of attempts is never held in memory.
public enum WorkerResults {
    public static func prefix(tag: String) -> String { "scoretune-results/\(tag)/" }
    public static func key(tag: String, rank: Int) -> String { prefix(tag: tag) + "worker-\(rank).sqlite" }

    /// The part a database is uploaded in: 10,000 of them (S3's most) carry 640 GiB.
    static let partSize: Int64 = 64 << 20

    /// Uploads the worker's database (closed and self-contained) as a multipart upload read from
    /// the file part by part; returns the key. A failed upload is aborted, leaving no parts behind.
    public static func upload(databasePath: String, worker: Worker, connection: StoreConnection) async throws -> String {
        let key = key(tag: worker.tag, rank: worker.rank)
        let bucket = connection.settings.objectBucket
        guard let size = (try? FileManager.default.attributesOfItem(atPath: databasePath)[.size] as? NSNumber)?.int64Value, size > 0,
              FileRangeSource(path: databasePath, offset: 0, length: 0) != nil else {
            throw RunFailure.badInput("\(databasePath): cannot read the results database to upload it")
        }
        let s3 = connection.housekeeping
        var uploadId: String?
        do {
            let id = try await s3.createMultipartUpload(bucket: bucket, key: key)
            uploadId = id
            var parts: [(partNumber: Int, etag: String)] = []
            var offset: Int64 = 0
            while offset < size {
                let length = min(partSize, size - offset)
                let from = offset
                let number = parts.count + 1
                let body = RequestBody.stream(length: length) { () -> BodySource in
                    FileRangeSource(path: databasePath, offset: from, length: length) ?? UnreadableSource()
                }
                parts.append((number, try await s3.uploadPart(bucket: bucket, key: key, uploadId: id, partNumber: number, body: body)))
                offset += length
            }
            try await s3.completeMultipartUpload(bucket: bucket, key: key, uploadId: id, parts: parts)
        } catch {
            if let uploadId { try? await s3.abortMultipartUpload(bucket: bucket, key: key, uploadId: uploadId) }
            throw RunFailure.store("could not upload \(databasePath) to \(bucket)/\(key): \(error)")
        }
        return key
    }

    /// Fetches every worker database of `tag` into `folder`, each streamed to its file; returns
    /// their paths, by key order.
    public static func download(tag: String, into folder: String, connection: StoreConnection) async throws -> [String] {
        let s3 = connection.housekeeping
        let bucket = connection.settings.objectBucket
        var paths: [String] = []
        for object in try await s3.listObjects(bucket: bucket, prefix: prefix(tag: tag)) {
            let name = String(object.key.dropFirst(prefix(tag: tag).count))
            guard name.hasPrefix("worker-"), name.hasSuffix(".sqlite"), !name.contains("/") else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            guard let sink = FileSink(path: path) else { throw RunFailure.badInput("\(path): cannot write the fetched database") }
            defer { sink.close() }
            _ = try await s3.getObject(bucket: bucket, key: object.key, sink: sink)
            if sink.failed { throw RunFailure.badInput("\(path): could not write the fetched database (disk full?)") }
            paths.append(path)
        }
        return paths
    }
}
