/// What came back from one attempt, with the timings of that attempt.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names in lower case, in the order the server sent them.
    public var headers: [HTTPHeader]
    /// The body when no sink was given (otherwise empty).
    public var body: [UInt8]
    public var metrics: AttemptMetrics

    public init(status: Int, headers: [HTTPHeader], body: [UInt8], metrics: AttemptMetrics) {
        (self.status, self.headers, self.body, self.metrics) = (status, headers, body, metrics)
    }

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
    /// The request's last byte handed to the connection (its body's, or the headers' without one).
    public var sentTime: Double = 0
    public var firstByteTime: Double = 0
    public var totalTime: Double = 0
    /// The longest time, once connected, that no byte moved either way (seconds): the waits a read
    /// timeout sees, the store's answer wait and any stall mid-transfer alike. For a request the
    /// transport cut, it runs to the cut.
    public var longestSilence: Double = 0
    public var reusedConnection = false
    /// Wall-clock start, seconds since 1970.
    public var startedAt: Double = 0

    public init() {}
}
