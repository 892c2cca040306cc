import Model
import Transport

/// One HTTP attempt as seen by a store client: what it was for and how it went. Every request the
/// clients send is reported to an observer, so nothing the store saw goes unrecorded.
public struct AttemptRecord: Sendable {
    public var operation: StoreOperation
    public var method: HTTPMethod
    public var bucket: String?
    public var key: String?
    public var partNumber: Int?
    public var metrics: AttemptMetrics
    /// nil on an HTTP answer (see metrics.status); the transport error kind otherwise.
    public var transportError: TransportError.Kind?
    /// The request asked whether something exists and a 404 is its answer "no", not a failure.
    public var notFoundIsAnswer = false
}

public protocol AttemptObserver: Sendable {
    func record(_ attempt: AttemptRecord)
}

extension HTTPTransport {
    /// Sends one attempt and reports it to the observer, whatever happens: an HTTP answer of any
    /// status (the caller judges it) or a transport error (rethrown).
    func sendObserved(_ request: HTTPRequest, sink: ResponseSink?, record: AttemptRecord,
                      observer: AttemptObserver?) async throws -> HTTPResponse {
        var record = record
        do {
            let response = try await send(request, sink: sink)
            record.metrics = response.metrics
            observer?.record(record)
            return response
        } catch let error as TransportError {
            record.metrics = error.metrics
            record.transportError = error.kind
            observer?.record(record)
            throw error
        }
    }
}
