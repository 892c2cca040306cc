import Analysis
import ArgumentParser
import Foundation

/// `scoretune network --from-run N`: the path a run measured, as a network profile the fault proxy
/// plays (a scenario's `networks:` entry, or `scoretune proxy --profile`).
struct Network: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the network profile a run measured: round trip, rate, fault rates and stall lengths, replayable.",
        discussion: """
        Measure the path first with a soak (scenarios/soak.yaml: one cell, bounded by time and bytes, a long stall \
        timeout so stalls are seen whole). Each fault rate comes with its 95% interval as a comment. --stress K \
        multiplies every fault rate by K (at most 1): a harsher copy of the path, to size for margin. \
        Exit status: 0 written, 2 bad input.
        """)

    @Option(name: .customLong("from-run"), help: "The run that measured the path.")
    var runId: Int64

    @OptionGroup var database: DatabaseOption

    @Option(name: .long, help: "Only the cells of this network profile (needed when the run used several).")
    var network: String?

    @Option(name: .long, help: "Multiply every fault rate by this (1 to 1000).")
    var stress: Double = 1

    @Option(name: .shortAndLong, help: "Write the profile here (default: standard output).")
    var output: String?

    func run() async throws {
        guard stress.isFinite, (1...1000).contains(stress) else { throw CommandFailure(message: "--stress \(stress) must be from 1 to 1000") }
        let analysis = try restrict(try await loadAnalysis(try database.open(), runId), to: network)
        var options = RecommendOptions()
        options.readPlayedPaths(of: analysis.run)
        let path = PathFaults.of(analysis, network: analysis.networks.first ?? nil, options: options)
        guard path.attempts > 0 else { throw CommandFailure(message: "run \(runId) recorded no transfer to measure a path from") }
        let text = MeasuredNetwork(path, runId: runId, mode: analysis.run.mode).yaml(stress: stress)
        if let output {
            do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                throw CommandFailure(message: "--output \(output): cannot be written (\(error.localizedDescription))")
            }
        } else {
            print(text, terminator: "")
        }
    }
}
