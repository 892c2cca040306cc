import Analysis
import Foundation
import Results
import Model

/// The run as one self-contained HTML file: facts, the recommendation, and inline SVG charts.
public struct HTMLReport {
    let analysis: RunAnalysis
    /// One recommendation per network profile the run used (one entry, nil, for a direct run).
    let recommendations: [(network: String?, result: Result<Recommendation, Error>)]

    public init(analysis: RunAnalysis, recommendations: [(network: String?, result: Result<Recommendation, Error>)]) {
        self.analysis = analysis
        self.recommendations = recommendations
    }

    public var html: String {
        let run = analysis.run
        var body = "<h1>scoretune report: run \(run.id) (\(SVG.escape(run.scenarioName)))</h1>"
        body += facts()
        for (network, recommendation) in recommendations {
            body += "<h2>Recommendation\(network.map { " for network \(SVG.escape($0))" } ?? "")</h2>"
            switch recommendation {
            case .success(let r): body += "<pre class=\"recommendation\">\(SVG.escape(r.envFragment))</pre>"
            case .failure(let error): body += "<p>No recommendation: \(SVG.escape("\(error)"))</p>"
            }
        }
        body += "<h2>Upload throughput</h2>"
        for network in analysis.networks {
            body += uploadHeatmap(analysis.networks.count > 1 ? analysis.restricted(toNetwork: network) : analysis, network: network)
        }
        body += "<h2>Download throughput</h2>" + downloadBars()
        body += "<h2>Throughput over the run</h2>" + timeSeries()
        body += "<h2>Request latency by kind</h2>" + latencyChart()
        body += "<h2>Where the time goes: connect, first byte, transfer</h2>" + breakdownChart()
        body += "<h2>Failures</h2>" + failuresTable()
        body += "<h2>Cells</h2>" + cellTable()
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>scoretune run \(run.id)</title>
        <style>
        body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1200px; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
        td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
        th { background: #f0f0f0; }
        pre { background: #f6f8fa; padding: 10px; font-size: 12px; white-space: pre-wrap; }
        svg.chart { display: block; margin: 8px 0 20px; }
        </style></head>
        <body>
        \(body)
        </body></html>

        """
    }

    private func facts() -> String {
        let run = analysis.run
        let formatter = ISO8601DateFormatter()
        let rows: [(String, String)] = [
            ("scenario", "\(run.scenarioName) (\(run.scenarioPath))"), ("mode", run.mode.rawValue),
            ("store", run.backendEndpoint + (run.backendServer.map { " — \($0)" } ?? "")),
            ("started", formatter.string(from: Date(timeIntervalSince1970: run.startedAt))),
            ("finished", run.finishedAt.map { formatter.string(from: Date(timeIntervalSince1970: $0)) } ?? "–"),
            ("status", run.status.rawValue), ("cells", "\(analysis.cells.filter { $0.cell.status == .done }.count) of \(analysis.cells.count) done"),
            ("trials", "\(analysis.trials.filter { !$0.warmup }.count) measured, \(analysis.trials.filter(\.warmup).count) warm-up"),
            ("HTTP requests", "\(analysis.attempts.count)"),
            ("tool", "scoretune \(run.toolVersion) on \(run.host)"), ("config hash", run.configHash),
        ] + (analysis.isAzure ? [("profile", AzureWording.profileNote)] : [])
        return "<table class=\"facts\">" + rows.map { "<tr><th>\($0.0)</th><td>\(SVG.escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    /// Best upload median for each (part size, parallel), over the other knobs.
    /// On Azure the rows are the client's block size: uploads do not use UPLOAD_PARTSIZE there.
    private func uploadHeatmap(_ analysis: RunAnalysis, network: String?) -> String {
        let rowOf = { (s: CellStatistics) in s.cell.knobs.blockSize ?? s.cell.knobs.uploadPartSize }
        let parts = Array(Set(analysis.cells.map(rowOf))).sorted()
        let parallels = Array(Set(analysis.cells.map(\.cell.knobs.parallel))).sorted()
        let values = parts.map { part in
            parallels.map { parallel in
                analysis.cells.filter { rowOf($0) == part && $0.cell.knobs.parallel == parallel }.compactMap { $0.upload?.median }.max()
            }
        }
        let knob = analysis.isAzure ? "block size (the client's azure.blockSize; Azure uploads ignore UPLOAD_PARTSIZE)" : "UPLOAD_PARTSIZE"
        return SVG.heatmap(name: "upload-heatmap", title: "Upload MB/s: \(knob) × parallel" + (network.map { " on network \($0)" } ?? "") + " (best over other knobs)",
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
        return SVG.bars(name: "download-bars", title: title, labels: sizes.map(Units.formatSize),
                        series: [("download", SVG.download, values)], unit: "MB/s")
    }

    private func timeSeries() -> String {
        let start = analysis.run.startedAt
        let measured = analysis.trials.filter { !$0.warmup }
        let points = measured.map { t -> (x: Double, y: Double, color: String) in
            let rate = t.succeeded && t.duration > 0 ? Double(t.objectSize) / t.duration / 1e6 : 0
            return (t.startedAt - start, rate, !t.succeeded ? SVG.failure : t.direction == .upload ? SVG.upload : SVG.download)
        }
        return SVG.scatter(name: "time-series", title: "Each measured trial: MB/s against time since the run started",
                           points: points, series: [("upload", SVG.upload), ("download", SVG.download), ("failed", SVG.failure)],
                           xTitle: "seconds since start", unit: "MB/s")
    }

    private func latencyChart() -> String {
        let kinds = analysis.latencies
        return SVG.stacked(name: "latency", title: "Request time percentiles (p50, p95, p99) by kind, milliseconds",
                           labels: kinds.map { "\($0.kind) (\($0.count))" },
                           segments: [("p50", "#4c78a8"), ("p50→p95", "#9ecae9"), ("p95→p99", "#d6e9f8")],
                           values: kinds.map { [$0.p50 * 1000, ($0.p95 - $0.p50) * 1000, ($0.p99 - $0.p95) * 1000] }, unit: "ms")
    }

    private func breakdownChart() -> String {
        let kinds = analysis.latencies
        return SVG.stacked(name: "breakdown", title: "Median connect, wait for first byte, and transfer, milliseconds",
                           labels: kinds.map { "\($0.kind) (\(Int(($0.reusedShare * 100).rounded()))% reused)" },
                           segments: [("connect", "#e45756"), ("to first byte", "#f2cf5b"), ("transfer", "#54a24b")],
                           values: kinds.map { k in
                               let firstByte = max(0, k.firstByteP50 - k.connectP50)
                               return [k.connectP50 * 1000, firstByte * 1000, max(0, k.p50 - k.firstByteP50) * 1000]
                           }, unit: "ms")
    }

    private func failuresTable() -> String {
        let failures = analysis.failures
        guard !failures.isEmpty else {
            let failedAttempts = analysis.attempts.filter { $0.errorClass != nil }.count
            return "<p class=\"failures\">No measured trial failed (\(failedAttempts) request attempt(s) failed and were retried).</p>"
        }
        return "<table class=\"failures\"><tr><th>cell</th><th>direction</th><th>error class</th><th>trials</th><th>example</th></tr>"
            + failures.map { "<tr><td>\(SVG.escape($0.cell.knobs.label))</td><td>\($0.direction)</td><td>\($0.errorClass)</td><td>\($0.count)</td><td>\(SVG.escape(String($0.example.prefix(200))))</td></tr>" }.joined()
            + "</table>"
    }

    private func cellTable() -> String {
        let rows = CellTable(analysis: analysis)
        return "<table class=\"cells\"><tr>" + rows.header.map { "<th>\($0)</th>" }.joined() + "</tr>"
            + rows.rows.map { "<tr>" + $0.map { "<td>\(SVG.escape($0))</td>" }.joined() + "</tr>" }.joined() + "</table>"
    }
}
