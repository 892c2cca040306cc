import Foundation
import Model
import Transport

/// The connections a cell's client-side requests go through, as its `connections` knob says.
/// Score's server side always keeps the run's shared, warm pool: only the client is per file.
///
/// - warm: the run's shared pool, carried across trials and cells;
/// - per-object: a pool of its own for every trial (one object moved one way), shut down after
///   it, so each object pays connection set-up and TCP slow start as a score-client started per
///   file does;
/// - per-request: a pool for the visit whose every request opens a new connection and closes it.
struct ClientConnections: Sendable {
    let reuse: ConnectionReuse
    let shared: StoreConnection
    private let visitTransport: (any HTTPTransport)?

    init(_ reuse: ConnectionReuse, shared: StoreConnection) {
        self.reuse = reuse
        self.shared = shared
        if reuse == .perRequest {
            var options = shared.transport.options
            options.freshConnectionPerRequest = true
            visitTransport = shared.transport.pool(options: options)
        } else {
            visitTransport = nil
        }
    }

    /// For the visit's trials when they share one pool (warm, per-request).
    var forVisit: StoreConnection { visitTransport.map(shared.through) ?? shared }

    /// Runs `body` on a pool of its own, shut down after it: one per-object trial.
    func onOwnPool<T: Sendable>(_ body: (StoreConnection) async throws -> T) async rethrows -> T {
        let own = shared.transport.pool(options: shared.transport.options)
        // Shutting down waits for the pool's thread: off the concurrency pool's few threads.
        defer { Thread.detachNewThread { own.shutdown() } }
        return try await body(shared.through(own))
    }

    /// Ends the visit's own pool, if it had one.
    func finish() { visitTransport?.shutdown() }
}
