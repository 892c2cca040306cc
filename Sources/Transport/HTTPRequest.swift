/// One HTTP request as the transport sends it. Bodies stream from a source made fresh for each
/// attempt, so a retry never needs the caller to keep a copy of the payload.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: RequestBody
    public var timeouts: Timeouts
    /// Connect somewhere else than the URL's host while keeping the URL (and so the Host header and
    /// signatures) as they are: how requests go through the fault proxy. "127.0.0.1:PORT".
    public var connectTo: String?

    public init(method: String, url: String, headers: [HTTPHeader] = [], body: RequestBody = .empty,
                timeouts: Timeouts = Timeouts(), connectTo: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.connectTo = connectTo
    }
}

public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

public enum RequestBody: Sendable {
    case empty
    case bytes([UInt8])
    /// `length` bytes read from a source the closure makes; called once per attempt.
    case stream(length: Int64, makeSource: @Sendable () -> BodySource)

    public var length: Int64 {
        switch self {
        case .empty: return 0
        case .bytes(let bytes): return Int64(bytes.count)
        case .stream(let length, _): return length
        }
    }
}

/// The three ways a request can run out of time, each reported as its own error kind.
public struct Timeouts: Sendable, Equatable {
    /// TCP (and TLS) connection set-up; Score's UPLOAD_CONNECTION_TIMEOUT.
    public var connect: Duration?
    /// Longest time with no byte moving either way once connected (a read/stall timeout).
    public var stall: Duration?
    /// Limit on the whole attempt.
    public var total: Duration?

    public init(connect: Duration? = .seconds(15), stall: Duration? = .seconds(60), total: Duration? = nil) {
        self.connect = connect
        self.stall = stall
        self.total = total
    }
}

extension Duration {
    /// Whole milliseconds.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
