import FaultProxy
import Foundation
import Results
import Scenario

/// The fault proxies of a run: one per played network, started at the first visit of one of its
/// cells and kept to the end of the run. Cells take turns (one visit at a time), so the cells of
/// one network share its proxy and, through its single port, the warm pool's connections: in
/// interleaved order a cell is visited once per round, and a proxy started anew each visit would
/// close those connections and make every round pay connection set-up again. Faults are recorded
/// against the cell whose visit is under way.
/// Sendable: `proxies` and `visiting` only under `lock`.
final class CellProxies: @unchecked Sendable {
    private let lock = NSLock()
    private var proxies: [String: (proxy: FaultProxy, via: String)] = [:]
    /// The cell whose visit each network's proxy is serving.
    private var visiting: [String: Int64] = [:]

    /// "127.0.0.1:PORT" of the proxy of the cell's played network (started on first use), or nil
    /// when the cell goes straight to the store. Called at the start of each visit.
    func via(for cell: CellRow, scenario: Scenario, connection: StoreConnection, recorder: RunRecorder) async throws -> String? {
        guard let name = scenario.playedNetwork(of: cell.knobs), let profile = scenario.networks[name] else { return nil }
        if let known = lock.withLock({ () -> String? in
            visiting[name] = cell.id
            return proxies[name]?.via
        }) { return known }
        let proxy = FaultProxy(profile: profile, upstreamHost: connection.storeHost, upstreamPort: connection.storePort) { [weak self] fault in
            guard let self, let cellId = lock.withLock({ visiting[name] }) else { return }
            recorder.writer.add(FaultRow(runId: recorder.runId, cellId: cellId, time: fault.time, connection: fault.connection,
                                         kind: fault.kind, bytesMoved: fault.bytesMoved))
        }
        let port: Int
        do { port = try await proxy.start() } catch {
            try? await proxy.stop()
            throw error
        }
        let via = "127.0.0.1:\(port)"
        lock.withLock { proxies[name] = (proxy, via) }
        return via
    }

    /// Stops them all at the end of the run, whatever ended it.
    func stopAll() async {
        let all = lock.withLock { defer { proxies = [:] }; return Array(proxies.values) }
        for entry in all { try? await entry.proxy.stop() }
    }
}
