import Model

/// One family's concurrency ramp (cells equal but for the ramped knob, its grid values as the
/// ladder): start at the lowest value, step to the value nearest ×4, then ×2, accepting a step
/// when it gains at least `minGain` of linear and fails no more than the accepted one; after the
/// first rejected step, one refining step between the accepted value and the rejected one; then
/// the accepted value is the family's answer. As azcopy's benchmark ramps connections, but on the
/// grid's own values and with the failures counted.
struct ConcurrencyRamp: Sendable {
    struct Rung: Sendable, Equatable {
        var value: Int
        var cellId: Int64
    }

    struct Step: Sendable {
        var cellId: Int64
        var verdict: SearchVerdict
        var reason: String
        /// The ramp's step that decided it (1-based).
        var step: Int
    }

    let knob: RampKnob
    /// The family's cells by the ramped knob's value, lowest first.
    let ladder: [Rung]
    let minGain: Double
    private(set) var accepted = 0
    private(set) var candidate: Int?
    private(set) var refining = false
    private(set) var steps: [Step] = []
    private(set) var decisions = 0

    init(knob: RampKnob, ladder: [Rung], minGain: Double) {
        self.knob = knob
        self.ladder = ladder.sorted { $0.value < $1.value }
        self.minGain = minGain
        candidate = nextCandidate()
        if candidate == nil { finish() }
    }

    var done: Bool { candidate == nil }
    /// The cells to measure before the next decision: the accepted one and the candidate.
    var toMeasure: [Int64] { [ladder[accepted].cellId] + (candidate.map { [ladder[$0].cellId] } ?? []) }
    var answer: Int64 { ladder[accepted].cellId }

    /// The next rung up: the highest value within ×4 (first step) or ×2 of the accepted one, or
    /// the very next value when even that is further.
    private func nextCandidate() -> Int? {
        guard accepted + 1 < ladder.count else { return nil }
        let limit = ladder[accepted].value * (decisions == 0 ? 4 : 2)
        return ladder.indices.last { $0 > accepted && ladder[$0].value <= limit } ?? accepted + 1
    }

    /// Decides the candidate against the accepted value from their standings and failed trials.
    mutating func decide(_ standings: [Int64: CellStanding], failures: [Int64: Int]) {
        guard let c = candidate, let base = standings[ladder[accepted].cellId], let next = standings[ladder[c].cellId] else { return }
        decisions += 1
        let (a, b) = (ladder[accepted], ladder[c])
        let linear = Double(b.value) / Double(a.value) - 1
        let gain = base.median > 0 ? next.median / base.median - 1 : (next.median > 0 ? .infinity : 0)
        let share = linear > 0 ? gain / linear : 0
        let failedMore = failures[b.cellId, default: 0] > failures[a.cellId, default: 0]
        let words = String(format: "%@ %d → %d: %.1f → %.1f MB/s, %+.0f%% (%.0f%% of linear)", knob.rawValue, a.value, b.value,
                           base.median, next.median, gain.isFinite ? gain * 100 : 999, share.isFinite ? share * 100 : 999)
        if share >= minGain && !failedMore {
            steps.append(Step(cellId: a.cellId, verdict: .dropped, reason: "superseded: \(words)", step: decisions))
            accepted = c
            candidate = refining ? nil : nextCandidate()
        } else {
            let why = failedMore ? "it failed more (\(failures[b.cellId, default: 0]) vs \(failures[a.cellId, default: 0]) trials)"
                : String(format: "below the %.0f%% of linear a step must gain", minGain * 100)
            steps.append(Step(cellId: b.cellId, verdict: .dropped, reason: "rejected: \(words), \(why)", step: decisions))
            // One refining step between the accepted value and the rejected one, if the grid has one.
            let between = ladder.indices.filter { $0 > accepted && $0 < c }
            if !refining, !between.isEmpty {
                refining = true
                candidate = between[between.count / 2]
            } else {
                candidate = nil
            }
        }
        if candidate == nil { finish() }
    }

    private mutating func finish() {
        steps.append(Step(cellId: ladder[accepted].cellId, verdict: .kept,
                          reason: "the ramp's answer for this family: \(knob.rawValue) \(ladder[accepted].value)", step: max(1, decisions)))
    }
}
