/// Transport-wide settings: TLS trust and socket buffer sizes.
public struct TransportOptions: Sendable {
    /// TLS certificates are verified unless a user explicitly turns it off.
    public var verifyTLS = true
    /// An extra CA bundle (PEM) to trust, for stores with a private CA.
    public var caBundle: String?
    /// Large buffers keep per-call overhead low at multi-GB/s (curl's maximums are 2 MiB / 10 MiB).
    public var uploadBufferSize = 2 << 20
    public var receiveBufferSize = 1 << 20
    /// Connections kept open to one host; should be at least the parallelism used.
    public var maxConnections = 64
    /// Every request on a new connection, closed after it (no keep-alive): a client that reuses nothing.
    public var freshConnectionPerRequest = false

    public init(verifyTLS: Bool = true, caBundle: String? = nil) {
        self.verifyTLS = verifyTLS
        self.caBundle = caBundle
    }
}

/// Sends HTTP requests through libcurl's multi interface on one dedicated thread; callers await.
public final class CurlTransport: HTTPTransport {
    private let loop: CurlLoop
    public let options: TransportOptions

    public init(options: TransportOptions = TransportOptions()) {
        self.options = options
        loop = CurlLoop(maxConnections: options.maxConnections)
    }

    /// Stops the loop thread; pending requests fail with `cancelled`.
    public func shutdown() { loop.shutdown() }

    /// Another loop thread and connection pool.
    public func pool(options: TransportOptions) -> any HTTPTransport { CurlTransport(options: options) }

    public func send(_ request: HTTPRequest, sink: ResponseSink?) async throws -> HTTPResponse {
        let transfer = try CurlTransfer(request: request, sink: sink, options: options)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.start(continuation)
                loop.submit(transfer)
            }
        } onCancel: {
            loop.cancel(transfer)
        }
    }
}
