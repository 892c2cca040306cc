import Foundation
import GRDB
import Model

/// One `created` row: something the run created in the store (or is about to), written before
/// the request that creates it. What `clean` may remove, and all it may remove.
public struct CreatedRow: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "created"

    private var rowID: Int64?
    public var id: Int64 { get { rowID ?? 0 } set { rowID = newValue } }
    public var runId: Int64
    public var cellId: Int64?
    public var kind: CreationKind
    public var bucket: String
    /// The key, or the prefix for kind = prefix.
    public var key: String
    /// kind = upload: nil until the store has answered.
    public var uploadId: String?
    /// Seconds since 1970.
    public var recordedAt: Double
    public var removedAt: Double?

    enum CodingKeys: String, CodingKey {
        case rowID = "id", runId = "run_id", cellId = "cell_id", kind, bucket, key, uploadId = "upload_id"
        case recordedAt = "recorded_at", removedAt = "removed_at"
    }

    public init(runId: Int64, cellId: Int64?, kind: CreationKind, bucket: String, key: String, uploadId: String? = nil) {
        (self.runId, self.cellId, self.kind, self.bucket, self.key, self.uploadId) = (runId, cellId, kind, bucket, key, uploadId)
        recordedAt = Date().timeIntervalSince1970
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { rowID = inserted.rowID }
}
