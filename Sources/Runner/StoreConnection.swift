import ObjectStore
import ScoreConfig
import Transport

/// The store a `.env.score` names, reachable through one shared transport: S3 clients made with
/// whatever timeouts a cell needs, all reporting to the same observer.
public struct StoreConnection: Sendable {
    public let settings: ScoreSettings
    public let transport: CurlTransport
    let endpoint: S3Endpoint
    let signer: S3Signer
    let observer: AttemptObserver?

    /// The AWS SDK's default socket timeout, which Score's server keeps (score-facts.md).
    static let serverReadTimeout: Duration = .seconds(50)

    public init(settings: ScoreSettings, transport: CurlTransport, observer: AttemptObserver?) throws {
        guard let endpoint = S3Endpoint(settings.endpoint) else {
            throw RunFailure.badInput("\(settings.path): S3_ENDPOINT '\(settings.endpoint)' is not a URL")
        }
        self.settings = settings
        self.transport = transport
        self.endpoint = endpoint
        // Score's S3 client sets no region; SigV4 against these stores takes any, us-east-1 is the SDK's.
        signer = S3Signer(credentials: S3Credentials(accessKey: settings.accessKey, secretKey: settings.secretKey),
                          mode: settings.sigV4Enabled ? .v4(region: "us-east-1") : .v2)
        self.observer = observer
    }

    /// `via`: "127.0.0.1:PORT" of a fault proxy to connect through (signatures still name the store).
    public func client(connect: Duration, stall: Duration, via: String? = nil) -> S3Client {
        S3Client(endpoint: endpoint, signer: signer, transport: transport,
                 timeouts: Timeouts(connect: connect, stall: stall), observer: observer, connectVia: via)
    }

    public var storeHost: String { endpoint.host }
    public var storePort: Int { endpoint.port }

    /// For housekeeping outside any cell: clean-up and the pre-flight.
    public var housekeeping: S3Client { client(connect: .seconds(15), stall: StoreConnection.serverReadTimeout) }
}

/// Why a run could not go on, each with its exit status.
public enum RunFailure: Error, CustomStringConvertible {
    /// A bad scenario, `.env.score`, option or run id: exit 2.
    case badInput(String)
    /// The store cannot be used (unreachable, credentials refused, a bucket missing): exit 1.
    case store(String)

    public var description: String {
        switch self {
        case .badInput(let message), .store(let message): return message
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .badInput: return 2
        case .store: return 1
        }
    }
}
