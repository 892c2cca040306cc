import Model

/// The scenario's `search:` block: how the grid is explored, and what the search may spend.
public struct SearchSettings: Sendable, Equatable {
    public var strategy: SearchStrategy
    /// Halving: the share of live cells kept after each round of decisions is 1/η, and the rounds
    /// each survivor has grow η-fold.
    public var eta: Int
    /// Halving: measured rounds every cell gets before the first decision.
    public var initialRounds: Int
    /// What ranks the cells.
    public var objective: Objective
    /// Trials (rows in `trials`: each object's upload or download, warm-ups included) the search
    /// may spend; nil: no bound beyond the time budget.
    public var trialBudget: Int?
    /// Client memory (effective part × parallel × clients) a cell may need; larger cells are
    /// pruned before any trial. nil: no bound.
    public var maxMemory: Int64?
    /// Ramp: the knob it climbs (nil: `parallel` when the grid varies it, else `clients`).
    public var rampKnob: RampKnob?
    /// Ramp: the share of linear gain a step must bring to be accepted (0.2: doubling the
    /// concurrency must add at least 20%).
    public var minGain: Double = 0.2

    public static let grid = SearchSettings(strategy: .grid, eta: 3, initialRounds: 1, objective: .both, trialBudget: nil, maxMemory: nil)

    public init(strategy: SearchStrategy, eta: Int, initialRounds: Int, objective: Objective, trialBudget: Int?, maxMemory: Int64?) {
        (self.strategy, self.eta, self.initialRounds, self.objective) = (strategy, eta, initialRounds, objective)
        (self.trialBudget, self.maxMemory) = (trialBudget, maxMemory)
    }

    /// Halving's schedule: the measured rounds every live cell has after decision `rung` (0-based):
    /// initial, then ×η each time, never beyond the scenario's repetitions (a full grid's evidence).
    public func rounds(afterRung rung: Int, repetitions: Int) -> Int {
        var rounds = min(initialRounds, repetitions)
        for _ in 0..<max(0, rung) {
            let (grown, overflow) = rounds.multipliedReportingOverflow(by: eta)
            rounds = overflow ? repetitions : min(grown, repetitions)
        }
        return rounds
    }
}
