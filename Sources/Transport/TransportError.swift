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

    /// Which TLS failure it was, when `kind` is `tlsFailure`: what the user must fix differs.
    public enum TLSProblem: Sendable, Equatable {
        case caBundleUnreadable, handshake, untrustedIssuer, expired, notYetValid, hostnameMismatch, other
    }

    public var kind: Kind
    public var tlsProblem: TLSProblem?
    public var message: String
    public var metrics: AttemptMetrics

    public init(kind: Kind, message: String, metrics: AttemptMetrics, tlsProblem: TLSProblem? = nil) {
        self.kind = kind
        self.tlsProblem = tlsProblem
        self.message = message
        self.metrics = metrics
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
