/// One grid point: the knob values a cell runs with.
public struct Knobs: Sendable, Hashable, Codable {
    /// UPLOAD_PARTSIZE as configured (Score's part calculator may raise it per object).
    public var uploadPartSize: Int64
    /// Ranged-GET size; nil in `score` mode, where downloads follow the upload's part layout.
    public var downloadPartSize: Int64?
    public var retryLimit: Int
    public var connectTimeoutMilliseconds: Int64
    public var stallTimeoutMilliseconds: Int64
    /// Parts in flight per object (score-client's transport.parallel).
    public var parallel: Int
    /// Objects transferred at once.
    public var clients: Int
    /// The network profile between client and store (a name in the scenario); nil: direct.
    public var network: String?
    /// Azure only: the block size of uploads (score-client's azure.blockSize). On Azure,
    /// UPLOAD_PARTSIZE sets the download range size instead (docs/score.md).
    public var blockSize: Int64?
    /// Which connections the client's requests reuse (`warm` unless the scenario says otherwise).
    public var connections: ConnectionReuse
    /// A distributed run: how many of its workers move objects in this cell (ranks 0 ..< workers;
    /// the others wait at the next barrier). nil: all of them, or a single machine.
    public var workers: Int?

    public init(uploadPartSize: Int64, downloadPartSize: Int64?, retryLimit: Int, connectTimeoutMilliseconds: Int64,
                stallTimeoutMilliseconds: Int64, parallel: Int, clients: Int, network: String? = nil, blockSize: Int64? = nil,
                connections: ConnectionReuse = .warm, workers: Int? = nil) {
        self.uploadPartSize = uploadPartSize
        self.downloadPartSize = downloadPartSize
        self.retryLimit = retryLimit
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.stallTimeoutMilliseconds = stallTimeoutMilliseconds
        self.parallel = parallel
        self.clients = clients
        self.network = network
        self.blockSize = blockSize
        self.connections = connections
        self.workers = workers
    }

    /// The largest buffer a transfer of this cell holds: its part, download range or Azure block.
    public var largestBuffer: Int64 { max(uploadPartSize, downloadPartSize ?? 0, blockSize ?? 0) }

    /// What the client holds at once: `largestBuffer` × parallel × clients; nil past Int64.
    public var clientMemory: Int64? {
        let (perTransfer, o1) = largestBuffer.multipliedReportingOverflow(by: Int64(parallel))
        let (memory, o2) = perTransfer.multipliedReportingOverflow(by: Int64(clients))
        return o1 || o2 ? nil : memory
    }

    /// A short name for tables and progress lines: each knob the table says a label shows, in
    /// the table's order (on Azure block= for uploads, range= for downloads).
    public var label: String { label(excluding: []) }

    /// The label without some knobs (a family of cells that differ only in those).
    public func label(excluding left: Set<Knob>) -> String {
        Knob.allCases.filter { !left.contains($0) }.compactMap { knob -> String? in
            guard let value = knob.value(in: self) else { return nil }
            if case .whenNotDefault = knob.shown, value == knob.usualValue { return nil }
            return "\(knob.labelName(azure: blockSize != nil))=\(value.formatted)"
        }.joined(separator: " ")
    }
}
