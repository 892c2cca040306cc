import Foundation
import GRDB
import TestSupport
import XCTest

/// Two runs that create one new results database at the same moment: the schema is written once
/// (under the folder's lock), one run goes on, the other is refused with exit 3 naming the holder
/// — never `duplicate column name` or `database is locked` (issue #26, item 2: 4 of 11 tries).
final class ConcurrentRunTests: XCTestCase {
    func testTwoRunsCreatingOneDatabaseAtOnceGiveOneRunAndOneRefusal() throws {
        for attempt in 0..<5 {
            let run = try TemporaryRun(.seaweedfs, """
                mode: score
                objects: {sizes: [32MiB], count: 2, seed: \(attempt + 20)}
                grid: {UPLOAD_PARTSIZE: 20MiB, parallel: 1}
                repetitions: 3
                warmup: 0
                """)
            addTeardownBlock { run.remove() }
            let processes = try (0..<2).map { _ in try ScoretuneBinary.start(["run", run.scenario, "--db", run.database, "--quiet"]) }
            var ends: [(code: Int32, err: String)] = []
            for process in processes {
                process.waitUntilExit()
                ends.append((process.terminationStatus, String(decoding: (process.standardError as! Pipe).fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)))
            }
            XCTAssertEqual(ends.map(\.code).sorted(), [0, 3], "try \(attempt): \(ends.map(\.err))")
            if let refused = ends.first(where: { $0.code == 3 }) {
                XCTAssertTrue(refused.err.contains("in use by") && refused.err.contains("pid "), "try \(attempt): \(refused.err)")
                XCTAssertEqual(refused.err.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count, 1, refused.err)
            }
            XCTAssertEqual(try run.strings("SELECT status FROM runs"), ["completed"], "try \(attempt)")
        }
    }
}
