import Foundation

/// What the run tells its user while it works: a live line on a terminal, plain log lines
/// otherwise, nothing with --quiet (the end summary is printed by the command).
/// Sendable: every mutable field only under `lock`.
public final class RunProgress: @unchecked Sendable {
    public enum Style: Sendable { case live, lines, quiet }

    private let style: Style
    private let lock = NSLock()
    private let started = Date()
    private var visitsDone = 0
    private var visitsTotal = 0
    private var failures = 0
    private var recentRate: Double = 0
    private var cellLabel = ""
    private var cellCount = 0
    private var rounds = 1
    private var lastDraw = Date.distantPast

    public init(style: Style) { self.style = style }

    /// `live` when standard error is a terminal, else `lines`.
    public static func automatic(quiet: Bool) -> RunProgress {
        RunProgress(style: quiet ? .quiet : (isatty(STDERR_FILENO) == 1 ? .live : .lines))
    }

    /// `visits` to make this session (one per cell in blocked order, one per cell and round
    /// interleaved); `cells` and `rounds` name the place of each.
    func start(visits: Int, cells: Int, rounds: Int) {
        lock.withLock {
            visitsTotal = visits
            visitsDone = 0
            cellCount = cells
            self.rounds = rounds
        }
    }

    func note(_ text: String) {
        guard style != .quiet else { return }
        lock.withLock { emit(text, persistent: true) }
    }

    /// `cellCount` cells in all; in interleaved order each visit is one round of one cell.
    func cellStarted(_ label: String, position: Int, round: Int?) {
        lock.withLock {
            cellLabel = label
            let place = (round.map { "round \($0 + 1)/\(rounds), " } ?? "") + "cell \(position + 1)/\(cellCount)"
            if style == .lines { emit("\(place): \(label)", persistent: true) }
        }
    }

    func trialFinished(bytes count: Int64, seconds: Double, failed: Bool) {
        lock.withLock {
            if failed { failures += 1 }
            if seconds > 0 && !failed { recentRate = Double(count) / seconds / 1e6 }
            if style == .live, Date().timeIntervalSince(lastDraw) > 0.2 { drawLive() }
        }
    }

    func cellFinished(summary: String) {
        lock.withLock {
            visitsDone += 1
            if style == .lines { emit("  \(summary)", persistent: true) } else if style == .live { drawLive() }
        }
    }

    func finish() {
        guard style == .live else { return }
        lock.withLock { Console.error("\r\u{1B}[K") }
    }

    private func drawLive() {
        lastDraw = Date()
        let elapsed = Date().timeIntervalSince(started)
        let eta: String
        if visitsDone > 0 {
            let remaining = elapsed / Double(visitsDone) * Double(visitsTotal - visitsDone)
            eta = "ETA \(Int(remaining / 60))m\(String(format: "%02d", Int(remaining) % 60))s"
        } else {
            eta = "ETA –"
        }
        let line = String(format: "visits %d/%d  %.0f MB/s  %@  failures %d  %@", visitsDone, visitsTotal, recentRate, eta, failures, cellLabel)
        let width = 160
        Console.error("\r\u{1B}[K" + String(line.prefix(width)))
    }

    private func emit(_ text: String, persistent: Bool) {
        if style == .live { Console.error("\r\u{1B}[K") }
        Console.error(text + "\n")
        if style == .live { drawLive() }
    }
}
