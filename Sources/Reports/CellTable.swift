import Analysis
import Model

/// The per-cell table shared by the CSV export, the HTML and the Markdown reports.
public struct CellTable {
    /// The cell, then every knob's column (from the knob table: a new knob gets its column here
    /// by itself), then the figures.
    public let header = ["cell", "position"] + Knob.allCases.map(\.column) + ["up_median_mbps", "up_ci_low", "up_ci_high", "up_p5", "up_p95", "up_cv",
                         "down_median_mbps", "down_ci_low", "down_ci_high", "down_p5", "down_p95", "down_cv", "trials", "failed",
                         "retries", "requests_per_upload", "client_memory_bytes", "new_connections_per_trial"]
    public let rows: [[String]]

    public init(analysis: RunAnalysis) {
        func f(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "" }
        rows = analysis.cells.map { s in
            let c = s.cell
            return ["\(c.id)", "\(c.position)"] + Knob.allCases.map { $0.value(in: c.knobs)?.raw ?? "" } + [
                    f(s.upload?.median), f(s.upload?.low), f(s.upload?.high), f(s.upload?.p5), f(s.upload?.p95), f(s.upload?.cv),
                    f(s.download?.median), f(s.download?.low), f(s.download?.high), f(s.download?.p5), f(s.download?.p95), f(s.download?.cv),
                    "\(s.trials)", "\(s.failedTrials)", "\(s.retries)", String(format: "%.1f", s.requestsPerObject), "\(s.clientMemory)",
                    f(s.newConnectionsPerTrial.values.max())]
        }
    }

    public var csv: String {
        func quote(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        return ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
