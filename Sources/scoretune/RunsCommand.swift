import Model
import Analysis
import ArgumentParser
import Foundation
import Results

struct Runs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs in a results database.",
        discussion: "Exit status: 0 listed (an empty database lists nothing), 2 no such database.")

    @OptionGroup var database: DatabaseOption
    var db: String { database.db }

    @Flag(name: .long, help: "Print the runs as JSON.")
    var json = false

    /// One row of `runs`, and one element of `runs --json`'s `runs`.
    struct Listed: Encodable {
        var id: Int64
        var scenario: String
        var mode: String
        var endpoint: String
        /// The store's Server header, when it sent one.
        var server: String?
        var startedAt: String
        /// As recorded, except a run marked running whose owner is gone: `interrupted`, with `ownerGone`.
        var status: String
        var ownerGone: Bool
        var cellsDone: Int
        var cells: Int
        var bestUploadMBps: Double?
        var bestDownloadMBps: Double?
    }

    struct Listing: Encodable {
        var database: String
        var runs: [Listed]
    }

    func run() async throws {
        let database = try openResults(db)
        let runs = try await database.runs()
        let formatter = ISO8601DateFormatter()
        let live = try await database.liveLease()
        var listed: [Listed] = []
        for run in runs {
            let analysis = try await RunAnalysis.load(database: database, runId: run.id)
            // A run marked running whose owner is gone (kill -9) is not running.
            let ownerGone = run.status == .running && live?.runId != run.id
            listed.append(Listed(id: run.id, scenario: run.scenarioName, mode: run.mode.rawValue, endpoint: run.backendEndpoint,
                                 server: run.backendServer, startedAt: formatter.string(from: Date(timeIntervalSince1970: run.startedAt)),
                                 status: ownerGone ? RunStatus.interrupted.rawValue : run.status.rawValue, ownerGone: ownerGone,
                                 cellsDone: analysis.cells.filter { $0.cell.status == .done }.count, cells: analysis.cells.count,
                                 bestUploadMBps: analysis.cells.compactMap { $0.upload?.median }.max(),
                                 bestDownloadMBps: analysis.cells.compactMap { $0.download?.median }.max()))
        }
        if json { return try JSONOutput.print(Listing(database: db, runs: listed)) }
        guard !listed.isEmpty else { return print("\(db): no runs yet") }
        let mbps = Units.formatMBps
        let rows = listed.map { run in
            [String(run.id), String(run.scenario.prefix(40)), run.mode, String(run.endpoint.prefix(40)), String(run.startedAt.prefix(19)).replacingOccurrences(of: "T", with: " "),
             run.ownerGone ? "interrupted (owner gone)" : run.status, "\(run.cellsDone)/\(run.cells)", mbps(run.bestUploadMBps), mbps(run.bestDownloadMBps)]
        }
        print(TextTable(header: ["id", "scenario", "mode", "endpoint", "started (UTC)", "status", "cells", "best up MB/s", "best down MB/s"],
                        rows: rows, rightAligned: [0, 6, 7, 8]).text)
    }
}
