import Foundation
import ObjectStore
import ScoreConfig
import Transport
import XCTest

/// The real servers started by `scripts/backend start NAME`, found through the `.env.score` each
/// one writes. Under `make test` (SCORETUNE_REQUIRE_BACKENDS=1) a missing backend fails the test;
/// in a bare `swift test` it skips it.
public enum LocalBackend: String, CaseIterable, Sendable {
    case seaweedfs, rclone, ceph
    /// The loopback Azure Blob test server (scripts/azure/server.py).
    case azure

    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public var envPath: String {
        LocalBackend.packageRoot.appendingPathComponent(".scoretune/backends/\(rawValue)/.env.score").path
    }

    /// Skips a test that needs a real server under `make check` (SCORETUNE_SKIP_BACKENDS=1).
    public static func skipUnlessServersWanted() throws {
        if ProcessInfo.processInfo.environment["SCORETUNE_SKIP_BACKENDS"] == "1" {
            throw XCTSkip("a real-backend test (make check runs only the server-free ones)")
        }
    }

    /// The backend's settings, or a skip/fail when it is not running. `make check`
    /// (SCORETUNE_SKIP_BACKENDS=1) skips every real-backend test, running or not.
    public func settings(file: StaticString = #filePath, line: UInt = #line) throws -> ScoreSettings {
        try LocalBackend.skipUnlessServersWanted()
        guard FileManager.default.fileExists(atPath: envPath),
              (try? String(contentsOfFile: LocalBackend.packageRoot.appendingPathComponent(".scoretune/backends/\(rawValue)/pid").path, encoding: .utf8))
                .flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }).map({ kill($0, 0) == 0 }) == true else {
            if ProcessInfo.processInfo.environment["SCORETUNE_REQUIRE_BACKENDS"] == "1" {
                XCTFail("backend \(rawValue) is not running: scripts/backend start \(rawValue)", file: file, line: line)
            }
            throw XCTSkip("backend \(rawValue) is not running (scripts/backend start \(rawValue))")
        }
        return try ScoreSettings.load(path: envPath, environment: [:])
    }

    /// An S3 client for the backend, signing as its file says unless `sigV4` overrides.
    public func client(transport: any HTTPTransport, sigV4: Bool? = nil, secretKey: String? = nil,
                       timeouts: Timeouts = Timeouts(connect: .seconds(5), stall: .seconds(30)),
                       observer: AttemptObserver? = nil) throws -> (S3Client, ScoreSettings) {
        let s = try settings()
        let mode: S3SigningMode = (sigV4 ?? s.sigV4Enabled) ? .v4(region: "us-east-1") : .v2
        let signer = S3Signer(credentials: S3Credentials(accessKey: s.accessKey, secretKey: secretKey ?? s.secretKey), mode: mode)
        let client = S3Client(endpoint: S3Endpoint(s.endpoint)!, signer: signer, transport: transport,
                              timeouts: timeouts, observer: observer)
        return (client, s)
    }
}

extension LocalBackend {
    /// An Azure client for the test server, with the key its file names unless `key` overrides.
    public static func azureClient(transport: any HTTPTransport, key: String? = nil,
                                   timeouts: Timeouts = Timeouts(connect: .seconds(5), stall: .seconds(30)),
                                   observer: AttemptObserver? = nil) throws -> (AzureClient, ScoreSettings) {
        let s = try LocalBackend.azure.settings()
        let account = try AzureAccount(name: s.text(.azureAccountName) ?? "", base64Key: key ?? s.text(.azureAccountKey) ?? "",
                                       scheme: s.text(.azureEndpointProtocol) ?? "https",
                                       endpointOverride: s.values["SCORETUNE_AZURE_ENDPOINT"]?.text)
        return (AzureClient(signer: AzureSigner(account: account), transport: transport, timeouts: timeouts, observer: observer), s)
    }
}

/// A unique key prefix per test, so parallel or repeated runs never collide.
public func testPrefix(_ name: String = #function) -> String {
    "scoretune-test/\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString.prefix(8).lowercased())/"
}
