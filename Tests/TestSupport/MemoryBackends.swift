import Foundation
import MemoryStore
import ObjectStore
import Transport

/// In-memory stand-ins for the real backends: a `MemoryStore` of either dialect with the buckets
/// (containers and stored policies) a `.env.score` names, clients to it, and the file itself, so
/// the same code that runs against SeaweedFS or the Azure test server runs here without a server.
/// The endpoint is a loopback URL nothing listens on: a request that escaped the memory transport
/// would fail, not reach anything.
public struct MemoryS3Backend: Sendable {
    public static let accessKey = "MEMORYACCESSKEY"
    public static let secretKey = "memory-secret-key-never-printed"
    public static let endpoint = "http://127.0.0.1:9"
    public let store: MemoryStore
    public let objectBucket = "object-bucket"
    public let stateBucket = "state-bucket"
    public let sentinel = "heliograph"

    public init() {
        store = MemoryStore(.s3(accessKey: Self.accessKey))
        store.createBucket(objectBucket)
        store.createBucket(stateBucket)
    }

    public func client(_ transport: any HTTPTransport, timeouts: Timeouts = Timeouts(connect: .seconds(5), stall: .seconds(30)),
                       observer: AttemptObserver? = nil) -> S3Client {
        S3Client(endpoint: S3Endpoint(Self.endpoint)!,
                 signer: S3Signer(credentials: S3Credentials(accessKey: Self.accessKey, secretKey: Self.secretKey), mode: .v4(region: "us-east-1")),
                 transport: transport, timeouts: timeouts, observer: observer)
    }

    /// A `.env.score` for this store, written into `folder`; `extra` lines are appended.
    public func writeEnv(in folder: URL, extra: [String] = []) throws -> String {
        let lines = ["S3_ENDPOINT=\(Self.endpoint)", "S3_ACCESSKEY=\(Self.accessKey)", "S3_SECRETKEY=\(Self.secretKey)",
                     "S3_SIGV4ENABLED=true", "BUCKET_NAME_OBJECT=\(objectBucket)", "BUCKET_NAME_STATE=\(stateBucket)",
                     "OBJECT_SENTINEL=\(sentinel)"] + extra
        let path = folder.appendingPathComponent(".env.score").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Puts Score's sentinel object (`data/<sentinel>`) in the object bucket, as an operator would.
    public func putSentinel() async throws {
        let transport = store.transport()
        try await client(transport).putObject(bucket: objectBucket, key: "data/\(sentinel)", body: Array("ping".utf8))
    }
}

public struct MemoryAzureBackend: Sendable {
    public static let account = "memaccount"
    public static let key = Data("memory-account-key-0123456789".utf8).base64EncodedString()
    public static let endpoint = "http://127.0.0.1:9/\(account)"
    public let store: MemoryStore
    public let container = "object-container"
    public let uploadPolicy = "UploadPolicy"
    public let downloadPolicy = "DownloadPolicy"
    public let sentinel = "heliograph"

    public init() {
        store = MemoryStore(.azure(account: Self.account, pathPrefix: "/\(Self.account)"))
        store.createBucket(container)
        store.setPolicy(.init(id: uploadPolicy, permission: "acw"), container: container)
        store.setPolicy(.init(id: downloadPolicy, permission: "rl"), container: container)
    }

    public func client(_ transport: any HTTPTransport, timeouts: Timeouts = Timeouts(connect: .seconds(5), stall: .seconds(30)),
                       observer: AttemptObserver? = nil) throws -> AzureClient {
        let account = try AzureAccount(name: Self.account, base64Key: Self.key, scheme: "http", endpointOverride: Self.endpoint)
        return AzureClient(signer: AzureSigner(account: account), transport: transport, timeouts: timeouts, observer: observer)
    }

    public func writeEnv(in folder: URL, extra: [String] = []) throws -> String {
        let lines = ["SPRING_PROFILES_ACTIVE=prod,azure", "AZURE_ENDPOINTPROTOCOL=http", "AZURE_ACCOUNTNAME=\(Self.account)",
                     "AZURE_ACCOUNTKEY=\(Self.key)", "BUCKET_NAME_OBJECT=\(container)", "BUCKET_POLICY_UPLOAD=\(uploadPolicy)",
                     "BUCKET_POLICY_DOWNLOAD=\(downloadPolicy)", "OBJECT_SENTINEL=\(sentinel)",
                     "SCORETUNE_AZURE_ENDPOINT=\(Self.endpoint)"] + extra
        let path = folder.appendingPathComponent(".env.score").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    public func putSentinel() async throws {
        try await client(store.transport()).putBlob(container: container, blob: sentinel, body: .bytes(Array("ping".utf8)))
    }
}
