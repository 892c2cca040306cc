import Foundation
import Model
import Results
import ScoreConfig

/// Notes beside the answer: the connection reuse it was measured with, and intervals too wide
/// to trust.
extension Recommendation {
    /// Which connection reuse the evidence was measured with, and what that leaves out.
    static func connectionsNote(_ chosen: CellStatistics) -> String {
        let opened = Direction.allCases.compactMap { direction in
            chosen.newConnectionsPerTrial[direction].map { String(format: "%.1f per %@", $0, direction.rawValue) }
        }.joined(separator: ", ")
        let measured = "connections: \(chosen.knobs.connections.rawValue) (new connections \(opened.isEmpty ? "none" : opened))"
        switch chosen.knobs.connections {
        case .warm:
            return measured + ": one pool for the whole run, as a long-lived client; a score-client started per file also pays connection set-up and TCP slow start per object (grid connections: [warm, per-object] measures it)"
        case .perObject:
            return measured + ": fresh connections for every object, as a score-client started per file"
        case .perRequest:
            return measured + ": a new connection for every request, as a client without keep-alive"
        }
    }

    /// A chosen value at the end of its grid range: the best may lie beyond it.
    static func edgeNotes(_ analysis: RunAnalysis, chosen: CellStatistics) -> [String] {
        var notes: [String] = []
        // The knobs a grid widens by a number, named as the scenario's grid names them.
        func number(_ value: KnobValue?) -> Int64? {
            switch value {
            case .size(let bytes)?: return bytes
            case .count(let count)?: return Int64(count)
            case .duration?, .name?, nil: return nil
            }
        }
        let cells = analysis.cells.map(\.cell)
        for knob in [Knob.uploadPartSize, .parallel, .clients, .downloadPartSize, .blockSize] {
            guard let shown = knob.value(in: chosen.cell.knobs), let value = number(shown) else { continue }
            let distinct = Set(cells.compactMap { number(knob.value(in: $0.knobs)) })
            guard distinct.count > 1 else { continue }
            if value == distinct.max() { notes.append("\(knob.gridKey)=\(shown.formatted) is the largest value in the grid: a wider grid may find better") }
            if value == distinct.min() { notes.append("\(knob.gridKey)=\(shown.formatted) is the smallest value in the grid: a wider grid may find better") }
        }
        for stats in analysis.cells {
            for (direction, t) in [("upload", stats.upload), ("download", stats.download)] {
                if let t, t.tooWide {
                    notes.append("cell \(stats.cell.id) \(direction): interval too wide to trust (±\(Int(((t.high - t.low) / 2 / t.median * 100).rounded()))%); about \(t.samplesNeeded()) trials would settle it to ±5%")
                }
            }
        }
        return notes
    }
}

