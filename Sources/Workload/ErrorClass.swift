import ObjectStore
import Transport

/// Why an attempt failed, in the classes analysis groups by. Only some are worth retrying.
public enum ErrorClass: String, Sendable, CaseIterable {
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

    public static func of(_ error: Error) -> ErrorClass {
        switch error {
        case let error as TransportError: return of(error.kind)
        case let error as S3Error: return of(status: error.status) ?? .clientError
        case let error as AzureError: return of(status: error.status) ?? .clientError
        case let error as TransferFailure: return error.errorClass
        case let error as RetriesExhausted: return error.errorClass
        case is CancellationError: return .cancelled
        default: return .transport
        }
    }

    public static func of(_ kind: TransportError.Kind) -> ErrorClass {
        switch kind {
        case .connectTimeout: return .connectTimeout
        case .stallTimeout: return .stallTimeout
        case .totalTimeout: return .totalTimeout
        case .connectionReset: return .connectionReset
        case .connectionRefused: return .connectionRefused
        case .cancelled: return .cancelled
        case .aborted, .dnsFailure, .tlsFailure, .other: return .transport
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

/// A failure the workload itself detects: a part whose ETag is not its MD5, bytes that differ.
public struct TransferFailure: Error, Sendable, CustomStringConvertible {
    public var errorClass: ErrorClass
    public var message: String
    public init(_ errorClass: ErrorClass, _ message: String) {
        self.errorClass = errorClass
        self.message = message
    }
    public var description: String { "\(errorClass.rawValue): \(message)" }
}
