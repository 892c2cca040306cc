import Analysis
import Model
import Results

/// A search's course as cells × decisions: at each decision a live cell's median (its interval in
/// the tooltip), blue when kept and grey when dropped there; nothing after a cell left.
struct SearchChart {
    let analysis: RunAnalysis
    let history: SearchHistory

    static let kept = "#4c78a8"
    static let dropped = "#bab0ac"
    static let chosen = "#08306b"

    var html: String {
        let decisions = max(1, history.decisions)
        // Rows: measured cells, the ones that lasted longest (and then the fastest) first.
        let measured = history.verdicts.filter { $0.verdict != .pruned }
        let lastRung = Dictionary(grouping: measured, by: \.cellId).mapValues { rows in rows.max { $0.rung < $1.rung }! }
        let rows = lastRung.values.sorted { ($0.rung, $0.median ?? 0) > ($1.rung, $1.median ?? 0) }.map(\.cellId)
        let survivors = Set(history.survivors)
        let labels = CompactLabels(analysis.cells.map(\.cell.knobs))
        let left = 20 + 7 * (rows.map { labelOf($0, labels).count }.max() ?? 20), top = 60, cellW = 130, rowH = 24
        let width = max(700, left + cellW * decisions + 180), height = top + rowH * rows.count + 50
        var svg = SVG.open("search", width: width, height: height,
                           title: "\(history.strategy == .ramp ? "Ramp, then halving" : "Successive halving"): each live cell's median MB/s (the search's objective) at each decision; \(history.pruned.count) pruned before any trial")
        for rung in 1...decisions {
            let rounds = measured.first { $0.rung == rung }?.rounds ?? 0
            svg += "<text x=\"\(left + (rung - 1) * cellW + cellW / 2)\" y=\"\(top - 8)\" text-anchor=\"middle\">decision \(rung) (\(rounds) rd)</text>"
        }
        for (r, cellId) in rows.enumerated() {
            let y = top + r * rowH
            svg += "<text x=\"\(left - 8)\" y=\"\(y + rowH / 2 + 4)\" text-anchor=\"end\">\(SVG.escape(labelOf(cellId, labels)))</text>"
            for verdict in measured where verdict.cellId == cellId {
                let x = left + (verdict.rung - 1) * cellW
                let color = verdict.verdict == .dropped ? Self.dropped : survivors.contains(cellId) && verdict.rung == history.decisions ? Self.chosen : Self.kept
                let median = verdict.median.map(SVG.number) ?? "–"
                let interval = verdict.low.flatMap { low in verdict.high.map { "\(SVG.number(low))–\(SVG.number($0))" } } ?? ""
                svg += "<rect class=\"mark\" x=\"\(x + 1)\" y=\"\(y + 1)\" width=\"\(cellW - 2)\" height=\"\(rowH - 2)\" fill=\"\(color)\">"
                    + "<title>\(SVG.escape("cell \(cellId) at decision \(verdict.rung): \(verdict.verdict.rawValue) — \(verdict.reason)"))</title></rect>"
                svg += "<text x=\"\(x + cellW / 2)\" y=\"\(y + rowH / 2 + 4)\" text-anchor=\"middle\" fill=\"#fff\">\(median)\(interval.isEmpty ? "" : " (\(interval))")</text>"
            }
        }
        svg += SVG.legend([("kept", Self.kept), ("dropped", Self.dropped), ("the search's choice", Self.chosen)],
                          x: left + cellW * decisions + 20, y: top)
        return svg + "</svg>"
    }

    /// "cell 7 part=5MiB par=4 ★": only the knobs that vary, the search's choice starred.
    private func labelOf(_ cellId: Int64, _ labels: CompactLabels) -> String {
        let knobs = analysis.cells.first { $0.cell.id == cellId }?.cell.knobs
        return "cell \(cellId) \(knobs.map(labels.label) ?? "?")" + (history.survivors.contains(cellId) ? " ★" : "")
    }
}
