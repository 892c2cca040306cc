import Model
import Transport

/// An answer from the store that says no: the HTTP status and what the S3 error document said.
/// Ceph RGW sends an empty `<Message/>`, so the message falls back to the status text.
public struct S3Error: StoreRefusal {
    public var operation: StoreOperation
    public var status: Int
    public var code: String
    public var message: String
    public var requestId: String?
    public var metrics: AttemptMetrics

    /// A request refused before it is sent (an empty bucket name: `HEAD /` would reach the
    /// service root, whose answer some stores send with a body that poisons the connection).
    init(refusing operation: StoreOperation, code: String, message: String) {
        self.operation = operation
        status = 400
        self.code = code
        self.message = message
        metrics = AttemptMetrics()
    }

    init(operation: StoreOperation, response: HTTPResponse) {
        self.operation = operation
        status = response.status
        metrics = response.metrics
        let document = XMLNode.parse(response.body)
        code = document?.value("Code").flatMap { $0.isEmpty ? nil : $0 } ?? S3Error.codeForStatus(response.status)
        let text = document?.value("Message") ?? ""
        message = text.isEmpty ? Self.reason(response.status) : text
        requestId = document?.value("RequestId") ?? response.header("x-amz-request-id")
    }

    /// HEAD answers carry no body, so the code comes from the status.
    static func codeForStatus(_ status: Int) -> String {
        switch status {
        case 301: return "PermanentRedirect"
        case 400: return "BadRequest"
        case 403: return "AccessDenied"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 409: return "Conflict"
        case 416: return "InvalidRange"
        case 500: return "InternalError"
        case 501: return "NotImplemented"
        case 503: return "ServiceUnavailable"
        default: return "HTTP\(status)"
        }
    }
}
