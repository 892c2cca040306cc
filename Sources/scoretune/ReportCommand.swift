import Analysis
import ArgumentParser
import Foundation
import Reports

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a run's reports: self-contained HTML (inline SVG), a Markdown summary, and the per-cell table as CSV.",
        discussion: """
        Without --html/--md/--csv it writes <database>-run-<id>.html and .md beside the database (for the default \
        reports/scoretune.sqlite: reports/scoretune-run-<id>.html). Exit status: 0 written, 2 bad input or a file \
        that cannot be written.
        """)

    @OptionGroup var selection: RunSelection

    @Option(name: .long, help: "Write the HTML report here.")
    var html: String?

    @Option(name: .long, help: "Write the Markdown summary here.")
    var md: String?

    @Option(name: .long, help: "Write the per-cell table as CSV here.")
    var csv: String?

    @Option(name: .long, help: "The recommendation's objective: upload, download, both or aggregate (default: aggregate for a merged run, else upload).")
    var objective: RecommendOptions.Objective?

    @Flag(name: .long, help: "Print the files written as JSON.")
    var json = false

    struct Written: Encodable {
        var runId: Int64
        var files: [String]
    }

    /// `reports/scoretune.sqlite`, run 3 → `reports/scoretune-run-3.<suffix>`: beside the database, named by both.
    static func defaultPath(database: String, runId: Int64, suffix: String) -> String {
        let url = URL(fileURLWithPath: database)
        let stem = url.deletingPathExtension().lastPathComponent
        let folder = (database as NSString).deletingLastPathComponent
        return (folder.isEmpty ? "" : folder + "/") + "\(stem)-run-\(runId).\(suffix)"
    }

    func run() async throws {
        let analysis = try await selection.analysis()
        let networks = analysis.networks
        var options = RecommendOptions(objective: try Recommend.checkedObjective(objective, analysis))
        options.current = try Recommend.currentSettings(analysis.run.envPath, given: false)
        options.readPlayedPaths(of: analysis.run)
        let recommendations = networks.map { network in
            (network: networks.count > 1 ? network : nil,
             result: Result { try Recommendation.make(networks.count > 1 ? analysis.restricted(toNetwork: network) : analysis,
                                                      options: options) })
        }
        var targets: [(String, String)] = []
        let defaults = html == nil && md == nil && csv == nil
        let db = selection.database.db
        if let path = html ?? (defaults ? Self.defaultPath(database: db, runId: analysis.run.id, suffix: "html") : nil) {
            targets.append((path, HTMLReport(analysis: analysis, recommendations: recommendations).html))
        }
        if let path = md ?? (defaults ? Self.defaultPath(database: db, runId: analysis.run.id, suffix: "md") : nil) {
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
            if !json { print("wrote \(path)") }
        }
        if json { try JSONOutput.print(Written(runId: analysis.run.id, files: targets.map(\.0))) }
    }
}
