import Analysis
import ArgumentParser
import Foundation
import Reports

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a run's reports: self-contained HTML (inline SVG), a Markdown summary, and the per-cell table as CSV.",
        discussion: "Without --html/--md/--csv it writes reports/run-<id>.html and reports/run-<id>.md.")

    @OptionGroup var selection: RunSelection

    @Option(name: .long, help: "Write the HTML report here.")
    var html: String?

    @Option(name: .long, help: "Write the Markdown summary here.")
    var md: String?

    @Option(name: .long, help: "Write the per-cell table as CSV here.")
    var csv: String?

    @Option(name: .long, help: "The recommendation's objective: upload, download or both.")
    var objective: RecommendOptions.Objective = .upload

    func run() async throws {
        let analysis = try await selection.analysis()
        let networks = analysis.networks
        let recommendations = networks.map { network in
            (network: networks.count > 1 ? network : nil,
             result: Result { try Recommendation.make(networks.count > 1 ? analysis.restricted(toNetwork: network) : analysis,
                                                      options: RecommendOptions(objective: objective)) })
        }
        var targets: [(String, String)] = []
        let defaults = html == nil && md == nil && csv == nil
        if let path = html ?? (defaults ? "reports/run-\(analysis.run.id).html" : nil) {
            targets.append((path, HTMLReport(analysis: analysis, recommendations: recommendations).html))
        }
        if let path = md ?? (defaults ? "reports/run-\(analysis.run.id).md" : nil) {
            targets.append((path, MarkdownReport(analysis: analysis, recommendations: recommendations).markdown))
        }
        if let csv { targets.append((csv, CellTable(analysis: analysis).csv)) }
        for (path, text) in targets {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure(message: "\(path): cannot be written (\(error.localizedDescription))")
            }
            print("wrote \(path)")
        }
    }
}
