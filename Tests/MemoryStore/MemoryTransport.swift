import Foundation
import Transport

/// The `HTTPTransport` in front of a `MemoryStore`: reads the request body from its source, lets the
/// store answer (or plays the fault due), and hands the body to the sink as libcurl would: a 2xx
/// answer's body to the sink, an error's into `HTTPResponse.body`. Connections are played too: a
/// pool keeps the connection of a request that got its answer, and drops one that was reset, timed
/// out or cancelled (as libcurl does), so reuse is reported as it would be. `shutdown()` refuses
/// later requests; one already waiting on a fault ends by its own timeout or cancellation.
public final class MemoryTransport: HTTPTransport, @unchecked Sendable {
    public let store: MemoryStore
    public let options: TransportOptions
    private let lock = NSLock()
    private var idle = 0
    private var opened = 0
    private var closed = false

    init(store: MemoryStore, options: TransportOptions) {
        self.store = store
        self.options = options
    }

    /// Connections this pool opened.
    public var connectionsOpened: Int { lock.withLock { opened } }

    public func pool(options: TransportOptions) -> any HTTPTransport { MemoryTransport(store: store, options: options) }

    public func shutdown() { lock.withLock { closed = true } }

    public func send(_ request: HTTPRequest, sink: ResponseSink?) async throws -> HTTPResponse {
        let started = ContinuousClock.now
        var metrics = AttemptMetrics()
        metrics.startedAt = Date().timeIntervalSince1970
        func failure(_ kind: TransportError.Kind, _ message: String) -> TransportError {
            metrics.totalTime = seconds(since: started)
            metrics.longestSilence = metrics.totalTime  // nothing moves in a memory store until it answers
            return TransportError(kind: kind, message: message, metrics: metrics)
        }
        guard !lock.withLock({ closed }) else { throw failure(.cancelled, "the transport was shut down") }
        guard !Task.isCancelled else { throw failure(.cancelled, "cancelled") }
        metrics.reusedConnection = takeConnection()
        if !metrics.reusedConnection { metrics.connectTime = 0.0001 }

        guard let body = Self.read(request.body) else { throw failure(.aborted, "the request body's source gave up") }
        metrics.bytesSent = Int64(body.count)
        guard let parsed = ParsedRequest(request, body: body) else { throw failure(.other, "not a URL: \(request.url)") }
        let operation = store.classify(parsed)
        let action = store.fault(for: operation)
        var log = MemoryStore.LoggedRequest(operation: operation, method: request.method, path: parsed.path, status: 0, fault: action)
        defer { store.record(log) }

        switch action {
        case .reset?:
            throw failure(.connectionReset, "Connection reset by peer (memory store fault)")
        case .frozen?:
            try await wait(nil, request.timeouts, failure)
        case .delay(let pause)?:
            try await wait(pause, request.timeouts, failure)
        case .slowDown?:
            let answer = store.busyAnswer()
            log.status = answer.status
            return try deliver(answer, to: sink, request: request, metrics: &metrics, started: started)
        default:
            break
        }
        var answer = store.answer(parsed, operation: operation)
        var moving = Duration.zero
        if let path = store.path {
            // Bytes keep moving on a played path: only an overall limit can cut it short.
            moving = path.time(bytes: body.count + answer.body.count)
            try await wait(moving, Timeouts(connect: nil, stall: nil, total: request.timeouts.total), failure)
        }
        metrics.longestSilence = max(0, seconds(since: started) - Double(moving.components.seconds) - Double(moving.components.attoseconds) / 1e18)
        if action == .wrongETag, let etag = answer.header("etag") {
            let wrong = "\"" + Array((etag + "wrong").utf8).md5Hex + "\""
            answer.headers = answer.headers.map { $0.name == "etag" ? HTTPHeader("etag", wrong) : $0 }
        }
        if action == .lostAnswer {
            throw failure(.connectionReset, "the answer was lost after the store acted (memory store fault)")
        }
        log.status = answer.status
        return try deliver(answer, to: sink, request: request, metrics: &metrics, started: started)
    }

    /// Waits `pause` (nil: for ever) unless the request's stall or total limit comes first, which
    /// ends the attempt as libcurl's would; cancellation ends it too.
    private func wait(_ pause: Duration?, _ timeouts: Timeouts, _ failure: (TransportError.Kind, String) -> TransportError) async throws {
        let limits = [(timeouts.stall, TransportError.Kind.stallTimeout), (timeouts.total, .totalTimeout)]
            .compactMap { limit, kind in limit.map { ($0, kind) } }
        let limit = limits.min { $0.0 < $1.0 }
        do {
            if let pause, limit.map({ pause < $0.0 }) ?? true {
                try await Task.sleep(for: pause)
                return
            }
            if let limit {
                try await Task.sleep(for: limit.0)
                throw failure(limit.1, "no byte moved for \(limit.0) (memory store fault)")
            }
            while true { try await Task.sleep(for: .seconds(3600)) }
        } catch is CancellationError {
            throw failure(.cancelled, "cancelled")
        }
    }

    private func deliver(_ answer: Answer, to sink: ResponseSink?, request: HTTPRequest, metrics: inout AttemptMetrics,
                         started: ContinuousClock.Instant) throws -> HTTPResponse {
        metrics.status = answer.status
        metrics.firstByteTime = seconds(since: started)
        metrics.sentTime = metrics.firstByteTime
        var headers = answer.headers + [HTTPHeader("server", store.server)]
        let body = request.method == "HEAD" ? [] : answer.body
        if request.method != "HEAD" || answer.header("content-length") == nil {
            headers.append(HTTPHeader("content-length", String(answer.body.count)))
        }
        var kept = body
        if let sink, (200..<300).contains(answer.status) {
            kept = []
            let accepted = body.withUnsafeBytes { buffer -> Bool in
                var offset = 0
                while offset < buffer.count {
                    let count = min(1 << 20, buffer.count - offset)
                    guard sink.receive(UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])) else { return false }
                    offset += count
                }
                return true
            }
            guard accepted else {
                metrics.totalTime = seconds(since: started)
                throw TransportError(kind: .aborted, message: "the sink refused the body", metrics: metrics)
            }
        }
        metrics.bytesReceived = Int64(body.count)
        metrics.totalTime = seconds(since: started)
        giveBack()  // an answered request leaves its connection open for the next
        return HTTPResponse(status: answer.status, headers: headers, body: kept, metrics: metrics)
    }

    /// The whole request body, as the source gives it (nil: the source aborted).
    static func read(_ body: RequestBody) -> [UInt8]? {
        switch body {
        case .empty: return []
        case .bytes(let bytes): return bytes
        case .stream(let length, let makeSource):
            let source = makeSource()
            var bytes = [UInt8](repeating: 0, count: Int(length))
            var filled = 0
            while filled < bytes.count {
                let count = bytes.withUnsafeMutableBytes { buffer -> Int? in
                    source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<min(buffer.count, filled + (1 << 20))]))
                }
                guard let count else { return nil }
                if count == 0 { break }
                filled += count
            }
            return filled == bytes.count ? bytes : nil
        }
    }

    private func takeConnection() -> Bool {
        lock.withLock {
            if idle > 0 && !options.freshConnectionPerRequest { idle -= 1; return true }
            opened += 1
            return false
        }
    }

    private func giveBack() { lock.withLock { if !options.freshConnectionPerRequest { idle += 1 } } }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
