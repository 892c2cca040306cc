/// Where one request's time went, in four spans that add up to its total: connect (name lookup,
/// TCP and TLS; 0 on a reused connection), send (until its last byte was handed over), wait (for
/// the answer's first byte: the store's work) and receive (the rest of the answer).
public struct TimeBreakdown: Sendable, Equatable, Codable {
    public var connect: Double
    public var send: Double
    public var wait: Double
    public var receive: Double

    public var total: Double { connect + send + wait + receive }

    public init(connect: Double, send: Double, wait: Double, receive: Double) {
        (self.connect, self.send, self.wait, self.receive) = (connect, send, wait, receive)
    }

    /// One attempt's spans. The milestones are clamped to run forward (a store may answer before the
    /// body is all sent; a failed attempt has no answer), so the spans always add up to `total`.
    /// Attempts recorded before the send time was (v7) count their sending as waiting.
    public init(_ attempt: AttemptRow) {
        let total = max(0, attempt.total)
        let connected = min(total, max(0, attempt.connect + attempt.tls))
        let sent = min(total, max(connected, attempt.sent ?? connected))
        let answered = attempt.firstByte > 0 ? min(total, max(sent, attempt.firstByte)) : total
        self.init(connect: connected, send: sent - connected, wait: answered - sent, receive: total - answered)
    }

    public static let zero = TimeBreakdown(connect: 0, send: 0, wait: 0, receive: 0)

    /// Span by span: sums of many attempts' spans, from which a mean is one division.
    public static func + (a: TimeBreakdown, b: TimeBreakdown) -> TimeBreakdown {
        TimeBreakdown(connect: a.connect + b.connect, send: a.send + b.send, wait: a.wait + b.wait, receive: a.receive + b.receive)
    }

    public func divided(by n: Double) -> TimeBreakdown {
        TimeBreakdown(connect: connect / n, send: send / n, wait: wait / n, receive: receive / n)
    }

    /// The mean of each span over many attempts: the means add up to the mean total, which
    /// medians of each span would not.
    public static func mean(_ attempts: [AttemptRow]) -> TimeBreakdown? {
        guard !attempts.isEmpty else { return nil }
        return attempts.reduce(TimeBreakdown.zero) { $0 + TimeBreakdown($1) }.divided(by: Double(attempts.count))
    }
}
