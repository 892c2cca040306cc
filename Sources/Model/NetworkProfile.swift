/// What the proxy does to the bytes between a client and its store.
public struct NetworkProfile: Sendable, Equatable, Codable {
    /// Round-trip time added: half of it each way, in milliseconds.
    public var rttMilliseconds: Double = 0
    /// Uniform extra delay per chunk, 0…jitter ms (never reorders bytes within a connection).
    public var jitterMilliseconds: Double = 0
    /// Bytes per second per connection and direction; nil for no cap.
    public var bandwidthPerConnection: Double?
    /// Bytes per second shared by every connection, per direction; nil for no cap.
    public var bandwidthTotal: Double?
    public var faults = Faults()
    public var seed: UInt64 = 1
    /// Score's server reaches its store over this network too (as when the server runs far from
    /// its store): its own calls (ListParts, the part markers, finalize) cross it as well as the
    /// client's. Otherwise the server sits beside its store.
    public var carriesServerCalls = false

    public struct Faults: Sendable, Equatable, Codable {
        /// Probability, per MiB forwarded, of resetting the connection (RST to both sides).
        public var resetPerMiB: Double = 0
        /// Probability, per MiB forwarded, of stalling the connection for one of `stallMilliseconds`.
        public var stallPerMiB: Double = 0
        /// How long a stall holds the connection, ms: each stall draws one of these, equally likely
        /// (one value: every stall that long; several: a measured path's stall-length distribution).
        public var stallMilliseconds: [Double] = [30_000]
        /// Probability, per new connection, of refusing it (RST right after accept).
        public var refusePerConnection: Double = 0
        /// Probability, per new connection, of accepting it and then never answering (a black hole).
        public var blackholePerConnection: Double = 0
        /// Probability, per HTTP request, of answering `503 SlowDown` / `500 InternalError` (S3 XML
        /// error bodies) instead of forwarding it. Plain-HTTP stores only.
        public var slowDownPerRequest: Double = 0
        public var errorPerRequest: Double = 0
        /// Probability, per HTTP request, that the store gets and processes it but its answer never
        /// reaches the client (the connection is reset when the answer starts): the case where a
        /// retried create may leave a twin behind. Plain-HTTP stores only.
        public var lostAnswerPerRequest: Double = 0

        public init() {}
    }

    public init() {}

    public var isIdentity: Bool {
        rttMilliseconds == 0 && jitterMilliseconds == 0 && bandwidthPerConnection == nil && bandwidthTotal == nil && faults == Faults()
    }
}

/// One fault the proxy injected, for the log and the `faults` table.
public struct InjectedFault: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case reset, stall, refuse, blackhole, slowDown = "slowdown-503", serverError = "error-500", lostAnswer = "lost-answer"
    }
    public var time: Double
    public var connection: Int
    public var kind: Kind
    /// Bytes the connection had moved (both directions) when it happened.
    public var bytesMoved: Int64

    public init(time: Double, connection: Int, kind: Kind, bytesMoved: Int64) {
        self.time = time
        self.connection = connection
        self.kind = kind
        self.bytesMoved = bytesMoved
    }
}
