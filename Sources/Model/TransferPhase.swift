/// The step of a transfer an HTTP attempt belongs to: `attempts.phase`.
public enum TransferPhase: String, Sendable, CaseIterable, Codable {
    /// Upload: Score's initiate (or CreateMultipartUpload / the Azure SAS).
    case initiate
    /// Moving parts, blocks or ranges: the payload.
    case parts
    /// Upload: Score's finalize (ListParts + Complete), Put Block List.
    case finalize
    /// Upload, score mode: removing the upload's state objects.
    case stateCleanup = "state-cleanup"
    /// Download, score mode: reading the `.meta` object.
    case meta
    /// Removing what the run created.
    case cleanup
}
