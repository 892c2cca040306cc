import Foundation
import Model

/// A run that talked to its store over loopback (or a LAN under a millisecond away) with no played
/// network: it measures part sizes and parallelism well, but a retry limit or a timeout sized from
/// it would be sized for a network with no delay and no faults. nil when the run saw a network.
public struct LoopbackEvidence: Sendable, Equatable, CustomStringConvertible {
    /// Median connect time of new, healthy connections, seconds.
    var connectMedian: Double
    var connections: Int
    /// The endpoint's host when it is this machine (127.0.0.0/8, ::1, localhost).
    var loopbackHost: String?

    /// Under this median connect time the store is on the same machine or a very near one.
    static let threshold = 0.001

    init(connectMedian: Double, connections: Int, loopbackHost: String?) {
        (self.connectMedian, self.connections, self.loopbackHost) = (connectMedian, connections, loopbackHost)
    }

    init?(_ analysis: RunAnalysis) {
        guard analysis.cells.allSatisfy({ $0.knobs.network == nil }), analysis.faults.isEmpty else { return nil }
        let connects = analysis.healthyNewConnects
        let median = connects.median ?? 0
        let host = Self.loopbackHost(analysis.run.backendEndpoint)
        // The endpoint's address is a fact; a connect time under 1 ms catches a LAN just as near,
        // but only when some connect was measured: none measured is no evidence of anything.
        guard host != nil || (!connects.isEmpty && median < Self.threshold) else { return nil }
        connectMedian = median
        connections = Int(connects.count)
        loopbackHost = host
    }

    static func loopbackHost(_ endpoint: String) -> String? { LoopbackHost.of(endpoint) }

    public var description: String {
        let place = loopbackHost.map { "its store on this machine (\($0))" } ?? "its store under a millisecond away"
        guard connections > 0 else { return "this run reached \(place) (it opened no new connection to time) with no played network" }
        return "this run reached \(place) in \(String(format: "%.2f", connectMedian * 1000)) ms per connect (median of \(connections)) with no played network"
    }
}
