/// Every variable of Score's `.env.score` that touches storage, for both profiles, with what
/// Score does with it (see docs/score.md).
public enum ScoreVariable: String, CaseIterable, Sendable {
    case springProfiles = "SPRING_PROFILES_ACTIVE"
    case s3Endpoint = "S3_ENDPOINT"
    case s3AccessKey = "S3_ACCESSKEY"
    case s3SecretKey = "S3_SECRETKEY"
    case s3SigV4Enabled = "S3_SIGV4ENABLED"
    case s3ConnectionTimeout = "S3_CONNECTIONTIMEOUT"
    case s3RetryLimit = "S3_RETRYLIMIT"
    case objectBucket = "BUCKET_NAME_OBJECT"
    case stateBucket = "BUCKET_NAME_STATE"
    case uploadPartSize = "UPLOAD_PARTSIZE"
    case uploadRetryLimit = "UPLOAD_RETRY_LIMIT"
    case uploadConnectionTimeoutDocumented = "UPLOAD_CONNECTIONTIMEOUT"
    case uploadConnectionTimeout = "UPLOAD_CONNECTION_TIMEOUT"
    case uploadCleanEnabled = "UPLOAD_CLEAN_ENABLED"
    case uploadCleanCron = "UPLOAD_CLEAN_CRON"
    case objectSentinel = "OBJECT_SENTINEL"
    case downloadPartSize = "DOWNLOAD_PARTSIZE"
    case azureEndpointProtocol = "AZURE_ENDPOINTPROTOCOL"
    case azureAccountName = "AZURE_ACCOUNTNAME"
    case azureAccountKey = "AZURE_ACCOUNTKEY"
    case bucketPolicyUpload = "BUCKET_POLICY_UPLOAD"
    case bucketPolicyDownload = "BUCKET_POLICY_DOWNLOAD"
    /// scoretune's own, not Score's: where the Azure account answers when it is not
    /// `<protocol>://<account>.blob.core.windows.net` (an emulator, the test server, a proxy).
    case scoretuneAzureEndpoint = "SCORETUNE_AZURE_ENDPOINT"

    /// A number of bytes: shown with its size in human units beside it.
    public var isSize: Bool { self == .uploadPartSize || self == .downloadPartSize }

    /// Values never printed or stored.
    public var isSecret: Bool { self == .s3SecretKey || self == .azureAccountKey }

    /// Score's numeric defaults, for the code that reasons with them (`scoreDefault` shows them).
    public static let defaultRetryLimit = 5
    public static let defaultConnectTimeoutMilliseconds = 15_000

    /// Score's default when the variable is absent (nil: none).
    public var scoreDefault: String? {
        switch self {
        case .s3Endpoint: return "s3-external-1.amazonaws.com"
        case .s3SigV4Enabled: return "true"
        case .objectBucket, .stateBucket: return "oicr.icgc"
        case .uploadPartSize: return "20000000"
        case .uploadRetryLimit: return String(Self.defaultRetryLimit)
        case .uploadConnectionTimeout: return String(Self.defaultConnectTimeoutMilliseconds)
        case .uploadCleanEnabled: return "true"
        case .uploadCleanCron: return "0 0 0 * * ?"
        case .objectSentinel: return "heliograph"
        case .downloadPartSize: return "250000000"
        case .azureEndpointProtocol: return "https"
        case .bucketPolicyUpload: return "UploadPolicy"
        case .bucketPolicyDownload: return "DownloadPolicy"
        default: return nil
        }
    }

    /// Spelling variants seen in Score's own documentation that Spring does not bind to the
    /// property Score reads (relaxed binding maps `_` to `.`).
    public static let misspellings: [String: ScoreVariable] = [
        "S3_ACCESS_KEY": .s3AccessKey, "S3_SECRET_KEY": .s3SecretKey, "S3_SIGV4_ENABLED": .s3SigV4Enabled,
        "AZURE_ENDPOINT_PROTOCOL": .azureEndpointProtocol, "AZURE_ACCOUNT_NAME": .azureAccountName,
        "AZURE_ACCOUNT_KEY": .azureAccountKey, "UPLOAD_PART_SIZE": .uploadPartSize,
        "DOWNLOAD_PART_SIZE": .downloadPartSize, "BUCKET_OBJECT_NAME": .objectBucket,
    ]
}
