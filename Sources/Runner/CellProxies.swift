import FaultProxy
import Foundation
import Model
import Results
import Scenario

/// The fault proxies of a run, each started at the first visit of a cell that needs it. Cells take
/// turns (one visit at a time), so the cells of a network that plays no faults share one proxy
/// and, through its single port, the warm pool's connections, kept to the end of the run. A
/// network that plays faults gets a proxy per cell, stopped when the cell is done: its faults are
/// drawn per connection from the profile's seed, and each cell must meet the same draws. In
/// interleaved order a cell is visited once per round, and a proxy started anew each visit would
/// close its connections and make every round pay connection set-up again. Faults are recorded
/// against the cell whose visit is under way.
/// Sendable: `proxies` and `visiting` only under `lock`.
final class CellProxies: @unchecked Sendable {
    private let lock = NSLock()
    private var proxies: [Route: (proxy: FaultProxy, via: String)] = [:]
    /// The cell whose visit each network's proxy is serving.
    private var visiting: [Route: Int64] = [:]

    /// The way a cell's requests go to the store. Cells of one route share warm connections
    /// (`SessionWarmth`).
    enum Route: Hashable, Sendable {
        /// Straight to the store.
        case direct
        /// Through the one proxy the cells of a played network share (it plays no faults).
        case shared(network: String)
        /// Through a proxy of the cell's own (its network plays faults, drawn per connection).
        case own(network: String, cell: Int64)
    }

    static func route(of cell: CellRow, scenario: Scenario) -> Route {
        guard let name = scenario.playedNetwork(of: cell.knobs) else { return .direct }
        return sharesProxy(name, scenario: scenario) ? .shared(network: name) : .own(network: name, cell: cell.id)
    }

    /// Whether the cells of a played network share one proxy: they do when it plays no faults.
    static func sharesProxy(_ network: String, scenario: Scenario) -> Bool {
        scenario.networks[network]?.faults == NetworkProfile.Faults()
    }

    /// The most proxies a grid's cells run through: one per network they share, one per cell on the others.
    static func count(for grid: [Knobs], scenario: Scenario) -> Int {
        let played = grid.compactMap { scenario.playedNetwork(of: $0) }
        let shared = played.filter { sharesProxy($0, scenario: scenario) }
        return Set(shared).count + (played.count - shared.count)
    }

    /// "127.0.0.1:PORT" of the cell's proxy (started on first use), or nil when the cell goes
    /// straight to the store. Called at the start of each visit.
    func via(for cell: CellRow, scenario: Scenario, connection: StoreConnection, recorder: RunRecorder) async throws -> String? {
        guard let network = scenario.playedNetwork(of: cell.knobs), let profile = scenario.networks[network] else { return nil }
        let name = Self.route(of: cell, scenario: scenario)
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

    /// Stops a cell's own proxy once the cell is done or set aside (a shared one runs on).
    func stop(cell: CellRow, scenario: Scenario) async {
        let route = Self.route(of: cell, scenario: scenario)
        guard case .own = route, let entry = lock.withLock({ proxies.removeValue(forKey: route) }) else { return }
        try? await entry.proxy.stop()
    }

    /// Stops them all at the end of the run, whatever ended it.
    func stopAll() async {
        let all = lock.withLock { defer { proxies = [:] }; return Array(proxies.values) }
        for entry in all { try? await entry.proxy.stop() }
    }
}
