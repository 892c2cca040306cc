import Model
import Transport

/// An answer from Azure Blob that says no. The error code is the `x-ms-error-code` header (HEAD
/// answers have no body), else the XML document's `<Code>`; the message is the document's first line.
public struct AzureError: StoreRefusal {
    public var operation: StoreOperation
    public var status: Int
    public var code: String
    public var message: String
    public var requestId: String?
    public var metrics: AttemptMetrics

    init(operation: StoreOperation, response: HTTPResponse) {
        self.operation = operation
        status = response.status
        metrics = response.metrics
        let document = XMLNode.parse(response.body)
        code = response.header("x-ms-error-code") ?? document?.value("Code") ?? "HTTP\(response.status)"
        let text = document?.value("Message")?.split(separator: "\n").first.map(String.init) ?? ""
        message = text.isEmpty ? Self.reason(response.status) : text
        requestId = response.header("x-ms-request-id")
    }

    init(operation: StoreOperation, malformed response: HTTPResponse, why: String) {
        self.init(operation: operation, response: response)
        code = "MalformedResponse"
        message = why
    }
}
