import Model
/// Where the workload writes down what it is about to create, before it creates it, and what it
/// removed: the ledger that makes `clean` and Ctrl-C exact. The runner backs it with SQLite.
public protocol TransferJournal: Sendable {
    /// Records the things in one go; returns an id for each, in order.
    func willCreate(_ items: [Creation]) async throws -> [Int64]
    func uploadIdKnown(_ id: Int64, uploadId: String) async throws
    func removed(_ ids: [Int64]) async throws
}

public struct Creation: Sendable, Equatable {
    public var kind: CreationKind
    public var bucket: String
    /// The key, or for `prefix` everything under it (always a prefix unique to this run).
    public var key: String

    public init(kind: CreationKind, bucket: String, key: String) {
        self.kind = kind
        self.bucket = bucket
        self.key = key
    }

    public static func object(_ bucket: String, _ key: String) -> Creation { Creation(kind: .object, bucket: bucket, key: key) }
    public static func upload(_ bucket: String, _ key: String) -> Creation { Creation(kind: .upload, bucket: bucket, key: key) }
    public static func prefix(_ bucket: String, _ key: String) -> Creation { Creation(kind: .prefix, bucket: bucket, key: key) }
}
