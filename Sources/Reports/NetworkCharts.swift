import Analysis
import Model

/// The charts of one played network (or of a direct run): throughput by the knobs, scalability
/// over clients, each trial over time, request latency and where request time goes.
struct NetworkCharts {
    let analysis: RunAnalysis
    let network: String?
    /// The recommended cell on this network, outlined on every chart that shows cells.
    var chosen: Recommendation.Choice? = nil

    var html: String {
        var body = "<section class=\"network\" data-network=\"\(SVG.escape(network ?? ""))\">"
        if let history = SearchHistory(analysis) {
            body += "<h3>Search</h3>" + SearchChart(analysis: analysis, history: history).html
        }
        body += "<h3>Upload throughput</h3>" + uploadHeatmap()
        body += "<h3>Download throughput</h3>" + downloadBars()
        if ThroughputAxis.of(analysis.cells.map(\.cell)) == .aggregate {
            body += "<h3>Scalability over concurrent transfers</h3>" + scalability(.upload) + scalability(.download)
        }
        body += "<h3>Throughput over the run</h3>" + timeSeries(.upload) + timeSeries(.download)
        body += "<h3>Request latency by kind</h3>" + latencyChart()
        body += "<h3>Where the time goes</h3>" + breakdownChart()
        return body + "</section>"
    }

    /// The recommended cell's statistics, when it is on this network.
    private var chosenCell: CellStatistics? { chosen.flatMap { choice in analysis.cells.first { $0.cell.id == choice.cellId } } }

    /// " on network wan" in a title; nothing for a direct run.
    private var onNetwork: String { network.map { " on network \($0)" } ?? "" }

    /// Best upload median for each (part size, parallel), over the other knobs.
    /// On Azure the rows are the client's block size: uploads do not use UPLOAD_PARTSIZE there.
    private func uploadHeatmap() -> String {
        let rowOf = { (s: CellStatistics) in s.cell.knobs.blockSize ?? s.cell.knobs.uploadPartSize }
        let parts = Array(Set(analysis.cells.map(rowOf))).sorted()
        let parallels = Array(Set(analysis.cells.map(\.cell.knobs.parallel))).sorted()
        // Each slot shows its best cell over the other knobs, with that cell's interval.
        let best = parts.map { part in
            parallels.map { parallel in
                analysis.cells.filter { rowOf($0) == part && $0.cell.knobs.parallel == parallel && $0.upload != nil }.max { $0.upload!.median < $1.upload!.median }
            }
        }
        let slot = chosenCell.flatMap { cell in parts.firstIndex(of: rowOf(cell)).flatMap { r in parallels.firstIndex(of: cell.cell.knobs.parallel).map { (row: r, column: $0) } } }
        let knob = analysis.isAzure ? "block size (the client's azure.blockSize; Azure uploads ignore UPLOAD_PARTSIZE)" : "UPLOAD_PARTSIZE"
        return SVG.heatmap(name: "upload-heatmap", title: "Upload MB/s: \(knob) × parallel\(onNetwork) (best over other knobs)",
                           rows: parts.map(Units.formatSize), columns: parallels.map { "\($0)" },
                           rowTitle: analysis.isAzure ? "block size" : "part size", columnTitle: "parallel",
                           values: best.map { $0.map { $0?.upload?.median } }, intervals: best.map { $0.map { $0?.upload.map { ($0.low, $0.high) } } },
                           chosen: slot, chosenLabel: chosenCaption(shown: slot.flatMap { best[$0.row][$0.column] }))
    }

    private func downloadBars() -> String {
        // Score mode downloads with the upload layout: its "download part size" is the part size.
        let sizeOf = { (s: CellStatistics) in s.cell.knobs.downloadPartSize ?? s.cell.knobs.uploadPartSize }
        let sizes = Array(Set(analysis.cells.map(sizeOf))).sorted()
        let best = sizes.map { size in analysis.cells.filter { sizeOf($0) == size && $0.download != nil }.max { $0.download!.median < $1.download!.median } }
        let values = best.map { $0?.download?.median }
        let chosenBar = chosenCell.flatMap { sizes.firstIndex(of: sizeOf($0)) }
        let title = analysis.isAzure ? "Download MB/s by range size (UPLOAD_PARTSIZE on Azure)"
            : analysis.run.mode == .score ? "Download MB/s by part size (Score downloads with the upload layout)"
            : "Download MB/s by DOWNLOAD_PARTSIZE (best over other knobs)"
        return SVG.bars(name: "download-bars", title: title + onNetwork, labels: sizes.map(Units.formatSize),
                        series: [("download", SVG.download, values)], intervals: best.map { $0?.download.map { ($0.low, $0.high) } },
                        chosen: chosenBar, chosenLabel: chosenCaption(shown: chosenBar.flatMap { best[$0] }),
                        xTitle: analysis.isAzure ? "range size" : "part size; each bar: its best cell; whiskers: that cell's interval; outlined: the recommended cell",
                        unit: "MB/s")
    }

    /// Aggregate MB/s of each client level, with the USL curve fitted through them.
    private func scalability(_ direction: Direction) -> String {
        guard let series = try? ScalabilitySeries(analysis, direction: direction) else { return "" }
        let color = direction == .upload ? SVG.upload : SVG.download
        let fit = series.model.map { m in String(format: " — USL λ %.1f, σ %.4f, κ %.5f", m.lambda, m.sigma, m.kappa) } ?? " — fewer than 3 client levels: no USL fit"
        return SVG.curve(name: "scalability-\(direction.rawValue)",
                         title: "Aggregate \(direction.rawValue) MB/s by clients\(onNetwork)\(fit)",
                         points: series.points.map { (Double($0.clients), $0.throughput) }, color: color,
                         model: series.model.map { m in { m.throughput($0) } }, xTitle: "concurrent transfers (clients), \(series.fixed)", unit: "MB/s")
    }

    /// The outline's tooltip: the recommended cell lies in this slot; when another cell of the slot
    /// made the figure shown, it says which.
    private func chosenCaption(shown: CellStatistics?) -> String {
        guard let chosen else { return "" }
        guard let shown, shown.cell.id != chosen.cellId else { return "recommended: \(chosen.label)" }
        return "recommended: \(chosen.label), in this slot; the figure shown is cell \(shown.cell.id)'s, the best of the slot"
    }

    /// One chart per direction; each cell its own colour (by id), the recommended cell's trials ringed.
    private func timeSeries(_ direction: Direction) -> String {
        let ids = analysis.cells.map(\.cell.id).sorted()
        func color(_ cellId: Int64) -> String { SVG.palette[(ids.firstIndex(of: cellId) ?? 0) % SVG.palette.count] }
        let points = analysis.timeline(direction).map { t -> (x: Double, y: Double, color: String, chosen: Bool) in
            (t.seconds, t.mbps, t.succeeded ? color(t.cellId) : SVG.failure, t.cellId == chosen?.cellId)
        }
        var series = ids.prefix(SVG.palette.count).map { ("cell \($0)" + ($0 == chosen?.cellId ? " (recommended)" : ""), color($0)) }
        if ids.count > SVG.palette.count { series.append(("… \(ids.count - SVG.palette.count) more (colours repeat)", "#fff")) }
        series.append(("failed", SVG.failure))
        return SVG.scatter(name: "time-series-\(direction.rawValue)", title: "Each measured \(direction.rawValue)\(onNetwork): MB/s against time (ringed: the recommended cell)",
                           points: points, series: series, xTitle: "seconds since the first trial", unit: "MB/s")
    }

    private func latencyChart() -> String {
        let kinds = analysis.latenciesByPartSize
        return SVG.stacked(name: "latency", title: "Request time percentiles (p50, p95, p99) by kind and part size\(onNetwork), milliseconds",
                           labels: kinds.map { "\($0.label) (\($0.count))" },
                           segments: [("p50", "#4c78a8"), ("p50→p95", "#9ecae9"), ("p95→p99", "#d6e9f8")],
                           values: kinds.map { [$0.p50 * 1000, ($0.p95 - $0.p50) * 1000, ($0.p99 - $0.p95) * 1000] }, unit: "ms")
    }

    /// Means, not medians: the four spans' means add up to the mean request time.
    private func breakdownChart() -> String {
        let kinds = analysis.latencies
        return SVG.stacked(name: "breakdown", title: "Mean request time\(onNetwork): connect + send + wait for the answer + receive, milliseconds",
                           labels: kinds.map { "\($0.label) (\(Int(($0.reusedShare * 100).rounded()))% reused)" },
                           segments: [("connect", "#e45756"), ("send", "#72b7b2"), ("wait", "#f2cf5b"), ("receive", "#54a24b")],
                           values: kinds.map { k in [k.breakdown.connect, k.breakdown.send, k.breakdown.wait, k.breakdown.receive].map { $0 * 1000 } },
                           unit: "ms")
    }
}
