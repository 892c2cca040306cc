import Analysis
import ArgumentParser
import Foundation
import Model
import Scenario

struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Project capacity from a run that sweeps clients: a Universal Scalability Law fit, and whether a dataset moves in a window.",
        discussion: """
        Ship-ready sweep: scenarios/capacity.yaml. Projections beyond the measured concurrency are marked as extrapolations. \
        Exit status: 0 planned (feasible or not: the answer says which), 1 no successful trials, 2 bad input or a run that does not sweep clients.
        """)

    @OptionGroup var selection: RunSelection

    @Option(name: .long, help: "How much data must move, e.g. 50TB.")
    var dataset: String

    @Option(name: .long, help: "In how long, e.g. 48h, 2d or 2d00h.")
    var window: String

    @Option(name: .customLong("object-size"), help: "The typical object size of the dataset, e.g. 5GiB.")
    var objectSize: String?

    @Option(name: .long, help: "upload or download.")
    var direction: Direction = .upload

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func run() async throws {
        guard case .success(let bytes) = Units.parseSize(dataset), bytes > 0 else { throw CommandFailure(message: "--dataset '\(dataset)' is not a size (e.g. 50TB)") }
        guard case .success(let ms) = Units.parseSpan(window), ms > 0 else { throw CommandFailure(message: "--window '\(window)' is not a span of time (e.g. 48h, 2d or 2d00h)") }
        var size: Int64?
        if let objectSize {
            guard case .success(let value) = Units.parseSize(objectSize), value > 0 else { throw CommandFailure(message: "--object-size '\(objectSize)' is not a size") }
            size = value
        }
        let analysis = try await selection.analysis()
        let plan: CapacityPlan
        do {
            plan = try CapacityPlan.make(analysis, direction: direction, datasetBytes: bytes, windowSeconds: Double(ms) / 1000, objectSize: size)
        } catch let error as CapacityPlan.NeedsClientsSweep {
            throw CommandFailure(message: error.description)
        } catch let error as AnalysisError {
            throw CommandFailure(message: error.description, code: 1)
        }
        if json { try JSONOutput.print(plan) } else { plan.lines.forEach { print($0) } }
    }
}

extension Direction: ExpressibleByArgument {}
