import Model

/// The proxy's seeded dice, so the same profile injects the same faults run after run.
struct FaultDice {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    /// A Double in [0, 1).
    mutating func roll() -> Double { generator.nextUnit() }
}
