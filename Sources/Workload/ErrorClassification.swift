import Model
import ObjectStore
import Transport

/// Classifying what went wrong (the classes themselves are in Model).
extension ErrorClass {
    public static func of(_ error: Error) -> ErrorClass {
        switch error {
        case let error as TransportError: return of(error.kind)
        case let error as any StoreRefusal: return of(status: error.status) ?? .clientError
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
}
