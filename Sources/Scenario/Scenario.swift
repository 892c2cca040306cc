import Foundation
import Model

/// A validated scenario: what to transfer, how, and over which grid of knobs.
public struct Scenario: Sendable {
    public var name: String
    /// The file it came from and its text, kept with the run so it can be resumed and audited.
    public var path: String
    public var text: String
    /// The `.env.score` named in the file, resolved against the file's folder (the command line
    /// may override it).
    public var envPath: String?
    public var mode: Mode
    public var objects: [ObjectSpec]
    public var seed: UInt64
    public var repetitions: Int
    public var warmup: Int
    public var budgetMilliseconds: Int64?
    public var orderSeed: UInt64
    /// Repetitions round-robin across cells (default) or each cell's back to back.
    public var order: TrialOrder
    public var backoff: Backoff
    public var grid: Grid
    /// Network profiles by name: the fault proxy plays them between client and store.
    public var networks: [String: NetworkProfile]
    /// How the grid is explored (`search:`; the whole grid when absent).
    public var search: SearchSettings
    /// Things worth saying that do not stop the run (a knob Score ignores in this mode, …).
    public var warnings: [String]

    public struct ObjectSpec: Sendable, Equatable, Codable {
        /// Identifies the synthetic bytes together with the seed; the same in every cell.
        public var index: Int
        public var size: Int64
    }

    public struct Backoff: Sendable, Equatable {
        public var baseMilliseconds: Int64
        public var maxMilliseconds: Int64
    }

    /// The values given for each knob; nil where the file leaves a knob to the `.env.score`.
    public struct Grid: Sendable {
        public var uploadPartSize: [Int64]?
        public var downloadPartSize: [Int64]?
        public var retryLimit: [Int]?
        public var connectTimeout: [Int64]?
        public var stallTimeout: [Int64]?
        public var parallel: [Int]?
        public var clients: [Int]?
        /// Names in `networks`; nil: the store directly.
        public var network: [String]?
        /// Azure block sizes; ignored on S3 (the runner says so).
        public var blockSize: [Int64]?
        /// Which connections the client reuses; nil: warm.
        public var connections: [ConnectionReuse]?
        /// A distributed run: how many of its workers move objects in a cell; nil: all.
        public var workers: [Int]?

        /// How many values the grid gives a knob; nil where it leaves the knob to the `.env.score`.
        public func count(of knob: Knob) -> Int? {
            switch knob {
            case .network: return network?.count
            case .blockSize: return blockSize?.count
            case .uploadPartSize: return uploadPartSize?.count
            case .downloadPartSize: return downloadPartSize?.count
            case .parallel: return parallel?.count
            case .clients: return clients?.count
            case .retryLimit: return retryLimit?.count
            case .connectTimeout: return connectTimeout?.count
            case .stallTimeout: return stallTimeout?.count
            case .connections: return connections?.count
            case .workers: return workers?.count
            }
        }
    }

    public var largestObject: Int64 { objects.map(\.size).max() ?? 0 }

    /// Why `workers` processes cannot run this scenario together, or nil: each worker must own an
    /// object, and a search would decide on each worker's own measurements.
    public func distributedProblem(workers: Int) -> String? {
        if let most = grid.workers?.max(), most > workers {
            return "\(path): grid.workers \(most) is more than the \(workers) workers started"
        }
        if search.strategy != .grid {
            return "\(path): search.strategy \(search.strategy.rawValue): each worker would decide on its own measurements; distributed runs measure the whole grid"
        }
        if objects.count < workers {
            return "\(path): objects.count \(objects.count) is fewer than the \(workers) workers: each worker moves its own objects"
        }
        return nil
    }

    /// The played network a cell's requests cross (through that network's fault proxy), or nil
    /// when they go straight to the store: no network, or one that plays nothing (`lan: {}`).
    public func playedNetwork(of knobs: Knobs) -> String? {
        guard let name = knobs.network, let profile = networks[name], !profile.isIdentity else { return nil }
        return name
    }
    /// At most `ScenarioLimits.bytesPerRepetition`: the checker bounds the sum.
    public var totalBytesPerRepetition: Int64 { objects.map(\.size).reduce(0, +) }

    /// Parts of `partSize` an object of `size` needs, without overflow for any positive sizes.
    public static func partCount(_ size: Int64, partSize: Int64) -> Int64 {
        ObjectPart.count(objectSize: size, partSize: partSize)
    }

    /// The runner's bound on requests per object (ranges, blocks), or nil when it fits.
    static func requestLimitProblem(_ size: Int64, largestObject: Int64, what: String) -> String? {
        let count = partCount(largestObject, partSize: size)
        guard count > Int64(ScenarioLimits.requestsPerObject) else { return nil }
        return "\(Units.formatSize(size)): the largest object (\(Units.formatSize(largestObject))) needs \(count) \(what); a run allows \(ScenarioLimits.requestsPerObject) per object"
    }

    /// S3's 10,000-part limit for a plain multipart upload of the largest object, or nil when it fits.
    static func partLimitProblem(_ partSize: Int64, largestObject: Int64, origin: String = "") -> String? {
        let parts = partCount(largestObject, partSize: partSize)
        guard parts > 10_000 else { return nil }
        return "cell UPLOAD_PARTSIZE=\(Units.formatSize(partSize))\(origin): the largest object (\(Units.formatSize(largestObject))) needs \(parts) parts; S3 allows 10,000"
    }

    /// Azure's 50,000-block limit for the largest object, or nil when it fits.
    static func blockLimitProblem(_ blockSize: Int64, largestObject: Int64) -> String? {
        let blocks = partCount(largestObject, partSize: blockSize)
        guard blocks > 50_000 else { return nil }
        return "block_size \(Units.formatSize(blockSize)): the largest object (\(Units.formatSize(largestObject))) needs \(blocks) blocks; Azure allows 50,000"
    }

    /// The cells: every combination of knob values, with the `.env.score`'s values (or Score's
    /// defaults) for knobs the grid leaves out. Block sizes vary only when `defaults` has one
    /// (the Azure profile).
    public func cells(defaults: Knobs) throws -> [Knobs] { try plannedCells(defaults: defaults).cells }

    /// The cells to run, with a note for every UPLOAD_PARTSIZE that Score would not run as written
    /// (score mode on S3: merged by `ScoreEffectiveParts`).
    public func plannedCells(defaults: Knobs) throws -> (cells: [Knobs], notes: [String]) {
        let blockSizes: [Int64?] = defaults.blockSize.map { grid.blockSize ?? [$0] } ?? [nil]
        for case let block? in blockSizes {
            if let problem = Scenario.blockLimitProblem(block, largestObject: largestObject) {
                throw ScenarioError(path: path, line: nil, key: "grid.block_size", message: problem)
            }
        }
        var uploads = grid.uploadPartSize ?? [defaults.uploadPartSize]
        var notes: [String] = []
        if mode == .score, defaults.blockSize == nil {
            let effective = ScoreEffectiveParts(configured: uploads, objectSizes: objects.map(\.size))
            uploads = effective.values
            // A value from the .env.score is raised quietly (`config` notes it); the grid's are explained.
            if grid.uploadPartSize != nil { notes = effective.notes }
        }
        let planned = try blockSizes.flatMap { block in try self.cells(defaults: defaults, uploads: uploads, blockSize: block) }
        return (planned, notes)
    }

    private func cells(defaults: Knobs, uploads: [Int64], blockSize: Int64?) throws -> [Knobs] {
        for upload in uploads {
            // Grid values were checked with their line; this catches a part size from the .env.score.
            if mode == .multipart, let problem = Scenario.partLimitProblem(upload, largestObject: largestObject, origin: " (from the .env.score)") {
                throw ScenarioError(path: path, line: nil, key: "grid.UPLOAD_PARTSIZE", message: problem)
            }
            // On Azure UPLOAD_PARTSIZE is the download range, with no floor and no part cap.
            if blockSize != nil, let problem = Scenario.requestLimitProblem(upload, largestObject: largestObject, what: "ranged GETs") {
                throw ScenarioError(path: path, line: nil, key: "grid.UPLOAD_PARTSIZE", message: problem)
            }
        }
        // Every combination, the knob table's expansion order outermost first.
        var cells = [defaults]
        for knob in Knob.expansionOrder {
            cells = cells.flatMap { cell in
                choices(knob, in: cell, defaults: defaults, uploads: uploads, blockSize: blockSize).map { value in
                    var next = cell
                    knob.set(value, in: &next)
                    return next
                }
            }
        }
        return cells
    }

    /// The values a knob takes in the cells that share `cell`'s outer knobs: the grid's list, or
    /// the `.env.score`'s (or Score's default) value when the grid leaves it out.
    private func choices(_ knob: Knob, in cell: Knobs, defaults: Knobs, uploads: [Int64], blockSize: Int64?) -> [KnobValue?] {
        switch knob {
        case .blockSize: return [blockSize.map(KnobValue.size)]
        case .uploadPartSize: return uploads.map(KnobValue.size)
        // Score downloads with the upload's layout; a plain client's ranges default to its part size.
        case .downloadPartSize: return mode == .score ? [nil] : (grid.downloadPartSize ?? [cell.uploadPartSize]).map(KnobValue.size)
        case .network: return grid.network?.map(KnobValue.name) ?? [nil]
        case .workers: return grid.workers?.map(KnobValue.count) ?? [nil]
        case .retryLimit: return (grid.retryLimit ?? [defaults.retryLimit]).map(KnobValue.count)
        case .connectTimeout: return (grid.connectTimeout ?? [defaults.connectTimeoutMilliseconds]).map { .duration(milliseconds: $0) }
        case .stallTimeout: return (grid.stallTimeout ?? [defaults.stallTimeoutMilliseconds]).map { .duration(milliseconds: $0) }
        case .parallel: return (grid.parallel ?? [defaults.parallel]).map(KnobValue.count)
        case .clients: return (grid.clients ?? [defaults.clients]).map(KnobValue.count)
        case .connections: return (grid.connections ?? [defaults.connections]).map { .name($0.rawValue) }
        }
    }
}

/// A problem in a scenario file, pointing at the file, line and key.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var key: String
    public var message: String

    public var description: String {
        let place = line.map { "\(path):\($0)" } ?? path
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}
