/// Which client a run plays: `runs.mode`.
public enum Mode: String, Codable, Sendable, CaseIterable {
    /// Score's exact data path: presigned part URLs, ETag == MD5, markers, state bucket, finalize.
    case score
    /// Plain client-side multipart upload and ranged download, as a generic S3 client does.
    case multipart
}
