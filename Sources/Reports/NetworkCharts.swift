import Analysis
import Model

/// The charts of one played network (or of a direct run): throughput by the knobs, scalability
/// over clients, each trial over time, request latency and where request time goes.
struct NetworkCharts {
    let analysis: RunAnalysis
    let network: String?

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
        body += "<h3>Throughput over the run</h3>" + timeSeries()
        body += "<h3>Request latency by kind</h3>" + latencyChart()
        body += "<h3>Where the time goes</h3>" + breakdownChart()
        return body + "</section>"
    }

    /// " on network wan" in a title; nothing for a direct run.
    private var onNetwork: String { network.map { " on network \($0)" } ?? "" }

    /// Best upload median for each (part size, parallel), over the other knobs.
    /// On Azure the rows are the client's block size: uploads do not use UPLOAD_PARTSIZE there.
    private func uploadHeatmap() -> String {
        let rowOf = { (s: CellStatistics) in s.cell.knobs.blockSize ?? s.cell.knobs.uploadPartSize }
        let parts = Array(Set(analysis.cells.map(rowOf))).sorted()
        let parallels = Array(Set(analysis.cells.map(\.cell.knobs.parallel))).sorted()
        let values = parts.map { part in
            parallels.map { parallel in
                analysis.cells.filter { rowOf($0) == part && $0.cell.knobs.parallel == parallel }.compactMap { $0.upload?.median }.max()
            }
        }
        let knob = analysis.isAzure ? "block size (the client's azure.blockSize; Azure uploads ignore UPLOAD_PARTSIZE)" : "UPLOAD_PARTSIZE"
        return SVG.heatmap(name: "upload-heatmap", title: "Upload MB/s: \(knob) × parallel\(onNetwork) (best over other knobs)",
                           rows: parts.map(Units.formatSize), columns: parallels.map { "\($0)" },
                           rowTitle: analysis.isAzure ? "block size" : "part size", columnTitle: "parallel", values: values)
    }

    private func downloadBars() -> String {
        // Score mode downloads with the upload layout: its "download part size" is the part size.
        let sizeOf = { (s: CellStatistics) in s.cell.knobs.downloadPartSize ?? s.cell.knobs.uploadPartSize }
        let sizes = Array(Set(analysis.cells.map(sizeOf))).sorted()
        let values = sizes.map { size in analysis.cells.filter { sizeOf($0) == size }.compactMap { $0.download?.median }.max() }
        let title = analysis.isAzure ? "Download MB/s by range size (UPLOAD_PARTSIZE on Azure)"
            : analysis.run.mode == .score ? "Download MB/s by part size (Score downloads with the upload layout)"
            : "Download MB/s by DOWNLOAD_PARTSIZE (best over other knobs)"
        return SVG.bars(name: "download-bars", title: title + onNetwork, labels: sizes.map(Units.formatSize),
                        series: [("download", SVG.download, values)], unit: "MB/s")
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

    private func timeSeries() -> String {
        let start = analysis.trials.map(\.startedAt).min() ?? analysis.run.startedAt
        let measured = analysis.trials.filter { !$0.warmup }
        let points = measured.map { t -> (x: Double, y: Double, color: String) in
            let rate = t.succeeded && t.duration > 0 ? Double(t.objectSize) / t.duration / 1e6 : 0
            return (t.startedAt - start, rate, !t.succeeded ? SVG.failure : t.direction == .upload ? SVG.upload : SVG.download)
        }
        return SVG.scatter(name: "time-series", title: "Each measured trial\(onNetwork): MB/s against time",
                           points: points, series: [("upload", SVG.upload), ("download", SVG.download), ("failed", SVG.failure)],
                           xTitle: "seconds since the first trial", unit: "MB/s")
    }

    private func latencyChart() -> String {
        let kinds = analysis.latencies
        return SVG.stacked(name: "latency", title: "Request time percentiles (p50, p95, p99) by kind\(onNetwork), milliseconds",
                           labels: kinds.map { "\($0.kind) (\($0.count))" },
                           segments: [("p50", "#4c78a8"), ("p50→p95", "#9ecae9"), ("p95→p99", "#d6e9f8")],
                           values: kinds.map { [$0.p50 * 1000, ($0.p95 - $0.p50) * 1000, ($0.p99 - $0.p95) * 1000] }, unit: "ms")
    }

    /// Means, not medians: the four spans' means add up to the mean request time.
    private func breakdownChart() -> String {
        let kinds = analysis.latencies
        return SVG.stacked(name: "breakdown", title: "Mean request time\(onNetwork): connect + send + wait for the answer + receive, milliseconds",
                           labels: kinds.map { "\($0.kind) (\(Int(($0.reusedShare * 100).rounded()))% reused)" },
                           segments: [("connect", "#e45756"), ("send", "#72b7b2"), ("wait", "#f2cf5b"), ("receive", "#54a24b")],
                           values: kinds.map { k in [k.breakdown.connect, k.breakdown.send, k.breakdown.wait, k.breakdown.receive].map { $0 * 1000 } },
                           unit: "ms")
    }
}
