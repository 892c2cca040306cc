/// An object the store now holds, with what it takes to download and later delete it.
public struct StoredObject: Sendable {
    public var object: SyntheticObject
    public var key: String
    /// Score mode: the object id (`data/<id>`), whose `data/<id>.meta` is in the state bucket.
    public var objectId: String?
    /// The part layout it was uploaded with.
    public var partSize: Int64
    /// Ledger ids to mark removed once the object and its state are deleted.
    public var ledger: [Int64]
}
