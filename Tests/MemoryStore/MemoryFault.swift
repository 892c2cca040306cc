import Foundation

/// A misbehaviour the in-memory store plays on a request it recognises, `times` times after letting
/// `after` such requests through: deterministic, so a test knows which attempt met it.
public struct MemoryFault: Sendable {
    public enum Action: Sendable, Equatable {
        /// 503 SlowDown (S3) or ServerBusy (Azure), before the store acts.
        case slowDown
        /// The connection is reset before the store acts: nothing happened.
        case reset
        /// The store acts, then the answer never arrives (the connection resets): a retry meets
        /// what the first attempt already did.
        case lostAnswer
        /// A slow store: it waits this long before it acts and answers. Longer than the request's
        /// stall limit, the attempt times out and the store never acts.
        case delay(Duration)
        /// A part or block is stored, and the answer names another ETag than its MD5.
        case wrongETag
        /// The store accepts the connection and never answers: the attempt ends by its own stall
        /// (or total) timeout, or by cancellation.
        case frozen
    }

    public var operation: MemoryOperation?
    public var action: Action
    public var times: Int
    public var after: Int

    /// `operation` nil: any request.
    public init(_ action: Action, on operation: MemoryOperation?, times: Int = 1, after: Int = 0) {
        self.action = action
        self.operation = operation
        self.times = times
        self.after = after
    }

    /// A store that stays frozen for every request from now on.
    public static var frozenForever: MemoryFault { MemoryFault(.frozen, on: nil, times: .max) }
}

/// What the store understood a request to be, in the wire format's own terms.
public enum MemoryOperation: String, Sendable, CaseIterable {
    // S3
    case listBuckets, headBucket, listObjects, listMultipartUploads
    case putObject, getObject, headObject, deleteObject
    case createMultipartUpload, uploadPart, listParts, completeMultipartUpload, abortMultipartUpload
    // Azure Blob
    case containerProperties, containerACL, listBlobs
    case putBlock, putBlockList, getBlockList, putBlob, getBlob, blobProperties, deleteBlob
    /// Anything the store does not serve (answered 400).
    case unknown
}
