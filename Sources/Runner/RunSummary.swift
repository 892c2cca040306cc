import Foundation
import GRDB
import Results
import Scenario

/// The end-of-run table: per cell, the median payload throughput of its measured (not warm-up)
/// trials in each direction, and its failures. The full statistics are `recommend`'s business.
public struct RunSummary: Sendable, Encodable {
    public struct CellStats: Sendable, Encodable {
        public var cell: CellRow
        public var uploadMBps: Double?
        public var downloadMBps: Double?
        public var trials: Int
        public var failed: Int
        public var retries: Int

        public var label: String {
            Knobs(uploadPartSize: cell.uploadPartSize, downloadPartSize: cell.downloadPartSize, retryLimit: cell.retryLimit,
                  connectTimeoutMilliseconds: cell.connectTimeoutMs, stallTimeoutMilliseconds: cell.stallTimeoutMs,
                  parallel: cell.parallel, clients: cell.clients).label
        }

        public var line: String {
            let up = uploadMBps.map { String(format: "%.1f", $0) } ?? "–"
            let down = downloadMBps.map { String(format: "%.1f", $0) } ?? "–"
            return "\(label): upload \(up) MB/s, download \(down) MB/s, \(trials) trials, \(failed) failed, \(retries) retries"
        }

        enum CodingKeys: String, CodingKey { case cellId, position, label, uploadMBps, downloadMBps, trials, failed, retries }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(cell.id, forKey: .cellId)
            try c.encode(cell.position, forKey: .position)
            try c.encode(label, forKey: .label)
            try c.encodeIfPresent(uploadMBps, forKey: .uploadMBps)
            try c.encodeIfPresent(downloadMBps, forKey: .downloadMBps)
            try c.encode(trials, forKey: .trials)
            try c.encode(failed, forKey: .failed)
            try c.encode(retries, forKey: .retries)
        }
    }

    public var cells: [CellStats]

    public var bestUpload: CellStats? { cells.filter { $0.uploadMBps != nil }.max { $0.uploadMBps! < $1.uploadMBps! } }
    public var bestDownload: CellStats? { cells.filter { $0.downloadMBps != nil }.max { $0.downloadMBps! < $1.downloadMBps! } }

    public static func load(database: ResultsDatabase, runId: Int64) async throws -> RunSummary {
        let cells = try await database.cells(run: runId)
        let rows = try await database.query("""
            SELECT cell_id, direction, object_size, duration, outcome, retries FROM trials WHERE run_id = ? AND warmup = 0
            """, [runId])
        var stats: [CellStats] = []
        for cell in cells {
            let mine = rows.filter { Int64.fromDatabaseValue($0["cell_id"]!) == cell.id }
            func median(_ direction: String) -> Double? {
                let rates = mine.filter { String.fromDatabaseValue($0["direction"]!) == direction && String.fromDatabaseValue($0["outcome"]!) == "ok" }
                    .map { Double(Int64.fromDatabaseValue($0["object_size"]!) ?? 0) / max(1e-9, Double.fromDatabaseValue($0["duration"]!) ?? 0) / 1e6 }
                    .sorted()
                guard !rates.isEmpty else { return nil }
                return rates.count % 2 == 1 ? rates[rates.count / 2] : (rates[rates.count / 2 - 1] + rates[rates.count / 2]) / 2
            }
            let failed = mine.filter { String.fromDatabaseValue($0["outcome"]!) != "ok" }.count
            let retries = mine.map { Int.fromDatabaseValue($0["retries"]!) ?? 0 }.reduce(0, +)
            stats.append(CellStats(cell: cell, uploadMBps: median("upload"), downloadMBps: median("download"),
                                   trials: mine.count, failed: failed, retries: retries))
        }
        return RunSummary(cells: stats)
    }
}
