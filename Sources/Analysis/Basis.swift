/// Where a recommended value comes from, so nobody takes a kept value for a measured one.
public enum Basis: String, Sendable, Codable, CaseIterable {
    /// The grid varied it and the run's outcomes chose it.
    case measured
    /// Sized from a model fitted to the run: the path's fault rates, its wait and stall
    /// distributions, the finalize fit (`PathFaults`, `RiskModel`).
    case modelled
    /// No evidence covers it (loopback, a path that showed no fault, too few events): the operator's
    /// value, unchanged.
    case kept
}
