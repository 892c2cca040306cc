/// Which way a trial moved its object: `trials.direction`.
public enum Direction: String, Sendable, CaseIterable, Codable {
    case upload, download
}
