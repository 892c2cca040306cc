import Runner
import Analysis
import ArgumentParser
import Foundation
import Results

struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two runs cell by cell; exit 1 when the candidate regressed.",
        discussion: """
        Runs are RUN_ID (in --db) or FILE.sqlite:RUN_ID. Cells match by their knob values; each direction \
        is tested with a one-sided Mann-Whitney U test. Exit status: 0 no regression, 1 a cell regressed, 2 bad input.
        """)

    @Argument(help: "The baseline run: RUN_ID or FILE.sqlite:RUN_ID.")
    var baseline: String

    @Argument(help: "The candidate run: RUN_ID or FILE.sqlite:RUN_ID.")
    var candidate: String

    @Option(name: .long, help: "The database for runs given by id alone.")
    var db = "reports/scoretune.sqlite"

    @Option(name: .long, help: "Slowdown that counts as a regression, e.g. 10%.")
    var threshold = "10%"

    @Option(name: .long, help: "Also write JUnit XML here.")
    var junit: String?

    func run() async throws {
        let fraction = try parsePercent(threshold)
        let base = try await load(baseline)
        let cand = try await load(candidate)
        let comparison = Comparison.make(baseline: base, candidate: cand, threshold: fraction)
        print(comparison.table)
        if let junit {
            do { try comparison.junit.write(toFile: junit, atomically: true, encoding: .utf8) } catch {
                throw CommandFailure(message: "--junit \(junit): cannot be written (\(error.localizedDescription))")
            }
        }
        if comparison.rows.isEmpty { Console.error("scoretune: no cells matched between the two runs\n") }
        throw ExitCode(comparison.regressed ? 1 : 0)
    }

    func parsePercent(_ text: String) throws -> Double {
        let number = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard let value = Double(number), value >= 0, value < 100 else {
            throw CommandFailure(message: "--threshold '\(text)' is not a percentage (e.g. 10%)")
        }
        return value / 100
    }

    func load(_ reference: String) async throws -> RunAnalysis {
        var path = db
        var idText = reference
        if let colon = reference.lastIndex(of: ":") {
            path = String(reference[..<colon])
            idText = String(reference[reference.index(after: colon)...])
        }
        guard let id = Int64(idText) else { throw CommandFailure(message: "'\(reference)': expected RUN_ID or FILE.sqlite:RUN_ID") }
        return try await loadAnalysis(try openResults(path), id)
    }
}
