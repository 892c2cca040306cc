import Model

/// Cells a search need not measure, each with the reason it was left out, decided before any
/// trial: cells whose client memory exceeds the stated budget, cells over S3's 10,000 parts, and
/// retry and timeout variants that cannot differ on a network that plays no faults (one is
/// measured, preferably the `.env.score`'s own values). Straight to the store counts as such a
/// network only when the store is on this machine: a remote store may throttle or fail by itself. Cells Score cannot tell apart (part sizes
/// under its floor) were merged earlier, by `ScoreEffectiveParts`.
public struct SearchPruning: Sendable {
    public struct Pruned: Sendable, Equatable {
        public var knobs: Knobs
        public var reason: String
    }

    public var kept: [Knobs] = []
    public var pruned: [Pruned] = []

    public init(cells: [Knobs], scenario: Scenario, defaults: Knobs, storeIsLocal: Bool) {
        var candidates: [Knobs] = []
        for knobs in cells {
            if let reason = Self.memoryProblem(knobs, budget: scenario.search.maxMemory) ?? Self.partProblem(knobs, scenario: scenario) {
                pruned.append(Pruned(knobs: knobs, reason: reason))
            } else {
                candidates.append(knobs)
            }
        }
        // Faultless networks: one representative per set of cells that differ only in knobs the
        // network cannot exercise.
        var representative: [Knobs: Knobs] = [:]
        for knobs in candidates {
            let profile = knobs.network.flatMap { scenario.networks[$0] } ?? NetworkProfile()
            guard profile.faults == NetworkProfile.Faults(), knobs.network != nil || storeIsLocal else { kept.append(knobs); continue }
            let key = Self.equivalenceKey(knobs, profile: profile)
            guard let chosen = representative[key] else {
                representative[key] = knobs
                kept.append(knobs)
                continue
            }
            // The .env.score's values measure in place of the first one listed.
            if Self.defaultsMatched(knobs, defaults, key: key) > Self.defaultsMatched(chosen, defaults, key: key),
               let index = kept.firstIndex(of: chosen) {
                kept[index] = knobs
                representative[key] = knobs
                pruned.append(Pruned(knobs: chosen, reason: Self.faultlessReason(chosen, measuredAs: knobs)))
            } else {
                pruned.append(Pruned(knobs: knobs, reason: Self.faultlessReason(knobs, measuredAs: chosen)))
            }
        }
    }

    static func memoryProblem(_ knobs: Knobs, budget: Int64?) -> String? {
        guard let budget else { return nil }
        let memory = knobs.clientMemory
        guard memory.map({ $0 > budget }) ?? true else { return nil }
        return "needs \(memory.map(Units.formatSize) ?? "more than 8EiB") of client memory (\(Units.formatSize(knobs.largestBuffer)) × parallel \(knobs.parallel) × clients \(knobs.clients)), over search.max_memory \(Units.formatSize(budget))"
    }

    static func partProblem(_ knobs: Knobs, scenario: Scenario) -> String? {
        guard scenario.mode == .multipart else { return nil }   // Score's calculator never makes more than 10,000 parts
        return Scenario.partLimitProblem(knobs.uploadPartSize, largestObject: scenario.largestObject)
    }

    /// The knobs with retry limit and timeouts blanked where a faultless network cannot reach them:
    /// no retry is ever needed, and a timeout well above the round trip never fires.
    static func equivalenceKey(_ knobs: Knobs, profile: NetworkProfile) -> Knobs {
        var key = knobs
        key.retryLimit = -1
        let roundTrip = Int64(2 * (profile.rttMilliseconds + profile.jitterMilliseconds)) + 1_000
        if key.connectTimeoutMilliseconds > roundTrip { key.connectTimeoutMilliseconds = -1 }
        if key.stallTimeoutMilliseconds > roundTrip { key.stallTimeoutMilliseconds = -1 }
        return key
    }

    /// How many of the knobs the key blanked hold the `.env.score`'s own values.
    static func defaultsMatched(_ knobs: Knobs, _ defaults: Knobs, key: Knobs) -> Int {
        [knobs.retryLimit == defaults.retryLimit,
         key.connectTimeoutMilliseconds < 0 && knobs.connectTimeoutMilliseconds == defaults.connectTimeoutMilliseconds,
         key.stallTimeoutMilliseconds < 0 && knobs.stallTimeoutMilliseconds == defaults.stallTimeoutMilliseconds].filter { $0 }.count
    }

    static func faultlessReason(_ knobs: Knobs, measuredAs chosen: Knobs) -> String {
        "\(knobs.network.map { "network \($0)" } ?? "the loopback path to the store") plays no faults: UPLOAD_RETRY_LIMIT \(knobs.retryLimit), "
            + "connect timeout \(Units.formatDuration(knobs.connectTimeoutMilliseconds)) and stall timeout \(Units.formatDuration(knobs.stallTimeoutMilliseconds)) "
            + "cannot change what it measures; measured once, as retry \(chosen.retryLimit), connect \(Units.formatDuration(chosen.connectTimeoutMilliseconds)), "
            + "stall \(Units.formatDuration(chosen.stallTimeoutMilliseconds))"
    }
}
