import ObjectStore
import ScoreConfig
import Transport
import Workload

/// The store a `.env.score` names (S3 or Azure Blob), reachable through one shared transport:
/// clients made with whatever timeouts a cell needs, all reporting to the same observer.
public struct StoreConnection: Sendable {
    public let settings: ScoreSettings
    public let transport: any HTTPTransport
    let store: Store
    let observer: AttemptObserver?

    enum Store: Sendable {
        case s3(S3Endpoint, S3Signer)
        case azure(AzureSigner)
    }

    /// The AWS SDK's default socket timeout, which Score's server keeps (docs/score.md).
    static let serverReadTimeout: Duration = .seconds(50)

    public init(settings: ScoreSettings, transport: any HTTPTransport, observer: AttemptObserver?) throws {
        self.settings = settings
        self.transport = transport
        self.observer = observer
        switch settings.profile {
        case .s3:
            guard let endpoint = S3Endpoint(settings.endpoint) else {
                throw RunFailure.badInput("\(settings.path): S3_ENDPOINT '\(settings.endpoint)' is not a URL")
            }
            // Score's S3 client sets no region; SigV4 against these stores takes any, us-east-1 is the SDK's.
            let signer = S3Signer(credentials: S3Credentials(accessKey: settings.accessKey, secretKey: settings.secretKey),
                                  mode: settings.sigV4Enabled ? .v4(region: "us-east-1") : .v2)
            store = .s3(endpoint, signer)
        case .azure:
            do {
                let account = try AzureAccount(name: settings.azureAccountName, base64Key: settings.azureAccountKey,
                                               scheme: settings.azureProtocol, endpointOverride: settings.azureEndpointOverride)
                store = .azure(AzureSigner(account: account))
            } catch {
                throw RunFailure.badInput("\(settings.path): the Azure account settings: \(error)")
            }
        }
    }

    /// The same store through another transport (another connection pool).
    func through(_ other: any HTTPTransport) -> StoreConnection {
        StoreConnection(settings: settings, transport: other, store: store, observer: observer)
    }

    private init(settings: ScoreSettings, transport: any HTTPTransport, store: Store, observer: AttemptObserver?) {
        (self.settings, self.transport, self.store, self.observer) = (settings, transport, store, observer)
    }

    public var isAzure: Bool { if case .azure = store { return true } else { return false } }

    /// An S3 client. `via`: "127.0.0.1:PORT" of a fault proxy to connect through (signatures still
    /// name the store). Only for the S3 profile.
    public func client(connect: Duration, stall: Duration, via: String? = nil) -> S3Client {
        guard case .s3(let endpoint, let signer) = store else { preconditionFailure("an S3 client for an Azure store") }
        return S3Client(endpoint: endpoint, signer: signer, transport: transport,
                        timeouts: Timeouts(connect: connect, stall: stall), observer: observer, connectVia: via)
    }

    /// An Azure client (the Azure profile only).
    public func azureClient(connect: Duration, stall: Duration, via: String? = nil) -> AzureClient {
        guard case .azure(let signer) = store else { preconditionFailure("an Azure client for an S3 store") }
        return AzureClient(signer: signer, transport: transport, timeouts: Timeouts(connect: connect, stall: stall),
                           observer: observer, connectVia: via)
    }

    /// Where the store answers, for the run record and messages.
    public var endpointURL: String {
        switch store {
        case .s3: return settings.endpoint
        case .azure(let signer): return signer.account.url
        }
    }

    public var storeHost: String {
        switch store {
        case .s3(let endpoint, _): return endpoint.host
        case .azure(let signer): return signer.account.host
        }
    }

    public var storePort: Int {
        switch store {
        case .s3(let endpoint, _): return endpoint.port
        case .azure(let signer): return signer.account.port
        }
    }

    /// For housekeeping outside any cell: clean-up and the pre-flight.
    public var housekeeping: S3Client { client(connect: .seconds(15), stall: StoreConnection.serverReadTimeout) }
    public var azureHousekeeping: AzureClient { azureClient(connect: .seconds(15), stall: StoreConnection.serverReadTimeout) }

    /// Removes ledger entries from this store. Shorter waits than the server's own calls: a
    /// clean-up after Ctrl-C must not hang on a frozen store (what it cannot remove stays listed).
    public var remover: CreationRemover { remover(connect: .seconds(10), stall: .seconds(10)) }

    /// The same with other waits (a run whose store stopped answering: its own timeouts).
    public func remover(connect: Duration, stall: Duration) -> CreationRemover {
        isAzure ? AzureRemover(azure: azureClient(connect: connect, stall: stall))
            : S3Remover(s3: client(connect: connect, stall: stall))
    }
}
