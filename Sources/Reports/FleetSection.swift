import Analysis
import Model

/// A merged run's fleet, in the report: per cell and direction what all workers got together by
/// each window rule (the leading figure marked, and why it leads), one object's MB/s beside it,
/// each worker's own figure as bars, and how closely the barriers released them.
struct FleetSection {
    let fleet: Fleet
    /// The recommended cell on this network: its workers' bars are drawn.
    let chosen: Recommendation.Choice?
    /// The rows: every cell's figures, by direction, fastest lead first.
    private let figures: [(stats: CellStatistics, figure: DistributedThroughput)]
    /// The cell whose workers are drawn: the recommended one, else the fastest by the lead.
    private let shownCell: CellStatistics?

    init(analysis: RunAnalysis, fleet: Fleet, chosen: Recommendation.Choice?) {
        (self.fleet, self.chosen) = (fleet, chosen)
        figures = analysis.cells.flatMap { stats in Direction.allCases.compactMap { d in stats.fleet[d].map { (stats, $0) } } }
            .sorted { ($0.figure.direction.rawValue, -($0.figure.leadMBps ?? 0)) < ($1.figure.direction.rawValue, -($1.figure.leadMBps ?? 0)) }
        let shown = chosen?.cellId ?? figures.max { ($0.figure.leadMBps ?? 0) < ($1.figure.leadMBps ?? 0) }?.stats.cell.id
        shownCell = analysis.cells.first { $0.cell.id == shown }
    }

    /// Each direction's per-worker figures in the shown cell.
    private var workerFigures: [DistributedThroughput] {
        Direction.allCases.compactMap { shownCell?.fleet[$0] }.filter { !$0.perWorker.isEmpty }
    }

    /// The window figure with its rule and the share of the round it spans.
    static func windowText(_ figure: DistributedThroughput) -> String {
        figure.windowMBps.map { String(format: "%@ (%@, %.0f%%)", SVG.number($0), figure.windowRule?.rawValue ?? "", (figure.windowCoverage ?? 0) * 100) } ?? "–"
    }

    var skewText: String {
        guard let max = fleet.releaseSkewMax, let median = fleet.releaseSkewMedian else { return "no barrier was recorded" }
        return String(format: "barrier release skew: %.0f ms at most, %.0f ms median (the workers' clocks aligned on each barrier)", max * 1000, median * 1000)
    }

    static func mbps(_ value: Double?) -> String { value.map { SVG.number($0) } ?? "–" }

    static func leadName(_ figure: DistributedThroughput) -> String {
        switch figure.lead {
        case .window: return "window (\(figure.windowRule?.rawValue ?? "all-active"))"
        case .stonewall: return "stonewall"
        case .pessimistic: return "pessimistic"
        }
    }

    var html: String {
        var body = "<h3>Fleet: \(fleet.workers) workers together</h3><p>Aggregate MB/s of all workers in each cell (medians over rounds). "
            + "<b>window</b>: the bytes moved while every worker was moving; <b>stonewall</b>: until the fastest worker finished; "
            + "<b>pessimistic</b>: everything over the whole span. The leading figure (bold) is the window's when it spans at least half of the round. "
            + SVG.escape(skewText) + ".</p>"
        body += "<div class=\"wide\"><table class=\"fleet\"><tr><th>cell</th><th>direction</th><th>workers</th><th>fleet MB/s (leads)</th><th>why it leads</th>"
            + "<th>window</th><th>stonewall</th><th>pessimistic</th><th>per object MB/s</th></tr>"
        for (stats, figure) in figures {
            let lead = "<b>\(Self.mbps(figure.leadMBps))</b> \(SVG.escape(Self.leadName(figure)))"
            body += "<tr class=\"\(stats.cell.id == chosen?.cellId ? "chosen" : "")\" data-cell=\"\(stats.cell.id)\" data-direction=\"\(figure.direction.rawValue)\" data-lead=\"\(figure.lead.rawValue)\">"
                + "<td>\(stats.cell.id): \(SVG.escape(stats.knobs.label))</td><td>\(figure.direction.rawValue)</td><td class=\"number\">\(figure.workers)</td>"
                + "<td class=\"number\">\(lead)</td><td>\(SVG.escape(figure.leadReason.words))</td><td class=\"number\">\(Self.windowText(figure))</td>"
                + "<td class=\"number\">\(Self.mbps(figure.stonewallMBps))</td><td class=\"number\">\(Self.mbps(figure.pessimisticMBps))</td>"
                + "<td class=\"number\">\(Self.mbps(stats.throughput(figure.direction)?.median))</td></tr>"
        }
        body += "</table></div>"
        for figure in workerFigures {
            let direction = figure.direction
            body += SVG.bars(name: "fleet-workers-\(direction.rawValue)",
                             title: "Each worker's \(direction.rawValue) MB/s in cell \(figure.cellId) (\(shownCell?.knobs.label ?? "")); the fleet together: \(Self.mbps(figure.leadMBps)) MB/s",
                             labels: figure.perWorker.map { "w\($0.worker)" },
                             series: [(direction.rawValue, direction == .upload ? SVG.upload : SVG.download, figure.perWorker.map(\.mbps))],
                             xTitle: "worker (rank): its bytes over its own first start to last end, median over rounds", unit: "MB/s")
        }
        return body
    }

    func markdown(network: String?) -> [String] {
        var lines = ["", "## Fleet: \(fleet.workers) workers together\(network.map { " on network \($0)" } ?? "")", "",
                     "Aggregate MB/s of all workers per cell (medians over rounds); the leading figure first. \(skewText).", "",
                     "| cell | direction | workers | fleet MB/s (leads) | window (rule, coverage) | stonewall | pessimistic | per object |",
                     "|---|---|---|---|---|---|---|---|"]
        for (stats, figure) in figures {
            lines.append("| \(stats.cell.id): \(stats.knobs.label) | \(figure.direction.rawValue) | \(figure.workers) | **\(Self.mbps(figure.leadMBps))** \(Self.leadName(figure)) "
                         + "| \(Self.windowText(figure)) | \(Self.mbps(figure.stonewallMBps)) | \(Self.mbps(figure.pessimisticMBps)) | \(Self.mbps(stats.throughput(figure.direction)?.median)) |")
        }
        for figure in workerFigures {
            lines += ["", "Each worker's \(figure.direction.rawValue) MB/s in cell \(figure.cellId): "
                      + figure.perWorker.map { "w\($0.worker) \(SVG.number($0.mbps))" }.joined(separator: ", ")]
        }
        return lines
    }
}
