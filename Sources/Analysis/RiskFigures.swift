/// What a value costs on the measured path: the time faults and retries add, and the objects that
/// fail outright, at one setting of the retry limit and timeouts.
public struct RiskFigures: Sendable, Encodable, Equatable {
    /// Seconds per GiB moved lost to faults, waits cut short and retries.
    public var secondsPerGiB: Double
    /// Objects expected to fail every attempt of some request, per 100,000 objects.
    public var failedPer100k: Double

    public init(secondsPerGiB: Double, failedPer100k: Double) {
        (self.secondsPerGiB, self.failedPer100k) = (secondsPerGiB, failedPer100k)
    }

    var text: String {
        "\(RiskModel.format(secondsPerGiB)) s/GiB lost, \(RiskModel.format(failedPer100k)) failed objects per 10^5"
    }
}

/// The recommended value's cost beside the operator's.
public struct RiskComparison: Sendable, Encodable, Equatable {
    public var recommended: RiskFigures
    public var current: RiskFigures

    var text: String { "at this value \(recommended.text); at the file's \(current.text)" }
}
