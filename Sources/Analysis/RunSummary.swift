import Foundation
import Results
import Model

/// The end-of-run table: per cell, the median payload throughput of its measured trials in each
/// direction, and its failures. The full statistics are in `RunAnalysis`.
public struct RunSummary: Sendable, Encodable {
    public struct CellStats: Sendable, Encodable {
        public var cellId: Int64
        public var position: Int
        public var label: String
        public var uploadMBps: Double?
        public var downloadMBps: Double?
        public var trials: Int
        public var failed: Int
        public var retries: Int
        /// The client, not the store, may have been the limit (see `ClientSaturation`).
        public var clientSaturated: Bool
        /// The played network (nil: straight to the store): cells are compared within one only.
        public var network: String?
    }

    public var cells: [CellStats]
    /// What the MB/s figures are: per object, or aggregate (all transfers at once) when the run
    /// sweeps `clients` — then the best cell is the one that moved the most together.
    public var axis: ThroughputAxis
    /// What may make the figures mean less than they seem (saturated client, drift, sessions).
    public var findings: [Caution]
    /// Their sentences (JSON has always carried them as `cautions`).
    public var cautions: [String]

    public init(_ analysis: RunAnalysis) {
        cells = analysis.cells.map { s in
            CellStats(cellId: s.cell.id, position: s.cell.position, label: s.knobs.label, uploadMBps: s.upload?.median,
                      downloadMBps: s.download?.median, trials: s.trials, failed: s.failedTrials, retries: s.retries,
                      clientSaturated: s.client?.saturated ?? false, network: s.knobs.network)
        }
        findings = analysis.measurementCautions
        cautions = findings.map(\.text)
        axis = analysis.axis
    }

    /// The networks the cells were played on, in order (nil: direct).
    public var networks: [String?] { Array(Set(cells.map(\.network))).sorted { ($0 ?? "") < ($1 ?? "") } }

    /// The best cells are chosen only among cells none of whose trials failed, and within one
    /// network: a LAN cell beating a WAN cell says nothing about either setting.
    public func bestUpload(network: String?) -> CellStats? {
        reliable.filter { $0.network == network && $0.uploadMBps != nil }.max { $0.uploadMBps! < $1.uploadMBps! }
    }
    public func bestDownload(network: String?) -> CellStats? {
        reliable.filter { $0.network == network && $0.downloadMBps != nil }.max { $0.downloadMBps! < $1.downloadMBps! }
    }
    /// For a run on one network (or none): its best cells.
    public var bestUpload: CellStats? { networks.count == 1 ? bestUpload(network: networks[0]) : nil }
    public var bestDownload: CellStats? { networks.count == 1 ? bestDownload(network: networks[0]) : nil }
    var reliable: [CellStats] { cells.filter { $0.trials > 0 && $0.failed == 0 } }

    /// Why there is no best cell, when there is none.
    public var noBestReason: String? {
        guard networks.allSatisfy({ bestUpload(network: $0) == nil }) else { return nil }
        if cells.allSatisfy({ $0.trials == 0 }) { return "no cell was measured" }
        return "every measured cell had failed trials; see the failures per cell"
    }
}
