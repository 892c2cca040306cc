/// The knobs a scenario sweeps, in one table: for each, its key in a scenario's `grid:`, its column
/// in `cells` and the CSV, its short name in cell labels, the kind of value it takes, and when a
/// label shows it. Labels, the CSV, compact chart labels, the scenario's
/// known keys and the grid's expansion all read this table; adding a knob is one case here, a
/// field in `Knobs`, and an append-only migration for its column (docs/architecture.md).
public enum Knob: String, CaseIterable, Sendable {
    // In the order labels and tables show them.
    case network, blockSize, uploadPartSize, downloadPartSize, parallel, clients, retryLimit, connectTimeout, stallTimeout, connections, workers

    /// The order the grid expands in, outermost first: a cell's position in it (before the seeded
    /// shuffle) is what makes a scenario's cells, and so their shuffled order, reproducible.
    public static let expansionOrder: [Knob] = [.blockSize, .uploadPartSize, .downloadPartSize, .retryLimit, .connectTimeout,
                                                .stallTimeout, .parallel, .clients, .network, .connections, .workers]

    /// The key in a scenario's `grid:` mapping.
    public var gridKey: String {
        switch self {
        case .network: return "network"
        case .blockSize: return "block_size"
        case .uploadPartSize: return "UPLOAD_PARTSIZE"
        case .downloadPartSize: return "DOWNLOAD_PARTSIZE"
        case .parallel: return "parallel"
        case .clients: return "clients"
        case .retryLimit: return "UPLOAD_RETRY_LIMIT"
        case .connectTimeout: return "UPLOAD_CONNECTIONTIMEOUT"
        case .stallTimeout: return "stall_timeout"
        case .connections: return "connections"
        case .workers: return "workers"
        }
    }

    /// The column in the `cells` table and in the CSV export.
    public var column: String {
        switch self {
        case .network: return "network"
        case .blockSize: return "block_size"
        case .uploadPartSize: return "upload_part_size"
        case .downloadPartSize: return "download_part_size"
        case .parallel: return "parallel"
        case .clients: return "clients"
        case .retryLimit: return "retry_limit"
        case .connectTimeout: return "connect_timeout_ms"
        case .stallTimeout: return "stall_timeout_ms"
        case .connections: return "connections"
        case .workers: return "workers"
        }
    }

    /// The short name in cell labels (`part=20MiB`). On Azure UPLOAD_PARTSIZE is the download
    /// range, and labels say so.
    public func labelName(azure: Bool) -> String {
        switch self {
        case .network: return "net"
        case .blockSize: return "block"
        case .uploadPartSize: return azure ? "range" : "part"
        case .downloadPartSize: return "dl"
        case .parallel: return "par"
        case .clients: return "clients"
        case .retryLimit: return "retry"
        case .connectTimeout: return "connect"
        case .stallTimeout: return "stall"
        case .connections: return "conn"
        case .workers: return "workers"
        }
    }

    /// When a full cell label names the knob.
    public enum Shown: Sendable {
        /// Always: it shapes every transfer.
        case always
        /// When the cell has a value (a played network, an Azure block size, a download size, a workers count).
        case whenSet
        /// When it differs from the usual value (connections other than warm).
        case whenNotDefault
    }

    public var shown: Shown {
        switch self {
        case .network, .blockSize, .downloadPartSize, .workers: return .whenSet
        case .connections: return .whenNotDefault
        case .uploadPartSize, .parallel, .clients, .retryLimit, .connectTimeout, .stallTimeout: return .always
        }
    }

    /// The value a label leaves out for a `.whenNotDefault` knob.
    public var usualValue: KnobValue? {
        switch self {
        case .connections: return .name(ConnectionReuse.warm.rawValue)
        default: return nil
        }
    }

    /// The knob's value in a cell; nil where the cell has none (no played network, no block size…).
    public func value(in knobs: Knobs) -> KnobValue? {
        switch self {
        case .network: return knobs.network.map(KnobValue.name)
        case .blockSize: return knobs.blockSize.map(KnobValue.size)
        case .uploadPartSize: return .size(knobs.uploadPartSize)
        case .downloadPartSize: return knobs.downloadPartSize.map(KnobValue.size)
        case .parallel: return .count(knobs.parallel)
        case .clients: return .count(knobs.clients)
        case .retryLimit: return .count(knobs.retryLimit)
        case .connectTimeout: return .duration(milliseconds: knobs.connectTimeoutMilliseconds)
        case .stallTimeout: return .duration(milliseconds: knobs.stallTimeoutMilliseconds)
        case .connections: return .name(knobs.connections.rawValue)
        case .workers: return knobs.workers.map(KnobValue.count)
        }
    }

    /// `knobs` with this knob set to `value` (nil: none). A value of another kind than the knob
    /// takes is a programming error, caught by the grid's tests.
    public func set(_ value: KnobValue?, in knobs: inout Knobs) {
        switch (self, value) {
        case (.network, .name(let name)?): knobs.network = name
        case (.network, nil): knobs.network = nil
        case (.blockSize, .size(let bytes)?): knobs.blockSize = bytes
        case (.blockSize, nil): knobs.blockSize = nil
        case (.uploadPartSize, .size(let bytes)?): knobs.uploadPartSize = bytes
        case (.downloadPartSize, .size(let bytes)?): knobs.downloadPartSize = bytes
        case (.downloadPartSize, nil): knobs.downloadPartSize = nil
        case (.parallel, .count(let n)?): knobs.parallel = n
        case (.clients, .count(let n)?): knobs.clients = n
        case (.retryLimit, .count(let n)?): knobs.retryLimit = n
        case (.connectTimeout, .duration(let ms)?): knobs.connectTimeoutMilliseconds = ms
        case (.stallTimeout, .duration(let ms)?): knobs.stallTimeoutMilliseconds = ms
        case (.connections, .name(let name)?): knobs.connections = ConnectionReuse(rawValue: name) ?? .warm
        case (.workers, .count(let n)?): knobs.workers = n
        case (.workers, nil): knobs.workers = nil
        default: preconditionFailure("knob \(rawValue) cannot take \(String(describing: value))")
        }
    }
}

/// One knob's value, by kind: how it is written for people and in the CSV.
public enum KnobValue: Sendable, Hashable {
    case size(Int64)
    case count(Int)
    case duration(milliseconds: Int64)
    case name(String)

    /// For people: `64MiB`, `15s`, `4`, `wan`.
    public var formatted: String {
        switch self {
        case .size(let bytes): return Units.formatSize(bytes)
        case .count(let n): return "\(n)"
        case .duration(let ms): return Units.formatDuration(ms)
        case .name(let name): return name
        }
    }

    /// For the CSV and the database: bytes, milliseconds, numbers, names.
    public var raw: String {
        switch self {
        case .size(let bytes): return "\(bytes)"
        case .count(let n): return "\(n)"
        case .duration(let ms): return "\(ms)"
        case .name(let name): return name
        }
    }
}
