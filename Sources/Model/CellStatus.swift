/// Where one cell of the grid stands: `cells.status`.
public enum CellStatus: String, Sendable, CaseIterable, Codable {
    case pending, running, done, interrupted
    /// A search left it out before any trial (`search_verdicts` says why).
    case pruned
    /// A search stopped measuring it after a round of decisions (`search_verdicts` says why).
    case dropped

    /// A search set it aside (pruned or dropped): it is measured no further.
    public var isSetAside: Bool { self == .pruned || self == .dropped }

    /// Settled cells get no more visits: done, or set aside by a search.
    public var isSettled: Bool { self == .done || isSetAside }
}
