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
        var body = "<h1>scoretune report: run \(run.id) (\(SVG.escape(Self.oneLine(run.scenarioName))))</h1>"
        // The decision first: what to set, why, and what may make it mean less.
        for (network, recommendation) in recommendations {
            body += DecisionBlock(network: network, recommendation: recommendation, runStatus: run.status).html
        }
        body += facts()
        let cautions = analysis.measurementCautions
        if !cautions.isEmpty {
            body += "<h2>Cautions</h2><ul class=\"cautions\">" + cautions.map { "<li class=\"\($0.severity.rawValue)\" data-kind=\"\($0.kind.rawValue)\">\(SVG.escape($0.text))</li>" }.joined() + "</ul>"
        }
        // One network at a time: a chart never mixes figures played through different networks.
        for network in analysis.networks {
            let part = analysis.networks.count > 1 ? analysis.restricted(toNetwork: network) : analysis
            if let network { body += "<h2 class=\"network\">Network \(SVG.escape(network))</h2>" }
            if let fleet = part.fleet { body += FleetSection(analysis: part, fleet: fleet, chosen: chosen(on: network)).html }
            body += NetworkCharts(analysis: part, network: network, chosen: chosen(on: network)).html
        }
        body += "<h2>Failures</h2>" + failuresTable()
        body += "<h2>Cells</h2>" + cellTable()
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>scoretune run \(run.id)</title>
        <style>
        body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1352px; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
        td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        th { background: #f0f0f0; }
        tr.chosen td { background: #fde0ef; font-weight: bold; }
        pre { background: #f6f8fa; padding: 10px; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
        svg.chart { display: block; margin: 8px 0 20px; max-width: 100%; height: auto; }
        .wide { overflow-x: auto; max-width: 100%; }
        section.decision { border: 2px solid #e7298a; border-radius: 6px; padding: 4px 16px 12px; margin: 12px 0 24px; }
        pre.settings { font-size: 15px; background: #fff8fb; border: 1px solid #f3b6d3; }
        .badge { display: inline-block; padding: 2px 8px; margin: 0 6px 4px 0; border-radius: 10px; font-size: 12px; background: #e8e8e8; }
        .setting.kept { color: #777; font-style: italic; } .setting.modelled { color: #6a3d9a; }
        .basis { font-size: 12px; padding: 0 4px; border-radius: 6px; } .basis.kept { background: #e8e8e8; color: #555; } .basis.modelled { background: #ece0f7; color: #6a3d9a; }
        .badge.ok { background: #d9f2dd; } .badge.warn { background: #ffe8b3; } .badge.bad { background: #ffd0d0; }
        p.reason { max-width: 90ch; line-height: 1.4; }
        @media print { body { margin: 0; max-width: none; } .wide { overflow: visible; } details { display: block; } }
        </style></head>
        <body>
        \(body)
        </body></html>

        """
    }

    /// The recommended cell on `network` (nil: the run's only one).
    private func chosen(on network: String?) -> Recommendation.Choice? {
        let entry = recommendations.first { $0.network == network } ?? (recommendations.count == 1 ? recommendations.first : nil)
        return entry.flatMap { try? $0.result.get().chosen }
    }

    /// A scenario name is the user's text: one line, whatever it holds.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 }.prefix(120))
    }

    private func facts() -> String {
        let run = analysis.run
        let counts = analysis.counts
        let formatter = ISO8601DateFormatter()
        let rows: [(String, String)] = [
            ("scenario", "\(run.scenarioName) (\(run.scenarioPath))"), ("mode", run.mode.rawValue),
            ("store", run.backendEndpoint + (run.backendServer.map { " — \($0)" } ?? "")),
            ("started", formatter.string(from: Date(timeIntervalSince1970: run.startedAt))),
            ("finished", run.finishedAt.map { formatter.string(from: Date(timeIntervalSince1970: $0)) } ?? "–"),
            ("status", run.status.rawValue), ("cells", "\(counts.cellsDone) of \(counts.cells) done"),
            ("trials", "\(counts.measuredTrials) measured, \(counts.warmupTrials) warm-up"),
            ("HTTP requests", "\(counts.requests)"),
            ("tool", "scoretune \(run.toolVersion) on \(run.host)"), ("config hash", run.configHash),
        ] + (analysis.isAzure ? [("profile", AzureWording.profileNote)] : [])
        return "<table class=\"facts\">" + rows.map { "<tr><th>\($0.0)</th><td>\(SVG.escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    private func failuresTable() -> String {
        let failures = analysis.failures
        guard !failures.isEmpty else {
            return "<p class=\"failures\">No measured trial failed (\(analysis.counts.failedRequests) request attempt(s) failed and were retried).</p>"
        }
        return "<div class=\"wide\"><table class=\"failures\"><tr><th>cell</th><th>direction</th><th>error class</th><th>trials</th><th>example</th></tr>"
            + failures.map { "<tr><td>\(SVG.escape($0.cell.knobs.label))</td><td>\($0.direction)</td><td>\($0.errorClass?.rawValue ?? "unknown")</td><td>\($0.count)</td><td>\(SVG.escape(String($0.example.prefix(200))))</td></tr>" }.joined()
            + "</table></div>"
    }

    /// The cells for people: sizes in human units, the recommended rows marked, ids as the
    /// recommendation, Markdown and the terminal name them.
    private func cellTable() -> String {
        let chosenIds = Set(recommendations.compactMap { try? $0.result.get().chosen.cellId })
        func mbps(_ t: ThroughputStatistics?) -> String { t.map { "\(SVG.number($0.median)) (\(SVG.number($0.low))–\(SVG.number($0.high)))" } ?? "–" }
        let header = ["cell", "network", "part size", "download part", "parallel", "clients", "retry limit", "connect", "stall",
                      "upload MB/s (interval)", "download MB/s (interval)", "trials", "failed", "retries", "client memory"]
        let rows = analysis.cells.sorted { $0.cell.id < $1.cell.id }.map { s -> (Int64, [String]) in
            let k = s.knobs
            return (s.cell.id, ["\(s.cell.id)" + (chosenIds.contains(s.cell.id) ? " ★" : ""), k.network ?? "direct",
                                k.blockSize.map { "block \(Units.humanSize($0)), range \(Units.humanSize(k.uploadPartSize))" } ?? Units.humanSize(k.uploadPartSize),
                                k.downloadPartSize.map(Units.humanSize) ?? "as upload", "\(k.parallel)", "\(k.clients)", "\(k.retryLimit)",
                                Units.formatDuration(k.connectTimeoutMilliseconds), Units.formatDuration(k.stallTimeoutMilliseconds),
                                mbps(s.upload), mbps(s.download), "\(s.trials)", "\(s.failedTrials)", "\(s.retries)", Units.humanSize(s.clientMemory)])
        }
        let numeric: Set<Int> = [4, 5, 6, 9, 10, 11, 12, 13, 14]
        return "<div class=\"wide\"><table class=\"cells\"><tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr>"
            + rows.map { id, cells in
                "<tr data-cell=\"\(id)\"\(chosenIds.contains(id) ? " class=\"chosen\"" : "")>"
                    + cells.enumerated().map { "<td\(numeric.contains($0.offset) ? " class=\"number\"" : "")>\(SVG.escape($0.element))</td>" }.joined() + "</tr>"
            }.joined() + "</table></div><p>★ the recommended cell; the CSV (report --csv) has every figure in bytes and milliseconds.</p>"
    }
}
