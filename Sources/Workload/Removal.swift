import ObjectStore

/// Removes one ledger entry from whichever store the run used.
public protocol CreationRemover: Sendable {
    func remove(_ item: Creation, uploadId: String?) async throws
}

public struct S3Remover: CreationRemover {
    let s3: S3Client
    public init(s3: S3Client) { self.s3 = s3 }
    public func remove(_ item: Creation, uploadId: String?) async throws {
        try await Removal.remove(item, uploadId: uploadId, using: s3)
    }
}

/// On Azure every entry is a blob (bucket = container, key = blob name): removed with its staged
/// blocks, so a block upload cut short leaves nothing either.
public struct AzureRemover: CreationRemover {
    let azure: AzureClient
    public init(azure: AzureClient) { self.azure = azure }
    public func remove(_ item: Creation, uploadId: String?) async throws {
        switch item.kind {
        case .object, .upload:
            try await azure.removeBlobCompletely(container: item.bucket, blob: item.key)
        case .prefix:
            for blob in try await azure.listBlobs(container: item.bucket, prefix: item.key, uncommitted: true) {
                try await azure.removeBlobCompletely(container: item.bucket, blob: blob.name)
            }
        }
    }
}

/// Removes one thing from the ledger, and only that: a key, an upload (found by key when its id
/// was never learned), or the keys under a run-unique prefix. Already gone counts as removed.
public enum Removal {
    public static func remove(_ item: Creation, uploadId: String?, using s3: S3Client) async throws {
        switch item.kind {
        case .object:
            do { try await s3.deleteObject(bucket: item.bucket, key: item.key) } catch let error as S3Error where error.status == 404 {}
        case .upload:
            if let uploadId {
                do {
                    try await s3.abortMultipartUpload(bucket: item.bucket, key: item.key, uploadId: uploadId)
                } catch let error as S3Error where error.status == 404 {}
            }
            // Also every other upload on the key: the process may have stopped before learning the
            // id, or a create whose answer was lost may have left a twin. A store that refuses the
            // listing (403) cannot show twins; the abort by id above stands.
            do { try await abortUploads(on: item.key, in: item.bucket, using: s3) } catch let error as S3Error where error.status == 403 && uploadId != nil {}
        case .prefix:
            for object in try await s3.listObjects(bucket: item.bucket, prefix: item.key) {
                do { try await s3.deleteObject(bucket: item.bucket, key: object.key) } catch let error as S3Error where error.status == 404 {}
            }
        }
    }

    /// Aborts every upload in progress on exactly this key (a run-unique key: all of them are the run's).
    static func abortUploads(on key: String, in bucket: String, using s3: S3Client) async throws {
        for upload in try await s3.listMultipartUploads(bucket: bucket, prefix: key) where upload.key == key {
            do {
                try await s3.abortMultipartUpload(bucket: bucket, key: key, uploadId: upload.uploadId)
            } catch let error as S3Error where error.status == 404 {}
        }
    }
}
