/// The boundary under every store client: one HTTP attempt in, its answer (or why there was none)
/// out. `CurlTransport` is the production implementation; tests put an in-memory store that speaks
/// the same wire format behind it (Tests/MemoryStore), so everything above this line
/// can be tested without a server.
public protocol HTTPTransport: AnyObject, Sendable {
    /// The settings the transport was made with (TLS trust, buffer sizes, connection limits).
    var options: TransportOptions { get }

    /// One attempt: returns the answer whatever its status, throws `TransportError` when there was
    /// none. The body goes to `sink` if given, otherwise into `HTTPResponse.body`.
    func send(_ request: HTTPRequest, sink: ResponseSink?) async throws -> HTTPResponse

    /// A transport to the same places with a connection pool of its own, made with `options`:
    /// how a client started per file, or one that reuses nothing, is played.
    func pool(options: TransportOptions) -> any HTTPTransport

    /// Closes the pool; requests still pending fail with `cancelled`.
    func shutdown()
}

extension HTTPTransport {
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await send(request, sink: nil)
    }
}
