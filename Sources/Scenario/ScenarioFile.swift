import Model

/// A scenario file exactly as written, decoded with Codable from YAML. Every field is optional
/// here; `ScenarioLoader` checks what is required, fills defaults and points errors at lines.
struct ScenarioFile: Decodable {
    var name: String?
    var env: String?
    var mode: Mode?
    var objects: Objects?
    var grid: Grid?
    var repetitions: Int?
    var warmup: Int?
    var budget: DurationValue?
    /// Seeds the randomised cell order (recorded with the run); defaults to the objects' seed.
    var order_seed: UInt64?
    /// interleaved (default): round-robin repetitions across cells; blocked: each cell's back to back.
    var order: TrialOrder?
    var backoff: Backoff?
    /// One network profile for every cell, or named ones for the `network` grid dimension.
    var network: NetworkBlock?
    var networks: [String: NetworkBlock]?
    /// How the grid is explored: every cell (grid) or successive halving.
    var search: Search?

    struct Search: Decodable {
        var strategy: SearchStrategy?
        var eta: Int?
        var initial_rounds: Int?
        var objective: Objective?
        var budget: SearchBudget?
        var max_memory: SizeValue?
        var ramp: RampKnob?
        var min_gain: Double?
    }

    struct SearchBudget: Decodable {
        var time: DurationValue?
        var trials: Int?
    }

    struct Objects: Decodable {
        var sizes: OneOrMany<SizeValue>?
        var distribution: [WeightedSize]?
        var count: Int?
        var seed: UInt64?
    }

    struct WeightedSize: Decodable {
        var size: SizeValue
        var weight: Double
    }

    /// The knobs, each a value or a list of values; their product is the grid of cells.
    struct Grid: Decodable {
        var UPLOAD_PARTSIZE: OneOrMany<SizeValue>?
        var DOWNLOAD_PARTSIZE: OneOrMany<SizeValue>?
        var UPLOAD_RETRY_LIMIT: OneOrMany<Int>?
        var UPLOAD_CONNECTIONTIMEOUT: OneOrMany<DurationValue>?
        var stall_timeout: OneOrMany<DurationValue>?
        var parallel: OneOrMany<Int>?
        var clients: OneOrMany<Int>?
        var network: OneOrMany<String>?
        /// Azure only: the client's upload block size (score-client's azure.blockSize).
        var block_size: OneOrMany<SizeValue>?
        /// warm | per-object | per-request: which connections the client's requests reuse.
        var connections: OneOrMany<ConnectionReuse>?
        /// A distributed run: how many of its workers move objects in the cell.
        var workers: OneOrMany<Int>?

        /// The YAML keys are the knob table's grid keys.
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            func key(_ knob: Knob) -> AnyKey { AnyKey(stringValue: knob.gridKey) }
            UPLOAD_PARTSIZE = try c.decodeIfPresent(OneOrMany<SizeValue>.self, forKey: key(.uploadPartSize))
            DOWNLOAD_PARTSIZE = try c.decodeIfPresent(OneOrMany<SizeValue>.self, forKey: key(.downloadPartSize))
            UPLOAD_RETRY_LIMIT = try c.decodeIfPresent(OneOrMany<Int>.self, forKey: key(.retryLimit))
            UPLOAD_CONNECTIONTIMEOUT = try c.decodeIfPresent(OneOrMany<DurationValue>.self, forKey: key(.connectTimeout))
            stall_timeout = try c.decodeIfPresent(OneOrMany<DurationValue>.self, forKey: key(.stallTimeout))
            parallel = try c.decodeIfPresent(OneOrMany<Int>.self, forKey: key(.parallel))
            clients = try c.decodeIfPresent(OneOrMany<Int>.self, forKey: key(.clients))
            network = try c.decodeIfPresent(OneOrMany<String>.self, forKey: key(.network))
            block_size = try c.decodeIfPresent(OneOrMany<SizeValue>.self, forKey: key(.blockSize))
            connections = try c.decodeIfPresent(OneOrMany<ConnectionReuse>.self, forKey: key(.connections))
            workers = try c.decodeIfPresent(OneOrMany<Int>.self, forKey: key(.workers))
        }
    }

    /// What the fault proxy plays between the client and the store.
    struct NetworkBlock: Decodable {
        var rtt: DurationValue?
        var jitter: DurationValue?
        var bandwidth_per_connection: RateValue?
        var bandwidth_total: RateValue?
        var faults: FaultsBlock?
        var seed: UInt64?
        /// Score's server reaches its store over this network too (its store is far from it).
        var server_calls: Bool?
    }

    struct FaultsBlock: Decodable {
        /// Probabilities: reset and stall per MiB moved, refuse per connection, 503/500 per request.
        var reset: Double?
        var stall: Double?
        /// One stall length, or several drawn equally likely (a measured distribution).
        var stall_for: OneOrMany<DurationValue>?
        var refuse: Double?
        var blackhole: Double?
        var slowdown_503: Double?
        var error_500: Double?
        /// Per request: the store processes it, the answer is lost on the way back.
        var lost_answer: Double?
    }

    struct Backoff: Decodable {
        var base: DurationValue?
        var max: DurationValue?
    }

    /// Every key a mapping may hold, by where it stands: what the unknown-key check compares with.
    static let knownKeys: [String: [String]] = [
        "": ["name", "env", "mode", "objects", "grid", "repetitions", "warmup", "budget", "order", "order_seed", "backoff", "network", "networks", "search"],
        "search": ["strategy", "eta", "initial_rounds", "objective", "budget", "max_memory", "ramp", "min_gain"],
        "search.budget": ["time", "trials"],
        "network": ["rtt", "jitter", "bandwidth_per_connection", "bandwidth_total", "faults", "seed", "server_calls"],
        "networks.*": ["rtt", "jitter", "bandwidth_per_connection", "bandwidth_total", "faults", "seed", "server_calls"],
        "network.faults": ["reset", "stall", "stall_for", "refuse", "blackhole", "slowdown_503", "error_500", "lost_answer"],
        "networks.*.faults": ["reset", "stall", "stall_for", "refuse", "blackhole", "slowdown_503", "error_500", "lost_answer"],
        "objects": ["sizes", "distribution", "count", "seed"],
        "objects.distribution[]": ["size", "weight"],
        "grid": Knob.allCases.map(\.gridKey),
        "backoff": ["base", "max"],
    ]
}

/// A value or a list of values: `parallel: 4` and `parallel: [2, 4, 8]` both read.
struct OneOrMany<Element: Decodable>: Decodable {
    var values: [Element]
    init(from decoder: Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var values: [Element] = []
            while !list.isAtEnd { values.append(try list.decode(Element.self)) }
            self.values = values
        } else {
            values = [try decoder.singleValueContainer().decode(Element.self)]
        }
    }
}

/// A size with a unit (`64MiB`), or a bare number of bytes.
struct SizeValue: Decodable {
    var bytes: Int64
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            bytes = number
            return
        }
        switch Units.parseSize(try container.decode(String.self)) {
        case .success(let value): bytes = value
        case .failure(let error): throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }
}

/// A duration with a unit (`15s`, `500ms`), or a bare number of milliseconds.
struct DurationValue: Decodable {
    var milliseconds: Int64
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            milliseconds = number
            return
        }
        switch Units.parseDuration(try container.decode(String.self)) {
        case .success(let value): milliseconds = value
        case .failure(let error): throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }
}

/// Bytes per second: `125MB/s`, `1Gbit/s`, `500Mbit/s`, or a bare number of bytes per second.
struct RateValue: Decodable {
    var bytesPerSecond: Double
    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            bytesPerSecond = number
            return
        }
        switch Units.parseRate(try container.decode(String.self)) {
        case .success(let value): bytesPerSecond = value
        case .failure(let error): throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }
}
