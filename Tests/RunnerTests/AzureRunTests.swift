import Foundation
import GRDB
import ObjectStore
import TestSupport
import Transport
import XCTest

/// What an Azure account holds where scoretune may write: every blob of the object container,
/// those with only staged blocks included. Equal before and after: nothing left, nothing touched.
struct AzureSnapshot: Equatable {
    var blobs: Set<String>

    static func take(transport: any HTTPTransport) async throws -> AzureSnapshot {
        let (azure, settings) = try LocalBackend.azureClient(transport: transport)
        return AzureSnapshot(blobs: Set(try await azure.listBlobs(container: settings.objectBucket, uncommitted: true).map(\.name)))
    }

    func difference(from before: AzureSnapshot) -> String {
        "added: \(blobs.subtracting(before.blobs).sorted()); removed: \(before.blobs.subtracting(blobs).sorted())"
    }
}

/// `scoretune run` on the Azure profile, against the loopback Azure test server: Score's Azure path
/// request by request, a recommendation for Azure, and nothing left behind even after kill -9.
final class AzureRunTests: XCTestCase {
    let transport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    func testGridOfBlockSizesAndRangesFollowsScoresAzurePath() async throws {
        let run = try TemporaryRun(.azure, """
            mode: score
            objects: {sizes: [40MiB, 3MiB], count: 2, seed: 21}
            grid: {block_size: [1MiB, 4MiB], UPLOAD_PARTSIZE: [8MiB], parallel: [3]}
            repetitions: 2
            warmup: 0
            """)
        addTeardownBlock { run.remove() }
        let before = try await AzureSnapshot.take(transport: transport)
        let result = try ScoretuneBinary.run(["run", run.scenario, "--db", run.database, "--quiet"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.out.contains("completed, 2/2 cells"), result.out)
        XCTAssertEqual(try run.count("SELECT count(*) FROM trials WHERE outcome = 'ok'"), 2 * 2 * 2 * 2)

        // Per upload: one existence check (a 404 is its answer, not a failure), then for the 40 MiB
        // object a block per block size and one block list, for the 3 MiB one a single Put Blob
        // (the SDK's 32 MiB threshold); per download: the properties, then ranges of exactly
        // UPLOAD_PARTSIZE. Two repetitions of each.
        for (block, blocks) in [(1 << 20, 40), (4 << 20, 10)] {
            let cell = try run.count("SELECT id FROM cells WHERE block_size = ?", [block])
            func count(_ operation: String) throws -> Int {
                try run.count("SELECT count(*) FROM attempts WHERE cell_id = ? AND operation = ?", [cell, operation])
            }
            XCTAssertEqual(try count("PutBlock"), 2 * blocks, "block size \(block)")
            XCTAssertEqual(try count("PutBlockList"), 2)
            XCTAssertEqual(try count("PutBlob"), 2)
            XCTAssertEqual(try count("BlobExists"), 2 * 2)
            XCTAssertEqual(try count("GetBlob"), 2 * (5 + 1), "ranges of 8 MiB whatever the block size")
        }
        XCTAssertEqual(try run.count("SELECT count(*) FROM attempts WHERE error_class IS NOT NULL"), 0)
        XCTAssertEqual(try run.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
        let after = try await AzureSnapshot.take(transport: transport)
        XCTAssertEqual(after, before, after.difference(from: before))

        let recommend = try ScoretuneBinary.run(["recommend", "--db", run.database])
        XCTAssertEqual(recommend.status, 0, recommend.err)
        XCTAssertTrue(recommend.out.contains("UPLOAD_PARTSIZE=8388608"), recommend.out)
        XCTAssertTrue(recommend.out.contains("azure.blockSize="), recommend.out)
        XCTAssertTrue(recommend.out.contains("download range size"), recommend.out)
        XCTAssertFalse(recommend.out.contains("\nUPLOAD_RETRY_LIMIT="), "S3-only settings stay out of an Azure fragment")

        let report = try ScoretuneBinary.run(["report", "--db", run.database, "--md", run.folder.appendingPathComponent("r.md").path,
                                              "--html", run.folder.appendingPathComponent("r.html").path])
        XCTAssertEqual(report.status, 0, report.err)
        let markdown = try String(contentsOf: run.folder.appendingPathComponent("r.md"), encoding: .utf8)
        XCTAssertTrue(markdown.contains("block= is the client's azure.blockSize"), markdown)
        let html = try String(contentsOf: run.folder.appendingPathComponent("r.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("Azure uploads ignore UPLOAD_PARTSIZE"))
    }

    // Refused before any request: an Azure .env.score whose endpoint nothing listens at is enough.
    func testMultipartModeIsRefusedOnAzure() throws {
        let run = try TemporaryRun(env: { try MemoryAzureBackend().writeEnv(in: $0) }, "mode: multipart\nobjects: {sizes: [1MiB], count: 1}\n")
        addTeardownBlock { run.remove() }
        let result = try ScoretuneBinary.run(["run", run.scenario, "--db", run.database])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("on the Azure profile use mode: score"), result.err)
    }

    func testTooManyBlocksIsABadScenario() throws {
        let run = try TemporaryRun(env: { try MemoryAzureBackend().writeEnv(in: $0) }, "objects: {sizes: [4GiB], count: 1}\ngrid: {block_size: [64KiB]}\n")
        addTeardownBlock { run.remove() }
        let result = try ScoretuneBinary.run(["run", run.scenario, "--db", run.database])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.contains("Azure allows 50,000"), result.err)
    }

    func testAfterKill9CleanRemovesStagedBlocksToo() async throws {
        let run = try TemporaryRun(.azure, """
            mode: score
            objects: {sizes: [200MiB], count: 2, seed: 22}
            grid: {block_size: [1MiB], parallel: [1], UPLOAD_PARTSIZE: [8MiB]}
            network: {bandwidth_per_connection: 40MB/s}
            repetitions: 2
            warmup: 0
            """)
        addTeardownBlock { run.remove() }
        let before = try await AzureSnapshot.take(transport: transport)
        let process = try ScoretuneBinary.start(["run", run.scenario, "--db", run.database])
        // Bounded wait until blocks are being staged: a blob in the ledger with PutBlock attempts.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && process.isRunning {
            if FileManager.default.fileExists(atPath: run.database),
               (try? run.count("SELECT count(*) FROM created WHERE removed_at IS NULL")) ?? 0 >= 1,
               (try? run.count("SELECT count(*) FROM attempts WHERE operation = 'PutBlock'")) ?? 0 >= 3 {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let staged = try await AzureSnapshot.take(transport: transport)
        XCTAssertNotEqual(staged, before, "killed mid-upload, staged blocks are in the account")

        let clean = try ScoretuneBinary.run(["clean", "--db", run.database])
        XCTAssertEqual(clean.status, 0, clean.err)
        let after = try await AzureSnapshot.take(transport: transport)
        XCTAssertEqual(after, before, after.difference(from: before))
        XCTAssertEqual(try run.count("SELECT count(*) FROM created WHERE removed_at IS NULL"), 0)
    }
}
