import Model
import Transport

/// What every store's "no" carries, S3's (`S3Error`) and Azure's (`AzureError`) alike: the
/// operation, the HTTP status, the store's error code and message, its request id, and the
/// attempt's timings. Callers that care only about the status (classification, 404 on removal)
/// read it here; the two types differ only in where each store puts these fields.
public protocol StoreRefusal: Error, Sendable, CustomStringConvertible {
    var operation: StoreOperation { get }
    var status: Int { get }
    var code: String { get }
    var message: String { get }
    var requestId: String? { get }
    var metrics: AttemptMetrics { get }
}

extension StoreRefusal {
    public var description: String {
        "\(operation.rawValue): HTTP \(status) \(code): \(message)" + (requestId.map { " (request id \($0))" } ?? "")
    }

    /// The words for a status when the store sent none (Ceph RGW's empty `<Message/>`, HEAD answers).
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "bad request"
        case 403: return "forbidden"
        case 404: return "not found"
        case 409: return "conflict"
        case 500: return "internal server error"
        case 501: return "not implemented"
        case 503: return "service unavailable"
        default: return "HTTP status \(status)"
        }
    }
}
