import Runner
import Analysis
import ArgumentParser
import Foundation
import Results

struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two runs cell by cell; exit 1 when the candidate regressed.",
        discussion: """
        Runs are RUN_ID (in --db) or FILE.sqlite:RUN_ID. Cells match by their knob values (and across one \
        played network each, by all knobs but the network). Each direction gets a verdict from one-sided \
        Mann-Whitney U tests: regressed, improved, unchanged (within the threshold, shown by the samples) or \
        inconclusive (with the trials a side that would settle it). A different store, endpoint, scenario \
        text, scoretune version, mode or played network is stated at the top; --strict makes it an error. \
        Exit status: 0 no regression, 1 a cell regressed, 2 bad input, no cell in common, or (--strict) the runs differ.
        """)

    @Argument(help: "The baseline run: RUN_ID or FILE.sqlite:RUN_ID.")
    var baseline: String

    @Argument(help: "The candidate run: RUN_ID or FILE.sqlite:RUN_ID.")
    var candidate: String

    @Option(name: .long, help: "The database for runs given by id alone.")
    var db = "reports/scoretune.sqlite"

    @Option(name: .long, help: "Change that counts as a regression or an improvement: 10% or 0.1.")
    var threshold = "10%"

    @Flag(name: .long, help: "Refuse to compare runs of a different store, endpoint, scenario, version, mode or network (exit 2).")
    var strict = false

    @Option(name: .long, help: "Also write JUnit XML here.")
    var junit: String?

    @Flag(name: .long, help: "Print the comparison as JSON (the exit status is the same).")
    var json = false

    /// What `compare --json` prints.
    struct Compared: Encodable {
        var baseline: String
        var candidate: String
        var regressed: Bool
        var comparison: Comparison
    }

    func run() async throws {
        let fraction = try parsePercent(threshold)
        let base = try await load(baseline)
        let cand = try await load(candidate)
        let comparison: Comparison
        do { comparison = try Comparison.make(baseline: base, candidate: cand, threshold: fraction) } catch let error as Comparison.NothingInCommon {
            throw CommandFailure(message: error.description)
        }
        if strict, !comparison.differences.isEmpty {
            throw CommandFailure(message: "--strict: " + comparison.differences.map(\.description).joined(separator: "; "))
        }
        // The JUnit file first: a failure to write it is the command's answer, not a comparison printed before it.
        if let junit {
            do { try comparison.junit.write(toFile: junit, atomically: true, encoding: .utf8) } catch {
                throw CommandFailure(message: "--junit \(junit): cannot be written (\(error.localizedDescription))")
            }
        }
        if json {
            try JSONOutput.print(Compared(baseline: baseline, candidate: candidate, regressed: comparison.regressed, comparison: comparison))
        } else {
            print(comparison.table)
        }
        throw ExitCode(comparison.regressed ? 1 : 0)
    }

    /// "10%" is ten percent; a bare number is a fraction when at most 1 ("0.1"), else percent ("10").
    func parsePercent(_ text: String) throws -> Double {
        let percent = text.hasSuffix("%")
        let number = percent ? String(text.dropLast()) : text
        guard let value = Double(number), value.isFinite, value > 0 else {
            throw CommandFailure(message: "--threshold '\(text)' is not a positive percentage (e.g. 10% or 0.1)")
        }
        let fraction = percent || value > 1 ? value / 100 : value
        guard fraction < 1 else { throw CommandFailure(message: "--threshold '\(text)' must be under 100%") }
        return fraction
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
