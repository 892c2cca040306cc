import Model
import Analysis
import ArgumentParser
import Foundation
import Results

struct Runs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the runs in a results database.")

    @OptionGroup var database: DatabaseOption
    var db: String { database.db }

    func run() async throws {
        let database = try openResults(db)
        let runs = try await database.runs()
        guard !runs.isEmpty else { return print("\(db): no runs yet") }
        let formatter = ISO8601DateFormatter()
        let live = try await database.liveLease()
        print(["id", "scenario", "mode", "backend", "started (UTC)", "status", "cells", "best up MB/s", "best down MB/s"].joined(separator: "\t"))
        for run in runs {
            let analysis = try await RunAnalysis.load(database: database, runId: run.id)
            let done = analysis.cells.filter { $0.cell.status == .done }.count
            let up = analysis.cells.compactMap { $0.upload?.median }.max().map { String(format: "%.1f", $0) } ?? "–"
            let down = analysis.cells.compactMap { $0.download?.median }.max().map { String(format: "%.1f", $0) } ?? "–"
            print([String(run.id), run.scenarioName, run.mode.rawValue, run.backendServer ?? run.backendEndpoint,
                   formatter.string(from: Date(timeIntervalSince1970: run.startedAt)),
                   // A run marked running whose owner is gone (kill -9) is not running.
                   run.status == .running && live?.runId != run.id ? "interrupted (owner gone)" : run.status.rawValue,
                   "\(done)/\(analysis.cells.count)", up, down].joined(separator: "\t"))
        }
    }
}
