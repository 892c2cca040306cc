/// One knob's answer: its value (in the unit the knob's setting takes: a count, milliseconds or
/// seconds) and the evidence that chose it, as the recommendation prints it beside the setting.
struct Advice: Sendable, Equatable {
    var value: Int
    var evidence: String
}
