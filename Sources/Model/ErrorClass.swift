/// Why an attempt or a trial failed, in the classes analysis groups by: `attempts.error_class`
/// and `trials.error_class`. Only some are worth retrying.
public enum ErrorClass: String, Sendable, CaseIterable, Codable {
    case connectTimeout = "connect-timeout"
    case stallTimeout = "stall-timeout"
    case totalTimeout = "total-timeout"
    case connectionReset = "connection-reset"
    case connectionRefused = "connection-refused"
    case slowDown = "slowdown-503"
    case serverError = "http-5xx"
    case clientError = "http-4xx"
    case etagMismatch = "etag-mismatch"
    case verifyMismatch = "verify-mismatch"
    case transport = "transport-error"
    case cancelled = "cancelled"

    /// No answer came from the store at all (refused, timed out): it may be gone or frozen.
    public var isUnanswered: Bool {
        switch self {
        case .connectionRefused, .connectTimeout, .stallTimeout, .totalTimeout: return true
        default: return false
        }
    }

    /// 4xx means the request itself is wrong (or forbidden): sending it again cannot help.
    public var retryable: Bool {
        switch self {
        case .clientError, .cancelled: return false
        default: return true
        }
    }

    /// nil for a success.
    public static func of(status: Int) -> ErrorClass? {
        switch status {
        case 200..<400: return nil
        case 503: return .slowDown
        case 500...: return .serverError
        default: return .clientError
        }
    }
}
