import Foundation
import Model
import ObjectStore

/// Removes what the workers of one distributed run left in the store, found by the tag in their
/// keys rather than by a ledger (a killed worker's database may be on a node that is gone): every
/// key under the tag's own prefixes, and the uploads begun there (S3's multipart uploads, Azure's
/// blobs of staged blocks only). Nothing outside those prefixes is touched; `Worker.tagProblem`
/// keeps a tag from reaching into another's.
public struct TagCleaner: Sendable {
    let store: SharedStore

    public init(connection: StoreConnection) {
        store = SharedStore(connection)
    }

    /// The prefixes a tag owns, by bucket: Score's object keys and state, plain multipart keys,
    /// barrier markers, uploaded worker databases (S3); blob names, markers and databases (Azure).
    public static func prefixes(tag: String, objectBucket: String, stateBucket: String?) -> [(bucket: String, prefix: String)] {
        let ids = Worker.objectIdPrefix(tag: tag)
        let shared = [(objectBucket, Worker.barrierPrefix(tag: tag)), (objectBucket, WorkerResults.prefix(tag: tag))]
        guard let stateBucket else { return [(objectBucket, ids)] + shared }
        return [(objectBucket, "data/\(ids)"), (objectBucket, "scoretune/\(ids)")] + shared + [(stateBucket, "data/\(ids)"), (stateBucket, "upload/\(ids)")]
    }

    /// Under an object-id prefix (`…<tag>.w`), only keys that go on with a rank and a dot
    /// (`…<tag>.w3.…`), as a worker names them; under scoretune's own prefixes, every key.
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
        let stateBucket: String?
        switch store.client {
        case .s3(_, let state): stateBucket = state
        case .azure: stateBucket = nil
        }
        return await clean(prefixes: Self.prefixes(tag: tag, objectBucket: store.container, stateBucket: stateBucket).filter { only?($0.prefix) ?? true })
    }

    /// What a `check` left under its probe's prefix (`scoretune-check/<id>/` in the object bucket)
    /// when the store stopped answering during its clean-up.
    public func clean(checkProbe id: String) async -> Report {
        await clean(prefixes: [(store.container, "scoretune-check/\(id)/")])
    }

    /// A check probe's id as `check` makes them: a lower-case UUID, so a prefix can never reach
    /// beyond one probe's keys.
    public static func isCheckProbeId(_ id: String) -> Bool {
        UUID(uuidString: id) != nil && id == id.lowercased()
    }

    /// Uploads first (aborting frees their parts), then the keys, under each prefix.
    func clean(prefixes owned: [(bucket: String, prefix: String)]) async -> Report {
        var report = Report()
        for (bucket, prefix) in owned {
            do {
                switch store.client {
                case .s3(let s3, _):
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
                case .azure(let azure):
                    // Blobs of staged blocks only (an upload cut short) are listed too.
                    for blob in try await azure.listBlobs(container: bucket, prefix: prefix, uncommitted: true) where Self.isWorkers(blob.name, under: prefix) {
                        do {
                            try await azure.removeBlobCompletely(container: bucket, blob: blob.name)
                            report.removed += 1
                        } catch { report.failures.append("blob \(bucket)/\(blob.name): \(error)") }
                    }
                }
            } catch {
                report.failures.append("\(bucket)/\(prefix)…: cannot list (\(error))")
            }
        }
        return report
    }
}
