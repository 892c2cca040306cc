import Foundation
import Model
import Transport
import Workload

/// Notices a store that takes requests and never answers (frozen, or a dead proxy in front of it),
/// which no per-request timeout bounds: Score's own server calls wait 50 s an attempt, and a trial
/// of many parts retries each. The watch sees every request the run sends (`transport`) and when
/// the store last gave a sign of life (an answer, or body bytes arriving). When requests have been
/// in flight with no sign for longer than `silence` — the run's longest stall timeout: no healthy
/// request of this run is silent that long — it asks the store itself (`probe`, bounded by the
/// run's connect timeout and the same stall timeout). A store that does not answer that either
/// ends the run as failed, within silence + connect + silence of its last answer.
public final class StoreWatch: @unchecked Sendable {
    public let silence: Duration
    public let connect: Duration
    private let clock = ContinuousClock()
    private let lock = NSLock()
    private var inFlight = 0                            // guarded by lock
    /// Silence is time with requests in flight and no sign of the store, added up across requests
    /// that come and go (a retry after a stall timeout must not start it afresh): what earlier
    /// in-flight stretches added, and when the present one (or its last sign) began.
    private var silentBefore: Duration = .zero           // guarded by lock
    private var stretchStart: ContinuousClock.Instant    // guarded by lock

    init(silence: Duration, connect: Duration) {
        (self.silence, self.connect) = (silence, connect)
        stretchStart = clock.now
    }

    /// The run's store ended it: no sign of life, and no answer to a probe.
    struct NotAnswering: Error, CustomStringConvertible {
        var silence: Duration
        var connect: Duration
        var probe: String
        var description: String {
            "store not answering: requests in flight got nothing for \(Units.formatDuration(silence.milliseconds)) (the run's longest stall_timeout), "
                + "and a probe got no answer within \(Units.formatDuration(connect.milliseconds)) to connect and "
                + "\(Units.formatDuration(silence.milliseconds)) to answer (\(probe))"
        }
    }

    /// Watches the run until `body` returns; throws `NotAnswering` (cancelling `body`) when the
    /// store stops answering.
    func guarding<T: Sendable>(probe: @escaping @Sendable (Timeouts) async throws -> Void, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await self.watch(probe: probe)
                return nil
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }

    /// Looks every quarter of a second (at most one `silence` apart); returns only by throwing.
    private func watch(probe: @escaping @Sendable (Timeouts) async throws -> Void) async throws {
        let every = min(.milliseconds(250), silence)
        while true {
            try await Task.sleep(for: every)
            guard isSilent else { continue }
            do {
                try await probe(Timeouts(connect: connect, stall: silence, total: connect + silence))
                signOfLife()
            } catch where !Task.isCancelled {
                // Only no answer at all is the store not answering: a reset, a 503 or a lost answer
                // is a store (or a path) that is there. And a request may have heard from it meanwhile.
                guard ErrorClass.of(error).isUnanswered, isSilent else {
                    signOfLife()
                    continue
                }
                throw NotAnswering(silence: silence, connect: connect, probe: "\(error)")
            }
        }
    }

    /// Requests are in flight and none has heard from the store for longer than `silence`.
    var isSilent: Bool { lock.withLock { inFlight > 0 && silentBefore + stretchStart.duration(to: clock.now) > silence } }

    func began() {
        lock.withLock {
            // Time with no request in flight is not the store's silence.
            if inFlight == 0 { stretchStart = clock.now }
            inFlight += 1
        }
    }

    func ended() {
        lock.withLock {
            inFlight -= 1
            if inFlight == 0 { silentBefore += stretchStart.duration(to: clock.now) }
        }
    }

    func signOfLife() {
        lock.withLock {
            silentBefore = .zero
            stretchStart = clock.now
        }
    }

    /// `base`, with every request it sends watched.
    func watching(_ base: any HTTPTransport) -> any HTTPTransport { WatchedTransport(base: base, watch: self) }
}

/// A transport whose requests a `StoreWatch` sees: their start, their end, their answers and the
/// body bytes that arrive.
final class WatchedTransport: HTTPTransport, @unchecked Sendable {
    let base: any HTTPTransport
    let watch: StoreWatch

    init(base: any HTTPTransport, watch: StoreWatch) { (self.base, self.watch) = (base, watch) }

    var options: TransportOptions { base.options }

    func send(_ request: HTTPRequest, sink: ResponseSink?) async throws -> HTTPResponse {
        watch.began()
        defer { watch.ended() }
        let response = try await base.send(request, sink: sink.map { WatchedSink(base: $0, watch: watch) })
        watch.signOfLife()
        return response
    }

    func pool(options: TransportOptions) -> any HTTPTransport { WatchedTransport(base: base.pool(options: options), watch: watch) }

    func shutdown() { base.shutdown() }
}

/// Body bytes arriving are the store answering, however long the body.
final class WatchedSink: ResponseSink, @unchecked Sendable {
    let base: ResponseSink
    let watch: StoreWatch

    init(base: ResponseSink, watch: StoreWatch) { (self.base, self.watch) = (base, watch) }

    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        watch.signOfLife()
        return base.receive(bytes)
    }
}
