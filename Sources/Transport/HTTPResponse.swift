/// What came back from one attempt, with the timings of that attempt.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names in lower case, in the order the server sent them.
    public var headers: [HTTPHeader]
    /// The body when no sink was given (otherwise empty).
    public var body: [UInt8]
    public var metrics: AttemptMetrics

    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Everything measured about one HTTP attempt (libcurl's getinfo), success or failure.
public struct AttemptMetrics: Sendable, Equatable {
    public var status: Int = 0
    public var bytesSent: Int64 = 0
    public var bytesReceived: Int64 = 0
    /// Seconds from the start of the attempt to each milestone (0 when it did not happen).
    public var dnsTime: Double = 0
    public var connectTime: Double = 0
    public var tlsTime: Double = 0
    public var firstByteTime: Double = 0
    public var totalTime: Double = 0
    public var reusedConnection = false
    /// Wall-clock start, seconds since 1970.
    public var startedAt: Double = 0

    public init() {}
}

/// Why an attempt produced no HTTP answer. Each timeout has its own kind, so analysis can tell a
/// store that never accepted from one that went quiet mid-transfer.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case connectTimeout = "connect-timeout"
        case stallTimeout = "stall-timeout"
        case totalTimeout = "total-timeout"
        case connectionRefused = "connection-refused"
        case connectionReset = "connection-reset"
        case dnsFailure = "dns-failure"
        case tlsFailure = "tls-failure"
        case aborted = "aborted"
        case cancelled = "cancelled"
        case other = "transport-error"
    }

    public var kind: Kind
    public var message: String
    public var metrics: AttemptMetrics

    public init(kind: Kind, message: String, metrics: AttemptMetrics) {
        self.kind = kind
        self.message = message
        self.metrics = metrics
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
