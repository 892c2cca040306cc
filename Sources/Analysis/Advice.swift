/// One knob's answer: its value (in the unit the knob's setting takes: a count, milliseconds or
/// seconds), the evidence that chose it, where it comes from, and, for the values sized against
/// the path's faults, what they cost beside the operator's.
struct Advice: Sendable, Equatable {
    var value: Int
    var evidence: String
    var basis: Basis = .measured
    /// Why the basis is what it is, in a phrase.
    var why: String = "the grid varied it and the outcomes chose it"
    var risk: RiskComparison?
}
