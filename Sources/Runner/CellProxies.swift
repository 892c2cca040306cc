import FaultProxy
import Foundation
import Results
import Scenario

/// The fault proxies of a run's cells, one per cell with a played network, kept from the cell's
/// first visit to the end of the run: in interleaved order a cell is visited once per round, and
/// a proxy started anew each visit would close the warm pool's connections and make every round
/// pay connection set-up again.
/// Sendable: `proxies` only under `lock`.
final class CellProxies: @unchecked Sendable {
    private let lock = NSLock()
    private var proxies: [Int64: (proxy: FaultProxy, via: String)] = [:]

    /// "127.0.0.1:PORT" of the cell's proxy (started on first use), or nil for a direct cell.
    func via(for cell: CellRow, scenario: Scenario, connection: StoreConnection, recorder: RunRecorder) async throws -> String? {
        guard let name = cell.knobs.network, let profile = scenario.networks[name], !profile.isIdentity else { return nil }
        if let known = lock.withLock({ proxies[cell.id] }) { return known.via }
        let cellId = cell.id
        let proxy = FaultProxy(profile: profile, upstreamHost: connection.storeHost, upstreamPort: connection.storePort) { fault in
            recorder.writer.add(FaultRow(runId: recorder.runId, cellId: cellId, time: fault.time, connection: fault.connection,
                                         kind: fault.kind, bytesMoved: fault.bytesMoved))
        }
        let port: Int
        do { port = try await proxy.start() } catch {
            try? await proxy.stop()
            throw error
        }
        let via = "127.0.0.1:\(port)"
        lock.withLock { proxies[cellId] = (proxy, via) }
        return via
    }

    /// Stops a cell's proxy once the cell is complete.
    func stop(cell: Int64) async {
        guard let proxy = lock.withLock({ proxies.removeValue(forKey: cell) }) else { return }
        try? await proxy.proxy.stop()
    }

    /// Stops them all at the end of the run, whatever ended it.
    func stopAll() async {
        let all = lock.withLock { defer { proxies = [:] }; return Array(proxies.values) }
        for entry in all { try? await entry.proxy.stop() }
    }
}
