import Model

/// Cell labels that name only the knobs varying across a set of cells ("part=5MiB par=4"), for
/// charts where the full label would not fit.
struct CompactLabels {
    private let varying: [Knob]

    init(_ cells: [Knobs]) {
        varying = Knob.allCases.filter { knob in Set(cells.map { knob.value(in: $0) }).count > 1 }
    }

    func label(_ knobs: Knobs) -> String {
        let parts = varying.map { knob in
            // A knob some cells leave unset: "direct" for the store without a played network, else "-".
            let value = knob.value(in: knobs)?.formatted ?? (knob == .network ? "direct" : "-")
            return "\(knob.labelName(azure: knobs.blockSize != nil))=\(value)"
        }
        return parts.isEmpty ? "(the only cell)" : parts.joined(separator: " ")
    }
}
