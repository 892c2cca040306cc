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
        let cautions = analysis.measurementCautions
        if !cautions.isEmpty {
            body += "<h2>Cautions</h2><ul class=\"cautions\">" + cautions.map { "<li>\(SVG.escape($0))</li>" }.joined() + "</ul>"
        }
        for (network, recommendation) in recommendations {
            body += "<h2>Recommendation\(network.map { " for network \(SVG.escape($0))" } ?? "")</h2>"
            switch recommendation {
            case .success(let r): body += "<pre class=\"recommendation\">\(SVG.escape(r.envFragment))</pre>"
            case .failure(let error): body += "<p>No recommendation: \(SVG.escape("\(error)"))</p>"
            }
        }
        // One network at a time: a chart never mixes figures played through different networks.
        for network in analysis.networks {
            let part = analysis.networks.count > 1 ? analysis.restricted(toNetwork: network) : analysis
            if let network { body += "<h2 class=\"network\">Network \(SVG.escape(network))</h2>" }
            body += NetworkCharts(analysis: part, network: network).html
        }
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
