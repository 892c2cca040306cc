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
