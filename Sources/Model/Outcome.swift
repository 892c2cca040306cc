/// How one trial ended: `trials.outcome`. A failed trial's `error_class` says why.
public enum Outcome: String, Sendable, CaseIterable, Codable {
    case ok, failed
}
