import Analysis
import Foundation
import Model

/// A short summary for a pull request or a ticket.
public struct MarkdownReport {
    let analysis: RunAnalysis
    let recommendations: [(network: String?, result: Result<Recommendation, Error>)]

    public init(analysis: RunAnalysis, recommendations: [(network: String?, result: Result<Recommendation, Error>)]) {
        self.analysis = analysis
        self.recommendations = recommendations
    }

    public var markdown: String {
        let run = analysis.run
        let counts = analysis.counts
        // The scenario's name is the user's text: one line, with no HTML a Markdown viewer would run.
        let name = HTMLReport.oneLine(run.scenarioName).replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        var lines = ["# scoretune run \(run.id): \(name)", "",
                     "- store: \(run.backendEndpoint)\(run.backendServer.map { " (\($0))" } ?? "")",
                     "- mode: \(run.mode.rawValue), status: \(run.status.rawValue), cells: \(counts.cellsDone)/\(counts.cells)",
                     ] + (analysis.isAzure ? ["- profile: \(AzureWording.profileNote)"] : []) + [
                     "- measured trials: \(counts.measuredTrials), failed: \(counts.failedTrials), HTTP requests: \(counts.requests)",
                     ""]
        for (network, recommendation) in recommendations {
            lines += ["## Recommendation\(network.map { " for network \($0)" } ?? "")", ""]
            switch recommendation {
            case .success(let r): lines += ["```sh", r.envFragment.trimmingCharacters(in: .newlines), "```", ""]
            case .failure(let error): lines += ["No recommendation: \(error)", ""]
            }
        }
        for network in analysis.fleet == nil ? [] : analysis.networks {
            let part = analysis.networks.count > 1 ? analysis.restricted(toNetwork: network) : analysis
            let chosen = recommendations.first { $0.network == network }.flatMap { try? $0.result.get().chosen }
            if let fleet = part.fleet {
                lines += FleetSection(analysis: part, fleet: fleet, chosen: chosen).markdown(network: network)
            }
        }
        lines += ["", "## Best cells", "", "| cell | upload MB/s (interval) | download MB/s (interval) | failed |", "|---|---|---|---|"]
        func cell(_ t: ThroughputStatistics?) -> String {
            t.map { String(format: "%.1f (%@ %.1f–%.1f)", $0.median, $0.intervalName, $0.low, $0.high) } ?? "–"
        }
        for s in analysis.cells.sorted(by: { ($0.upload?.median ?? 0) > ($1.upload?.median ?? 0) }).prefix(10) {
            lines.append("| \(s.cell.id): \(s.knobs.label) | \(cell(s.upload)) | \(cell(s.download)) | \(s.failedTrials) |")
        }
        let failures = analysis.failures
        if !failures.isEmpty {
            lines += ["", "## Failures", "", "| cell | direction | class | trials |", "|---|---|---|---|"]
            for f in failures { lines.append("| \(f.cell.knobs.label) | \(f.direction) | \(f.errorClass?.rawValue ?? "unknown") | \(f.count) |") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
