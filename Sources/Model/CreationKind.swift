/// What a run creates in the store, as its ledger (`created.kind`) records it before the request.
public enum CreationKind: String, Sendable, Codable, CaseIterable {
    /// One object (or blob) by key.
    case object
    /// A multipart upload (S3) that must be completed or aborted.
    case upload
    /// Everything under a key prefix unique to the run (Score's state objects, probes).
    case prefix
}
