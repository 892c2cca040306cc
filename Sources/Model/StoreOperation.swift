/// Every request scoretune sends to a store, by the name the `attempts` table records: S3's
/// operation names, Azure Blob's, and the probes. Analysis asks what kind of request a row is
/// through these, never by comparing names, so both stores' part transfers count alike.
public enum StoreOperation: String, CaseIterable, Sendable, Codable {
    // S3
    case createMultipartUpload = "CreateMultipartUpload", uploadPart = "UploadPart", listParts = "ListParts"
    case completeMultipartUpload = "CompleteMultipartUpload", abortMultipartUpload = "AbortMultipartUpload"
    case listMultipartUploads = "ListMultipartUploads", putObject = "PutObject", getObject = "GetObject"
    case headObject = "HeadObject", deleteObject = "DeleteObject", listObjects = "ListObjectsV2", listBuckets = "ListBuckets"
    case headBucket = "HeadBucket"
    // Azure Blob
    case putBlock = "PutBlock", putBlockList = "PutBlockList", putBlob = "PutBlob", getBlob = "GetBlob"
    case getBlobProperties = "GetBlobProperties", getBlockList = "GetBlockList", deleteBlob = "DeleteBlob", listBlobs = "ListBlobs"
    case blobExists = "BlobExists", getContainerACL = "GetContainerACL", getContainerProperties = "GetContainerProperties"
    // Either store
    case ping = "Ping", probe = "Probe"

    /// A part (or block, or whole small blob) of an object going up: the client's payload transfer.
    public var isPartUpload: Bool { [.uploadPart, .putBlock, .putBlob].contains(self) }
    /// A part (a ranged GET) of an object coming down.
    public var isPartDownload: Bool { [.getObject, .getBlob].contains(self) }
    public var isPartTransfer: Bool { isPartUpload || isPartDownload }
}
