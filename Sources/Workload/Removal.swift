import ObjectStore

/// Removes one thing from the ledger, and only that: a key, an upload (found by key when its id
/// was never learned), or the keys under a run-unique prefix. Already gone counts as removed.
public enum Removal {
    public static func remove(_ item: Creation, uploadId: String?, using s3: S3Client) async throws {
        switch item.kind {
        case .object:
            do { try await s3.deleteObject(bucket: item.bucket, key: item.key) } catch let error as S3Error where error.status == 404 {}
        case .upload:
            let ids: [String]
            if let uploadId {
                ids = [uploadId]
            } else {
                // The process stopped between recording the key and learning the upload id.
                ids = try await s3.listMultipartUploads(bucket: item.bucket, prefix: item.key)
                    .filter { $0.key == item.key }.map(\.uploadId)
            }
            for id in ids {
                do {
                    try await s3.abortMultipartUpload(bucket: item.bucket, key: item.key, uploadId: id)
                } catch let error as S3Error where error.status == 404 {}
            }
        case .prefix:
            for object in try await s3.listObjects(bucket: item.bucket, prefix: item.key) {
                do { try await s3.deleteObject(bucket: item.bucket, key: object.key) } catch let error as S3Error where error.status == 404 {}
            }
        }
    }
}
