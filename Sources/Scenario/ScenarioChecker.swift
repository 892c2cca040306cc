import Foundation
import Model
import Yams

/// The rules a decoded scenario must meet, each failure pointing at its line.
struct ScenarioChecker {
    let file: ScenarioFile
    let root: Node
    let path: String
    let text: String

    static let minimumPartSize: Int64 = 5 << 20     // S3: every part but the last
    static let maximumPartSize: Int64 = 5 << 30     // S3: 5 GiB
    static let javaIntLimit: Int64 = Int64(Int32.max)

    func fail(_ codingPath: [String], _ index: Int? = nil, _ message: String) -> ScenarioError {
        var keys: [CodingKey] = codingPath.map { AnyKey(stringValue: $0) }
        if let index { keys.append(AnyKey(intValue: index)) }
        let (node, key) = ScenarioLoader.find(keys, in: root)
        return ScenarioError(path: path, line: node?.mark?.line, key: key, message: message)
    }

    func scenario() throws -> Scenario {
        let mode = file.mode ?? .score
        var warnings: [String] = []

        guard let objects = file.objects else { throw fail([], nil, "'objects' is required (sizes or distribution, count, seed)") }
        let seed = objects.seed ?? 1
        var specs: [Scenario.ObjectSpec] = []
        switch (objects.sizes, objects.distribution) {
        case (nil, nil), (.some, .some):
            throw fail(["objects"], nil, "give either 'sizes' or 'distribution'")
        case (let sizes?, nil):
            guard !sizes.values.isEmpty else { throw fail(["objects", "sizes"], nil, "needs at least one size") }
            for (i, size) in sizes.values.enumerated() {
                if let problem = Self.objectSizeProblem(size.bytes) { throw fail(["objects", "sizes"], sizes.values.count > 1 ? i : nil, problem) }
            }
            let count = objects.count ?? sizes.values.count
            try checkCount(count)
            specs = (0..<count).map { Scenario.ObjectSpec(index: $0, size: sizes.values[$0 % sizes.values.count].bytes) }
        case (nil, let distribution?):
            guard !distribution.isEmpty else { throw fail(["objects", "distribution"], nil, "needs at least one size") }
            for (i, entry) in distribution.enumerated() {
                if let problem = Self.objectSizeProblem(entry.size.bytes) { throw fail(["objects", "distribution", "\(i)", "size"], nil, problem) }
                guard entry.weight > 0, entry.weight.isFinite, entry.weight <= 1e9 else {
                    throw fail(["objects", "distribution", "\(i)", "weight"], nil, "must be above 0 and at most 1e9")
                }
            }
            let count = objects.count ?? 1
            try checkCount(count)
            var random = SplitMix64(seed: seed)
            let total = distribution.map(\.weight).reduce(0, +)
            specs = (0..<count).map { index in
                var pick = random.nextUnit() * total
                let entry = distribution.first { pick -= $0.weight; return pick < 0 } ?? distribution.last!
                return Scenario.ObjectSpec(index: index, size: entry.size.bytes)
            }
        }

        var total: Int64 = 0
        for spec in specs {
            let (sum, overflow) = total.addingReportingOverflow(spec.size)
            guard !overflow, sum <= ScenarioLimits.bytesPerRepetition else {
                throw fail(["objects"], nil, "the objects add up to more than \(Units.formatSize(ScenarioLimits.bytesPerRepetition)) per repetition, the most a run moves")
            }
            total = sum
        }

        let repetitions = file.repetitions ?? 3
        guard (1...ScenarioLimits.repetitions).contains(repetitions) else { throw fail(["repetitions"], nil, "must be 1 to \(ScenarioLimits.repetitions)") }
        let warmup = file.warmup ?? 1
        guard (0...ScenarioLimits.warmup).contains(warmup) else { throw fail(["warmup"], nil, "must be 0 to \(ScenarioLimits.warmup)") }
        if let budget = file.budget, !(1...ScenarioLimits.budgetMilliseconds).contains(budget.milliseconds) {
            throw fail(["budget"], nil, "must be above 0 and at most \(Units.formatDuration(ScenarioLimits.budgetMilliseconds))")
        }
        let backoff = Scenario.Backoff(baseMilliseconds: file.backoff?.base?.milliseconds ?? 100,
                                       maxMilliseconds: file.backoff?.max?.milliseconds ?? 5_000)
        guard (1...ScenarioLimits.durationMilliseconds).contains(backoff.baseMilliseconds) else { throw fail(["backoff", "base"], nil, "must be 1ms to 1h") }
        guard backoff.maxMilliseconds >= backoff.baseMilliseconds else { throw fail(["backoff", "max"], nil, "must be at least backoff.base") }
        guard backoff.maxMilliseconds <= ScenarioLimits.durationMilliseconds else { throw fail(["backoff", "max"], nil, "must be at most 1h") }

        var grid = try checkedGrid(mode: mode, largestObject: specs.map(\.size).max() ?? 0, warnings: &warnings)
        let networks = try checkedNetworks(seed: seed)
        if let given = file.grid?.network?.values {
            guard !given.isEmpty else { throw fail(["grid", "network"], nil, "needs at least one value") }
            let names = Self.merged(given, key: "network", warnings: &warnings)
            for (i, name) in names.enumerated() where networks[name] == nil {
                throw fail(["grid", "network"], names.count > 1 ? i : nil,
                           "no network profile '\(name)' (define it under 'networks'\(networks.isEmpty ? "" : ": " + networks.keys.sorted().joined(separator: ", ")))")
            }
            grid.network = names
        } else if networks["network"] != nil, file.network != nil {
            grid.network = ["network"]
        }

        try checkCellCount(grid, mode: mode)

        let search = try checkedSearch(repetitions: repetitions)
        // A search's time budget bounds the run like the top-level one; the smaller wins.
        let budgets = [file.budget?.milliseconds, file.search?.budget?.time?.milliseconds].compactMap { $0 }

        var envPath = file.env
        if let env = envPath, !env.hasPrefix("/") {
            // Relative to the scenario file, so shipped scenarios work from any directory.
            envPath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(env).standardizedFileURL.path
        }
        let name = file.name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return Scenario(name: name, path: path, text: text, envPath: envPath, mode: mode, objects: specs, seed: seed,
                        repetitions: repetitions, warmup: warmup, budgetMilliseconds: budgets.min(),
                        orderSeed: file.order_seed ?? seed, order: file.order ?? .interleaved, backoff: backoff, grid: grid, networks: networks, search: search, warnings: warnings)
    }

    /// The `search` block, each bound checked at its line.
    private func checkedSearch(repetitions: Int) throws -> SearchSettings {
        guard let raw = file.search else { return .grid }
        var search = SearchSettings.grid
        search.strategy = raw.strategy ?? .grid
        if let eta = raw.eta {
            guard (2...16).contains(eta) else { throw fail(["search", "eta"], nil, "must be 2 to 16 (keep the best 1/eta each round)") }
            search.eta = eta
        }
        if let initial = raw.initial_rounds {
            guard (1...repetitions).contains(initial) else {
                throw fail(["search", "initial_rounds"], nil, "must be 1 to the scenario's repetitions (\(repetitions))")
            }
            search.initialRounds = initial
        }
        search.objective = raw.objective ?? .both
        if let time = raw.budget?.time, !(1...ScenarioLimits.budgetMilliseconds).contains(time.milliseconds) {
            throw fail(["search", "budget", "time"], nil, "must be above 0 and at most \(Units.formatDuration(ScenarioLimits.budgetMilliseconds))")
        }
        if let trials = raw.budget?.trials {
            guard (1...ScenarioLimits.trialBudget).contains(trials) else {
                throw fail(["search", "budget", "trials"], nil, "must be 1 to \(ScenarioLimits.trialBudget)")
            }
            search.trialBudget = trials
        }
        if let memory = raw.max_memory {
            guard memory.bytes >= 1 << 20 else { throw fail(["search", "max_memory"], nil, "must be at least 1MiB") }
            search.maxMemory = memory.bytes
        }
        if let knob = raw.ramp {
            guard search.strategy == .ramp else { throw fail(["search", "ramp"], nil, "belongs to strategy: ramp") }
            search.rampKnob = knob
        }
        if let gain = raw.min_gain {
            guard search.strategy == .ramp else { throw fail(["search", "min_gain"], nil, "belongs to strategy: ramp") }
            guard gain.isFinite, (0...1).contains(gain) else { throw fail(["search", "min_gain"], nil, "a share of linear gain is 0 to 1") }
            search.minGain = gain
        }
        if search.strategy == .ramp {
            let knob = search.rampKnob ?? ((file.grid?.parallel?.values.count ?? 0) > 1 ? .parallel : .clients)
            let values = knob == .parallel ? file.grid?.parallel?.values : file.grid?.clients?.values
            guard Set(values ?? []).count > 1 else {
                throw fail(["search", "strategy"], nil, "a ramp climbs grid.\(knob.rawValue): give it at least two values")
            }
            search.rampKnob = knob
        }
        if search.strategy != .grid, file.order == .blocked {
            throw fail(["order"], nil, "search.strategy: \(search.strategy.rawValue) measures in interleaved rounds; remove order: blocked")
        }
        if search.strategy == .grid, raw.eta != nil || raw.initial_rounds != nil {
            throw fail(["search", "strategy"], nil, "eta and initial_rounds belong to strategy: halving")
        }
        return search
    }

    /// The `network` block (named "network") and the `networks` profiles, checked.
    private func checkedNetworks(seed: UInt64) throws -> [String: NetworkProfile] {
        var blocks: [(String, [String], ScenarioFile.NetworkBlock)] = []
        if let single = file.network { blocks.append(("network", ["network"], single)) }
        for (name, block) in file.networks ?? [:] { blocks.append((name, ["networks", name], block)) }
        var profiles: [String: NetworkProfile] = [:]
        for (name, path, block) in blocks {
            var profile = NetworkProfile()
            for (key, value) in [("rtt", block.rtt), ("jitter", block.jitter)] {
                if let value, !(0...ScenarioLimits.durationMilliseconds).contains(value.milliseconds) {
                    throw fail(path + [key], nil, "must be 0 to 1h")
                }
            }
            let stallLengths = block.faults?.stall_for?.values
            if let stallLengths {
                guard !stallLengths.isEmpty, stallLengths.count <= 10_000 else { throw fail(path + ["faults", "stall_for"], nil, "needs 1 to 10000 durations") }
                for (i, value) in stallLengths.enumerated() where !(0...ScenarioLimits.durationMilliseconds).contains(value.milliseconds) {
                    throw fail(path + ["faults", "stall_for"], stallLengths.count > 1 ? i : nil, "must be 0 to 1h")
                }
            }
            for (key, value) in [("bandwidth_per_connection", block.bandwidth_per_connection), ("bandwidth_total", block.bandwidth_total)] {
                if let value, !ScenarioLimits.bandwidth.contains(value.bytesPerSecond) {
                    throw fail(path + [key], nil, "must be from 1KB/s (8Kbit/s) to 100GB/s")
                }
            }
            profile.rttMilliseconds = Double(block.rtt?.milliseconds ?? 0)
            profile.jitterMilliseconds = Double(block.jitter?.milliseconds ?? 0)
            profile.bandwidthPerConnection = block.bandwidth_per_connection?.bytesPerSecond
            profile.bandwidthTotal = block.bandwidth_total?.bytesPerSecond
            profile.seed = block.seed ?? seed
            profile.carriesServerCalls = block.server_calls ?? false
            if let faults = block.faults {
                for (key, value) in [("reset", faults.reset), ("stall", faults.stall), ("refuse", faults.refuse), ("blackhole", faults.blackhole),
                                     ("slowdown_503", faults.slowdown_503), ("error_500", faults.error_500), ("lost_answer", faults.lost_answer)] {
                    if let value, !(0...1).contains(value) || value.isNaN { throw fail(path + ["faults", key], nil, "a probability is 0 to 1") }
                }
                profile.faults.resetPerMiB = faults.reset ?? 0
                profile.faults.stallPerMiB = faults.stall ?? 0
                profile.faults.stallMilliseconds = stallLengths.map { $0.map { Double($0.milliseconds) } } ?? [30_000]
                profile.faults.refusePerConnection = faults.refuse ?? 0
                profile.faults.blackholePerConnection = faults.blackhole ?? 0
                profile.faults.slowDownPerRequest = faults.slowdown_503 ?? 0
                profile.faults.errorPerRequest = faults.error_500 ?? 0
                profile.faults.lostAnswerPerRequest = faults.lost_answer ?? 0
            }
            profiles[name] = profile
        }
        return profiles
    }

    private func checkedGrid(mode: Mode, largestObject: Int64, warnings: inout [String]) throws -> Scenario.Grid {
        let raw = file.grid
        func each<T>(_ key: String, _ values: OneOrMany<T>?, _ check: (T) -> String?) throws -> [T]? {
            guard let values = values?.values else { return nil }
            guard !values.isEmpty else { throw fail(["grid", key], nil, "needs at least one value") }
            for (i, value) in values.enumerated() {
                if let problem = check(value) { throw fail(["grid", key], i, problem) }
            }
            return values
        }
        func sizes(_ key: String, _ values: [SizeValue]?) -> [Int64]? { values.map { Self.merged($0.map(\.bytes), key: key, warnings: &warnings) } }
        func durations(_ key: String, _ values: [DurationValue]?) -> [Int64]? { values.map { Self.merged($0.map(\.milliseconds), key: key, warnings: &warnings) } }
        func numbers(_ key: String, _ values: [Int]?) -> [Int]? { values.map { Self.merged($0, key: key, warnings: &warnings) } }
        let upload = sizes(Knob.uploadPartSize.gridKey, try each(Knob.uploadPartSize.gridKey, raw?.UPLOAD_PARTSIZE) { size in
            if size.bytes < Self.minimumPartSize { return "\(Units.formatSize(size.bytes)) is below S3's 5MiB minimum part size" }
            if size.bytes > Self.maximumPartSize { return "\(Units.formatSize(size.bytes)) is above S3's 5GiB maximum part size" }
            if mode == .score && size.bytes > Self.javaIntLimit {
                return "\(Units.formatSize(size.bytes)) does not fit Score's Java int (UPLOAD_PARTSIZE must stay below 2^31)"
            }
            return mode == .multipart ? Scenario.partLimitProblem(size.bytes, largestObject: largestObject) : nil
        })
        var download = sizes(Knob.downloadPartSize.gridKey, try each(Knob.downloadPartSize.gridKey, raw?.DOWNLOAD_PARTSIZE) { size in
            if size.bytes < 64 << 10 { return "\(Units.formatSize(size.bytes)) is below the 64KiB minimum ranged GET" }
            if size.bytes > Self.maximumPartSize { return "\(Units.formatSize(size.bytes)) is above 5GiB" }
            return Scenario.requestLimitProblem(size.bytes, largestObject: largestObject, what: "ranged GETs")
        })
        if mode == .score, download != nil {
            warnings.append("grid.DOWNLOAD_PARTSIZE is ignored in score mode: Score downloads with the upload's part layout (use mode: multipart to sweep it)")
            download = nil
        }
        let retry = numbers(Knob.retryLimit.gridKey, try each(Knob.retryLimit.gridKey, raw?.UPLOAD_RETRY_LIMIT) { (0...100).contains($0) ? nil : "must be 0 to 100" })
        let timeoutRange = 1...ScenarioLimits.durationMilliseconds
        let connect = durations(Knob.connectTimeout.gridKey, try each(Knob.connectTimeout.gridKey, raw?.UPLOAD_CONNECTIONTIMEOUT) {
            timeoutRange.contains($0.milliseconds) ? nil : "must be 1ms to 1h"
        })
        let stall = durations(Knob.stallTimeout.gridKey, try each(Knob.stallTimeout.gridKey, raw?.stall_timeout) { timeoutRange.contains($0.milliseconds) ? nil : "must be 1ms to 1h" })
        let parallel = numbers(Knob.parallel.gridKey, try each(Knob.parallel.gridKey, raw?.parallel) { (1...256).contains($0) ? nil : "must be 1 to 256" })
        let clients = numbers(Knob.clients.gridKey, try each(Knob.clients.gridKey, raw?.clients) { (1...256).contains($0) ? nil : "must be 1 to 256" })
        if let most = parallel?.max(), let clients = clients?.max(), most * clients > ScenarioLimits.connections {
            throw fail(["grid", Knob.clients.gridKey], nil, "parallel \(most) × clients \(clients) is more than the \(ScenarioLimits.connections) connections a run may hold")
        }
        let blocks = sizes(Knob.blockSize.gridKey, try each(Knob.blockSize.gridKey, raw?.block_size) { size in
            if size.bytes < 64 << 10 { return "\(Units.formatSize(size.bytes)) is below the 64KiB this tool allows for a block" }
            if size.bytes > 4000 << 20 { return "\(Units.formatSize(size.bytes)) is above Azure's 4000MiB maximum block size" }
            return Scenario.blockLimitProblem(size.bytes, largestObject: largestObject)
        })
        let connections = try each(Knob.connections.gridKey, raw?.connections) { _ in nil }.map { Self.merged($0, key: Knob.connections.gridKey, warnings: &warnings) }
        let workers = numbers(Knob.workers.gridKey, try each(Knob.workers.gridKey, raw?.workers) { (1...Worker.maximumCount).contains($0) ? nil : "must be 1 to \(Worker.maximumCount)" })
        return Scenario.Grid(uploadPartSize: upload, downloadPartSize: download, retryLimit: retry, connectTimeout: connect,
                             stallTimeout: stall, parallel: parallel, clients: clients, network: nil, blockSize: blocks,
                             connections: connections, workers: workers)
    }
}

extension ScenarioChecker {
    static func objectSizeProblem(_ bytes: Int64) -> String? {
        guard bytes > 0 else { return "an object size must be above 0" }
        guard bytes <= ScenarioLimits.objectSize else {
            return "\(Units.formatSize(bytes)) is above \(Units.formatSize(ScenarioLimits.objectSize)), S3's largest object"
        }
        return nil
    }

    func checkCount(_ count: Int) throws {
        guard (1...ScenarioLimits.objectCount).contains(count) else {
            throw fail(["objects", "count"], nil, "must be 1 to \(ScenarioLimits.objectCount) objects")
        }
    }

    /// A value given twice in one grid list is measured once; the note says so.
    static func merged<T: Hashable>(_ values: [T], key: String, warnings: inout [String]) -> [T] {
        var seen = Set<T>()
        let unique = values.filter { seen.insert($0).inserted }
        if unique.count < values.count {
            warnings.append("grid.\(key): \(values.count - unique.count) repeated value(s) merged; each value is one cell")
        }
        return unique
    }

    /// The product of every grid list, with checked multiplication, against the run's limit.
    func checkCellCount(_ grid: Scenario.Grid, mode: Mode) throws {
        // Every knob's list (DOWNLOAD_PARTSIZE counts in multipart mode only: score mode ignores it).
        let lengths = Knob.allCases.filter { $0 != .downloadPartSize || mode == .multipart }.compactMap { grid.count(of: $0) }
        var cells = 1
        for length in lengths {
            let (product, overflow) = cells.multipliedReportingOverflow(by: length)
            guard !overflow, product <= ScenarioLimits.cells else {
                throw fail(["grid"], nil, "the grid has more than \(ScenarioLimits.cells) cells (the product of its lists); split it into several scenarios")
            }
            cells = product
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = Int(stringValue)
    }
    init(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }
}
