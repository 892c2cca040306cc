import Analysis
import Foundation
import Results
import Runner
import TestSupport
import Workload
import XCTest

/// A small run (on the memory store, in this process: the client's load is what is measured)
/// beside CPU burners this test starts (and stops by pid) is flagged as measuring a saturated
/// client; the same run without them is not.
final class ClientSaturationRunTests: XCTestCase {
    func run(_ name: String) async throws -> RunAnalysis {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("results.sqlite").path
        let runId = try await ClassRun.make(folder: folder, database: db, yaml: """
            mode: multipart
            objects: {sizes: [16MiB], count: 2, seed: 5}
            grid: {UPLOAD_PARTSIZE: [8MiB, 16MiB], parallel: 2}
            repetitions: 3
            warmup: 0
            """)
        let database = try ResultsDatabase(path: db, access: .read)
        defer { try? database.close() }
        return try await RunAnalysis.load(database: database, runId: runId)
    }

    /// Busy loops, two per core, each its own process, stopped by SIGKILL (a signal the test
    /// process may block is inherited blocked). Each loop is bounded — some 100 s of CPU — so it
    /// ends by itself should this test die before it stops them.
    func startBurners() throws -> [Process] {
        try (0..<(2 * ProcessInfo.processInfo.activeProcessorCount)).map { _ in
            let burner = Process()
            burner.executableURL = URL(fileURLWithPath: "/bin/sh")
            burner.arguments = ["-c", "i=0; while [ $i -lt 60000000 ]; do i=$((i+1)); done"]
            try burner.run()
            return burner
        }
    }

    func testABurnedClientIsFlaggedAndAQuietOneIsNot() async throws {
        // The measure is host-wide: on a host already full (another build) a quiet run is not quiet.
        let before = ClientLoad.sample()
        try await Task.sleep(for: .seconds(1))
        let idle = ClientLoad.between(before, ClientLoad.sample())
        let hostIsQuiet = !((idle.hostCPU ?? 0) >= ClientSaturation.busyHost && (idle.runnablePerCore ?? 0) > ClientSaturation.queuedPerCore)
        let quiet = try await run("quiet")
        XCTAssertTrue(quiet.cells.allSatisfy { $0.client != nil }, "every cell recorded the client's load")
        if hostIsQuiet {
            XCTAssertEqual(quiet.cells.filter { $0.client?.saturated == true }.count, 0,
                           "quiet: \(quiet.cells.map { $0.client.map(\.description) ?? "-" })")
            XCTAssertFalse(quiet.measurementCautions.contains { $0.kind == .clientSaturated })
        }

        let burners = try startBurners()
        defer { for burner in burners { kill(burner.processIdentifier, SIGKILL); burner.waitUntilExit() } }
        try await Task.sleep(for: .milliseconds(500))
        let burned = try await run("burned")
        XCTAssertEqual(burned.cells.filter { $0.client?.saturated == true }.count, burned.cells.count,
                       "burned: \(burned.cells.map { $0.client.map(\.description) ?? "-" })")
        XCTAssertTrue(burned.measurementCautions.contains { $0.kind == .clientSaturated }, "\(burned.measurementCautions)")
    }
}
