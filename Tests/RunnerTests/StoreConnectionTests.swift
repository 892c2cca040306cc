import Foundation
import MemoryStore
import Runner
import ScoreConfig
import TestSupport
import Transport
import XCTest

/// The store a `.env.score` names, as the runner reaches it: where it answers for each profile,
/// and one clear line for an endpoint that is not a URL. No request is sent.
final class StoreConnectionTests: XCTestCase {
    var folder: URL!
    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("connection-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func testEachProfileSaysWhereItsStoreAnswers() throws {
        let s3 = try ScoreSettings.load(path: try MemoryS3Backend().writeEnv(in: folder), environment: [:])
        let memory = MemoryS3Backend().store.transport()
        let connection = try StoreConnection(settings: s3, transport: memory, observer: nil)
        XCTAssertFalse(connection.isAzure)
        XCTAssertEqual(connection.endpointURL, MemoryS3Backend.endpoint)
        XCTAssertEqual(connection.storeHost, "127.0.0.1")
        XCTAssertEqual(connection.storePort, 9)

        let azure = try ScoreSettings.load(path: try MemoryAzureBackend().writeEnv(in: folder), environment: [:])
        let blob = try StoreConnection(settings: azure, transport: memory, observer: nil)
        XCTAssertTrue(blob.isAzure)
        XCTAssertEqual(blob.endpointURL, MemoryAzureBackend.endpoint, "the account's URL, path-style for a test server")
        // Without an override, Score's connection string names the public service.
        let path = try MemoryAzureBackend().writeEnv(in: folder)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.split(separator: "\n").filter { !$0.hasPrefix("SCORETUNE_AZURE_ENDPOINT=") }.joined(separator: "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let real = try ScoreSettings.load(path: path, environment: [:])
        XCTAssertEqual(try StoreConnection(settings: real, transport: memory, observer: nil).endpointURL,
                       "http://\(MemoryAzureBackend.account).blob.core.windows.net")
    }

    func testAnEndpointThatIsNotAURLIsBadInputNamingTheFile() throws {
        let settings = try ScoreSettings.load(path: try MemoryS3Backend().writeEnv(in: folder), environment: ["S3_ENDPOINT": "not a url"])
        XCTAssertThrowsError(try StoreConnection(settings: settings, transport: MemoryS3Backend().store.transport(), observer: nil)) { error in
            guard case RunFailure.badInput(let message)? = error as? RunFailure else { return XCTFail("\(error)") }
            XCTAssertEqual(message, "\(settings.path): S3_ENDPOINT 'not a url' is not a URL")
        }
    }
}
