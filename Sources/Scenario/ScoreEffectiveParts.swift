import Model

/// UPLOAD_PARTSIZE values Score cannot tell apart, merged before a run. Score's part calculator
/// raises every value to its 20 MiB floor and, for objects over about 200 GB, to objectSize ÷ 10,000
/// (docs/score.md): 8 MiB and 20 MiB then move exactly the same parts. Each group of values that
/// gives the same part size for every object of the scenario is measured once, under the value Score
/// really uses, so labels, memory and recommendations name what ran.
public struct ScoreEffectiveParts: Sendable, Equatable {
    /// The values to measure, in the grid's order, each a setting Score honours as written.
    public var values: [Int64]
    /// One line per value that was raised or merged.
    public var notes: [String]

    public init(configured: [Int64], objectSizes: [Int64]) {
        let sizes = Array(Set(objectSizes)).sorted()
        func layout(_ value: Int64) -> [Int64] {
            let calculator = PartCalculator(uploadPartSize: value)
            return sizes.map { calculator.partSize(forObjectOfSize: $0) }
        }
        // Each value's representative: raised to the floor; among values with the same layout, the smallest.
        var representative: [[Int64]: Int64] = [:]
        for value in configured {
            let raised = max(value, PartCalculator.minimumPartSize)
            let key = layout(value)
            representative[key] = min(representative[key] ?? raised, raised)
        }
        var values: [Int64] = []
        var notes: [String] = []
        for value in configured {
            let chosen = representative[layout(value)]!
            if !values.contains(chosen) { values.append(chosen) }
            guard chosen != value else { continue }
            let why = value < PartCalculator.minimumPartSize && chosen == PartCalculator.minimumPartSize
                ? "Score raises it to its 20MiB floor"
                : "Score's calculator gives the same parts for every object here"
            notes.append("grid.UPLOAD_PARTSIZE \(Units.formatSize(value)): \(why); measured as \(Units.formatSize(chosen)) (UPLOAD_PARTSIZE=\(chosen))")
        }
        self.values = values
        self.notes = notes
    }
}
