import Model

/// A finding that may make a run's figures, or the answer drawn from them, mean less than they
/// seem. Each is a value with what it rests on; its sentence, severity and kind are derived here
/// once, and every renderer (terminal, JSON, Markdown, the HTML badges) switches over the cases, so
/// a new one cannot be forgotten.
public enum Caution: Sendable, Equatable {
    /// The run did not finish (interrupted, out of budget, failed): cells count with what they have.
    case incompleteRun(runId: Int64, status: RunStatus, cellsDone: Int, cells: Int)
    /// A loopback run sized no retry limit or timeout: they are kept from `source`.
    case loopbackKept(LoopbackEvidence, source: String)
    /// The path showed no fault (over a played network or a real one): the retry limit and the
    /// timeouts are kept from `source`, since a fault-free run is no evidence about them.
    case faultFreeKept(attempts: Int, network: String?, source: String)
    /// No cell a search kept met the constraints: the answer comes from cells it set aside.
    case searchFallback
    /// The client machine, not the store, may have been the limit in these cells.
    case clientSaturated(cells: [Int64], worst: ClientSaturation, worstCell: Int64, storeOnThisMachine: String?)
    /// The same cells' first and last rounds disagree beyond their noise.
    case drift(Drift)
    /// A resumed run: cells measured in different sessions.
    case resumed([SessionCells])

    /// Which cells one session measured.
    public struct SessionCells: Sendable, Equatable {
        public var session: Int
        public var cells: [Int64]
    }

    /// The case's name, as JSON and the badges' data carry it.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case incompleteRun = "incomplete-run"
        case loopbackKept = "loopback-kept"
        case faultFreeKept = "fault-free-kept"
        case searchFallback = "search-fallback"
        case clientSaturated = "client-saturated"
        case drift
        case resumed
    }

    /// `notice`: the answer stands, read it knowing this; `warning`: the figures themselves may mislead.
    public enum Severity: String, Sendable, Codable {
        case notice, warning
    }

    public var kind: Kind {
        switch self {
        case .incompleteRun: return .incompleteRun
        case .loopbackKept: return .loopbackKept
        case .faultFreeKept: return .faultFreeKept
        case .searchFallback: return .searchFallback
        case .clientSaturated: return .clientSaturated
        case .drift: return .drift
        case .resumed: return .resumed
        }
    }

    public var severity: Severity {
        switch self {
        case .loopbackKept, .faultFreeKept, .resumed: return .notice
        case .incompleteRun, .searchFallback, .clientSaturated, .drift: return .warning
        }
    }

    /// The sentence people read.
    public var text: String {
        switch self {
        case .incompleteRun(let runId, let status, let done, let cells):
            return "run \(runId) is \(status.rawValue): \(done) of \(cells) cells completed their repetitions; "
                + "the others count with the trials they have (finish with --resume \(runId))"
        case .loopbackKept(let loopback, let source):
            return "\(loopback.description): UPLOAD_RETRY_LIMIT and the timeouts are kept as \(source) has them, "
                + "because a loopback run sees none of a real network's delays or faults (play one with `networks:` to size them)"
        case .faultFreeKept(let attempts, let network, let source):
            return "no request failed or stalled in \(attempts) attempts over " + (network.map { "the played network '\($0)'" } ?? "this path")
                + ": UPLOAD_RETRY_LIMIT and the timeouts are kept as \(source) has them, because a fault-free run is no evidence about "
                + "the faults they are for (measure the path with a soak, scenarios/soak.yaml, or play its faults with `networks:`)"
        case .searchFallback:
            return "no cell the search kept meets the constraints: chosen among the cells it set aside, measured in fewer rounds"
        case .clientSaturated(let cells, let worst, let worstCell, let host?):
            // A store on this same machine shares its cores: the machine, not the store as such, was the limit.
            return "this machine may have been the limit, not the store as such, in \(Self.cellList(cells)): "
                + "\(worst.description) (cell \(worstCell)), and the store at \(host) runs here too, so client and store competed for them"
        case .clientSaturated(let cells, let worst, let worstCell, nil):
            return "the client, not the store, may have been the limit in \(Self.cellList(cells)): "
                + "\(worst.description) (cell \(worstCell)); run scoretune on a quieter or larger machine, or fewer transfers at once"
        case .drift(let drift):
            return drift.description
        case .resumed(let sessions):
            return "measured in \(sessions.count) sessions (resumed): "
                + sessions.map { "session \($0.session): \(Self.cellList($0.cells))" }.joined(separator: "; ")
                + " — time apart can differ in load; rerun in one go to compare them strictly"
        }
    }

    static func cellList(_ cells: [Int64]) -> String {
        (cells.count == 1 ? "cell " : "cells ") + cells.map { "\($0)" }.joined(separator: ", ")
    }
}

extension Caution: Encodable {
    enum CodingKeys: String, CodingKey { case kind, severity, text }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(severity, forKey: .severity)
        try container.encode(text, forKey: .text)
    }
}
