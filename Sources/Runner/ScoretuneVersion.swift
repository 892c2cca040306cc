/// The version recorded with every run and printed by `--version`.
public enum ScoretuneVersion {
    public static let current = "0.6.0"
}
