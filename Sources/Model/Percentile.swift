/// Percentiles of plain samples: the one definition the run's progress lines and the analysis
/// both use, so a median printed live is the median the report shows.
public enum Percentile {
    /// Linear interpolation between closest ranks (the "R-7" definition, as numpy's default).
    public static func of(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = p / 100 * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down)), high = Int(rank.rounded(.up))
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
    }

    public static func median(_ values: [Double]) -> Double? { of(values, 50) }
}
