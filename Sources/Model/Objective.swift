/// What "best" means for a cell: its upload rate, its download rate, or moving the same bytes up
/// then down (the harmonic mean of the two). `recommend --objective`, the scenario's `search.objective`.
public enum Objective: String, Codable, Sendable, CaseIterable {
    case upload, download, both

    /// The directions whose figures count.
    public var directions: [Direction] {
        switch self {
        case .upload: return [.upload]
        case .download: return [.download]
        case .both: return [.upload, .download]
        }
    }
}
