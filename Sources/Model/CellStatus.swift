/// Where one cell of the grid stands: `cells.status`.
public enum CellStatus: String, Sendable, CaseIterable, Codable {
    case pending, running, done, interrupted
}
