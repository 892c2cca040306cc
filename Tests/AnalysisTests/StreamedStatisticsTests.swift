@testable import Analysis
import Foundation
import GRDB
import Model
import Results
import TestSupport
import XCTest

/// The streamed statistics against the exact ones on a real run (#25): a run on the local
/// SeaweedFS, its requests digested in one pass and stored, then every latency percentile a report
/// shows compared with the same percentile of the attempts themselves. Log-linear buckets of 1/128
/// of a power of two, each standing for its values' mean, keep every one within 1%.
final class StreamedStatisticsTests: XCTestCase {
    static let yaml = """
        mode: multipart
        objects: {sizes: [24MiB], count: 4, seed: 25}
        grid: {UPLOAD_PARTSIZE: [5MiB, 8MiB], DOWNLOAD_PARTSIZE: 4MiB, parallel: 4}
        repetitions: 3
        warmup: 0
        """

    func testPercentilesFromTheDigestsAreWithinOnePercentOfTheExactOnes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-streamed-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("results.sqlite").path
        let runId = try await ClassRun.make(folder: folder, database: path, yaml: Self.yaml, store: .seaweedfs)
        let database = try ResultsDatabase(path: path)
        let analysis = try await RunAnalysis.load(database: database, runId: runId)
        let trials = try await database.trials(run: runId)
        let attempts = try await database.attempts(run: runId)
        XCTAssertEqual(analysis.counts.requests, attempts.count)

        // The exact figures, from every attempt of the measured trials, by request kind and part size.
        let partSize = Dictionary(uniqueKeysWithValues: trials.filter { !$0.warmup }.map { ($0.id, $0.partSize) })
        let measured = attempts.filter { $0.trialId.map { partSize[$0] != nil } ?? false }
        var worst = 0.0
        var compared = 0
        for latency in analysis.latenciesByPartSize {
            let rows = measured.filter { row in
                RequestKind(phase: row.phase, operation: row.operation) == latency.kind
                    && (latency.partSize == nil || partSize[row.trialId!] == latency.partSize)
            }
            XCTAssertEqual(rows.count, latency.count, latency.label)
            let pairs: [(String, Double, Double?)] = [
                ("p50", latency.p50, Percentile.of(rows.map(\.total), 50)), ("p95", latency.p95, Percentile.of(rows.map(\.total), 95)),
                ("p99", latency.p99, Percentile.of(rows.map(\.total), 99)),
                ("first byte p50", latency.firstByteP50, Percentile.of(rows.map(\.firstByte), 50)),
                ("first byte p95", latency.firstByteP95, Percentile.of(rows.map(\.firstByte), 95)),
                ("connect p50", latency.connectP50, Percentile.of(rows.map(\.connect), 50)),
            ]
            for (name, streamed, exact) in pairs {
                let exact = try XCTUnwrap(exact)
                let error = exact == 0 ? abs(streamed) : abs(streamed - exact) / exact
                XCTAssertLessThanOrEqual(error, 0.01, "\(latency.label) \(name): streamed \(streamed), exact \(exact)")
                worst = max(worst, error)
                compared += 1
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 6 * 4, "part PUTs of two sizes, ranged GETs, and the multipart calls")
        print("streamed percentiles: \(compared) compared, largest relative error \(String(format: "%.4f%%", worst * 100))")

        // The digests were stored with the finished run: read again, they are the same.
        let stored = try await database.snapshot(run: runId, digestTrials: { _, _ in 0 })
        XCTAssertEqual(stored?.snapshot.requests.total.attempts, Int64(attempts.count))
        let count = try await GRDB.DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM run_digests WHERE run_id = ?", arguments: [runId]) }
        XCTAssertEqual(count, 1, "digested once, at the run's end")
    }

    /// Stored digests are trusted only while they are the run's current ones: a run that went on
    /// (a resume: another finish time) or digests that cannot be read are digested again.
    func testStaleOrUnreadableDigestsAreMadeAgain() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-stale-\(UUID().uuidString.prefix(8))")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("results.sqlite").path
        let runId = try await ClassRun.make(folder: folder, database: path, yaml: """
            mode: multipart
            objects: {sizes: [8MiB], count: 2, seed: 3}
            grid: {UPLOAD_PARTSIZE: 5MiB, parallel: 2}
            repetitions: 2
            warmup: 0
            """)
        let queue = try DatabaseQueue(path: path)
        func stamp() async throws -> String? {
            try await queue.read { try String.fetchOne($0, sql: "SELECT stamp FROM run_digests WHERE run_id = ?", arguments: [runId]) }
        }
        let first = try await stamp()
        XCTAssertNotNil(first, "digested at the run's end")
        let attempts = try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM attempts") } ?? 0
        try await queue.write { db in
            try db.execute(sql: "UPDATE runs SET finished_at = finished_at + 60 WHERE id = ?", arguments: [runId])
            try db.execute(sql: "UPDATE request_digests SET digest = 'not a digest'")
        }
        try queue.close()
        let database = try ResultsDatabase(path: path, access: .read)
        let snapshot = try await database.snapshot(run: runId, digestTrials: { _, _ in 0 })
        XCTAssertEqual(snapshot?.snapshot.requests.total.attempts, Int64(attempts), "made again from the attempts")
        try database.close()
        let again = try await DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "SELECT stamp FROM run_digests WHERE run_id = ?", arguments: [runId]) }
        XCTAssertNotEqual(again, first, "stored again with the run's new state")
        let readable = try await DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM request_digests WHERE digest = 'not a digest'") }
        XCTAssertEqual(readable, 0)
    }
}
