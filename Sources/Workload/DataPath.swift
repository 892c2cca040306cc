/// One data path: how an object goes up, comes down and goes away.
public protocol DataPath: Sendable {
    /// Uploads; on failure, everything the attempt created is removed before returning.
    func upload(_ object: SyntheticObject) async -> (TrialOutcome, StoredObject?)
    func download(_ stored: StoredObject) async -> TrialOutcome
    /// Deletes the object and anything kept beside it; throws when the store refuses.
    func remove(_ stored: StoredObject) async throws
}
