import Model
import ObjectStore

/// Removes what the workers of one distributed run left in the store, found by the tag in their
/// keys rather than by a ledger (a killed worker's database may be on a node that is gone): every
/// key under the tag's own prefixes, and the multipart uploads begun there. Nothing outside those
/// prefixes is touched; `Worker.tagProblem` keeps a tag from reaching into another's.
public struct TagCleaner: Sendable {
    let s3: S3Client
    let objectBucket: String
    let stateBucket: String

    public init(connection: StoreConnection) {
        s3 = connection.housekeeping
        objectBucket = connection.settings.objectBucket
        stateBucket = connection.settings.stateBucket
    }

    /// The prefixes a tag owns, by bucket: Score's object keys and state, plain multipart keys,
    /// barrier markers, uploaded worker databases.
    public static func prefixes(tag: String, objectBucket: String, stateBucket: String) -> [(bucket: String, prefix: String)] {
        let ids = Worker.objectIdPrefix(tag: tag)
        return [(objectBucket, "data/\(ids)"), (objectBucket, "scoretune/\(ids)"), (objectBucket, Worker.barrierPrefix(tag: tag)),
                (objectBucket, WorkerResults.prefix(tag: tag)), (stateBucket, "data/\(ids)"), (stateBucket, "upload/\(ids)")]
    }

    /// Under an object-id prefix (`…/<tag>.w`), only keys that go on with a rank and a dot
    /// (`…/<tag>.w3.…`), as a worker names them; under scoretune's own prefixes, every key.
    static func isWorkers(_ key: String, under prefix: String) -> Bool {
        guard prefix.hasSuffix(".w") else { return true }
        let rest = key.dropFirst(prefix.count)
        let rank = rest.prefix { $0.isASCII && $0.isNumber }
        return !rank.isEmpty && rest.dropFirst(rank.count).first == "."
    }

    public struct Report: Sendable {
        public var removed = 0
        public var failures: [String] = []
    }

    /// Uploads first (aborting frees their parts), then the keys; `only`: a subset of the prefixes.
    public func clean(tag: String, only: ((String) -> Bool)? = nil) async -> Report {
        var report = Report()
        let owned = Self.prefixes(tag: tag, objectBucket: objectBucket, stateBucket: stateBucket).filter { only?($0.prefix) ?? true }
        for (bucket, prefix) in owned {
            do {
                for upload in try await s3.listMultipartUploads(bucket: bucket, prefix: prefix) where Self.isWorkers(upload.key, under: prefix) {
                    do {
                        try await s3.abortMultipartUpload(bucket: bucket, key: upload.key, uploadId: upload.uploadId)
                        report.removed += 1
                    } catch { report.failures.append("upload \(bucket)/\(upload.key): \(error)") }
                }
                for object in try await s3.listObjects(bucket: bucket, prefix: prefix) where Self.isWorkers(object.key, under: prefix) {
                    do {
                        try await s3.deleteObject(bucket: bucket, key: object.key)
                        report.removed += 1
                    } catch { report.failures.append("object \(bucket)/\(object.key): \(error)") }
                }
            } catch {
                report.failures.append("\(bucket)/\(prefix)…: cannot list (\(error))")
            }
        }
        return report
    }
}

