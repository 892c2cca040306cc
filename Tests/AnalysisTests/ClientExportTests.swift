@testable import Analysis
import Foundation
import Model
import XCTest

/// `recommend --for`, as the pure function of one decision it is: each client's names and units
/// from known numbers, with the rounding that never shortens a timeout. The real tools accepting
/// these files and moving data with them stays in ExportTests (SeaweedFS).
final class ClientExportTests: XCTestCase {
    /// 20000000 bytes (not a whole MiB), 3 parts in flight, 2 clients, 4 retries, 1.5 s connect,
    /// 90.5 s stall, 120 s read, 2 GB of client memory.
    func recommendation(blockSize: Int64? = nil) throws -> Recommendation {
        var recommendation = try CautionBadgeTests.recommendation(with: [])
        recommendation.decision = Recommendation.Decision(
            partSize: 20_000_000, downloadPartSize: 8 << 20, blockSize: blockSize, parallel: 3, clients: 2, retryLimit: 4,
            connectTimeoutMilliseconds: 1_500, stallTimeoutMilliseconds: 90_500, readTimeoutSeconds: 120, memoryGiB: 2,
            bases: .init(retryLimit: .modelled, connectTimeout: .modelled, stallTimeout: .modelled, readTimeout: .kept))
        return recommendation
    }

    func text(_ target: ExportTarget, blockSize: Int64? = nil) throws -> String {
        try ClientExport.make(try recommendation(blockSize: blockSize), for: target).text
    }

    /// The non-comment lines of an export.
    func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") } }

    func testScoreClientPropertiesCarryTheDecision() throws {
        let properties = lines(try text(.scoreClient))
        XCTAssertEqual(properties, ["transport.parallel=3", "transport.memory=2", "storage.retryNumber=4",
                                    "client.connectTimeoutSeconds=2", "client.readTimeoutSeconds=120"],
                       "1.5 s rounds up to 2: a timeout is never shortened")
        XCTAssertTrue(lines(try text(.scoreClient, blockSize: 8 << 20)).contains("azure.blockSize=\(8 << 20)"))
    }

    /// Every export says which of its values were measured, modelled or kept (issue #24).
    func testEveryExportSaysWhereItsValuesComeFrom() throws {
        for target in ExportTarget.allCases {
            let text = try text(target)
            XCTAssertTrue(text.contains("measured: part size, parallelism; modelled: retry limit, connect timeout, stall timeout; kept: read timeout"),
                          "\(target): \(text)")
        }
    }

    func testHelmValuesUseTheChartsKeysAsStrings() throws {
        let values = try text(.helm)
        XCTAssertTrue(values.contains("  storageServer:\n    partSize: \"20000000\"\n    connectionTimeout: \"1500\"\n"), values)
        XCTAssertTrue(values.contains("extraEnv:\n  UPLOAD_RETRY_LIMIT: \"4\"\n"), values)
    }

    func testRcloneFlagsInItsOwnUnits() throws {
        let flags = lines(try text(.rclone)).map { $0.replacingOccurrences(of: " \\", with: "") }
        XCTAssertEqual(flags, ["--s3-chunk-size 20000000B", "--s3-upload-cutoff 20000000B", "--s3-upload-concurrency 3", "--multi-thread-streams 3",
                               "--multi-thread-chunk-size 8Mi", "--transfers 2", "--low-level-retries 4", "--contimeout 2s", "--timeout 91s"])
        XCTAssertEqual(ClientExport.rcloneSize(20_000_000), "20000000B", "19531.25 KiB is not whole: bytes, exactly")
        XCTAssertEqual(ClientExport.rcloneSize(20 << 20), "20Mi")
        XCTAssertEqual(ClientExport.rcloneSize(3 << 10), "3Ki")
    }

    func testS5cmdRoundsThePartUpToWholeMiB() throws {
        let export = try text(.s5cmd)
        XCTAssertEqual(lines(export), ["--numworkers 2 --retry-count 4", "--part-size 20 --concurrency 3"])
        XCTAssertTrue(export.contains("20000000 bytes rounded up to whole MiB"), export)
    }

    func testAWSCLIConfigCountsAttemptsNotRetries() throws {
        let config = lines(try text(.awscli)).map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(config.contains("max_attempts = 5"), "4 retries are 5 attempts: \(config)")
        XCTAssertTrue(config.contains("multipart_chunksize = 20000000"), "not a whole MiB: bytes")
        XCTAssertTrue(config.contains("max_concurrent_requests = 6"), "2 clients × 3 parts")
    }

    func testAzureDecisionsAreRefusedByTheS3OnlyClients() throws {
        for target in [ExportTarget.rclone, .s5cmd, .awscli] {
            XCTAssertThrowsError(try text(target, blockSize: 8 << 20), "\(target)") { error in
                XCTAssertTrue("\(error)".contains("use --for score, score-client or helm"), "\(error)")
            }
        }
        for target in [ExportTarget.score, .scoreClient, .helm] { XCTAssertNoThrow(try text(target, blockSize: 8 << 20)) }
    }
}
