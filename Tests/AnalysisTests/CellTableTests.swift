@testable import Analysis
import Model
import Reports
import Results
import XCTest

/// The CSV export names every knob from the knob table: a workers sweep's cells, and an Azure
/// run's block sizes, are told apart (they used to share every column).
final class CellTableTests: XCTestCase {
    func analysis(_ knobs: [Knobs]) -> RunAnalysis {
        var run = RunRow(scenarioName: "csv", scenarioPath: "csv.yaml", scenarioText: "t", envPath: "/nonexistent/.env.score",
                         mode: .score, toolVersion: "test", host: "h", backendEndpoint: "http://127.0.0.1:1", backendServer: nil,
                         configHash: "x", orderSeed: 1, startedAt: 0, status: .completed, trialOrder: .interleaved)
        run.id = 1
        let cells = knobs.enumerated().map { index, knobs -> CellRow in
            var cell = CellRow(runId: 1, position: index, knobs: knobs, status: .done)
            cell.id = Int64(index + 1)
            return cell
        }
        return RunAnalysis(run: run, cells: cells, trials: [], attempts: [])
    }

    static let base = Knobs(uploadPartSize: 20 << 20, downloadPartSize: nil, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                            stallTimeoutMilliseconds: 60_000, parallel: 4, clients: 1)

    /// The knob columns of each row, without the cell id and position.
    func knobColumns(_ table: CellTable) -> [[String]] {
        let columns = Knob.allCases.map(\.column)
        let indices = columns.map { table.header.firstIndex(of: $0)! }
        return table.rows.map { row in indices.map { row[$0] } }
    }

    func testAWorkersSweepsCellsAreToldApart() throws {
        let cells = [1, 2, 4].map { workers -> Knobs in
            var knobs = Self.base
            knobs.workers = workers
            return knobs
        }
        let table = CellTable(analysis: analysis(cells))
        XCTAssertTrue(table.header.contains("workers"))
        let knobs = knobColumns(table)
        XCTAssertEqual(Set(knobs).count, 3, "\(knobs)")
        XCTAssertEqual(table.rows.map { $0[table.header.firstIndex(of: "workers")!] }, ["1", "2", "4"])
    }

    func testAnAzureRunsBlockSizesAreToldApart() throws {
        let cells = [8 << 20, 32 << 20].map { block -> Knobs in
            var knobs = Self.base
            knobs.blockSize = Int64(block)
            return knobs
        }
        let table = CellTable(analysis: analysis(cells))
        XCTAssertEqual(table.rows.map { $0[table.header.firstIndex(of: "block_size")!] }, ["\(8 << 20)", "\(32 << 20)"])
        XCTAssertEqual(Set(knobColumns(table)).count, 2)
        // One header name per column, every row as wide as the header.
        XCTAssertEqual(Set(table.header).count, table.header.count)
        XCTAssertTrue(table.rows.allSatisfy { $0.count == table.header.count })
    }

    func testEveryKnobOfEveryCellIsInItsRow() throws {
        var knobs = Self.base
        (knobs.network, knobs.blockSize, knobs.downloadPartSize, knobs.connections, knobs.workers) = ("wan", 8 << 20, 4 << 20, .perObject, 3)
        let table = CellTable(analysis: analysis([knobs]))
        let row = Dictionary(uniqueKeysWithValues: zip(table.header, table.rows[0]))
        XCTAssertEqual(row["network"], "wan")
        XCTAssertEqual(row["block_size"], "\(8 << 20)")
        XCTAssertEqual(row["upload_part_size"], "\(20 << 20)")
        XCTAssertEqual(row["download_part_size"], "\(4 << 20)")
        XCTAssertEqual(row["connect_timeout_ms"], "15000")
        XCTAssertEqual(row["connections"], "per-object")
        XCTAssertEqual(row["workers"], "3")
    }
}
