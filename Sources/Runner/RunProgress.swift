import Foundation
import Model

/// What the run tells its user while it works (`run --progress`):
/// - `bar`: one live line on a terminal, redrawn in place, never wider than the terminal (read
///   again at every draw, so a resized window is followed): visits done, the current cell's bytes
///   moved of the bytes it will move, the last upload and download rates by name, an ETA, failures;
/// - `plain`: one log line per cell visit and per message, no escape codes (for files and CI logs);
/// - `quiet`: nothing (the end summary is printed by the command).
/// Sendable: every mutable field only under `lock`.
public final class RunProgress: @unchecked Sendable {
    public enum Style: String, Sendable, CaseIterable {
        case bar, plain
        case quiet = "none"
    }

    public let style: Style
    private let lock = NSLock()
    private let clock: @Sendable () -> Date
    private let width: @Sendable () -> Int
    private let write: @Sendable (String) -> Void
    private var visitsDone = 0
    private var visitsTotal = 0
    private var failures = 0
    private var rates: [Direction: Double] = [:]
    private var cellLabel = ""
    private var cellPlace = ""
    private var cellCount = 0
    private var rounds = 1
    private var cellBytes: Int64 = 0
    private var cellBytesMoved: Int64 = 0
    private var lastDraw = Date.distantPast
    private var started: Date
    private var visitStarted: Date
    /// The estimate made when the last visit ended, and when: between visits the ETA counts down
    /// from it instead of growing while a long cell runs.
    private var estimate: (remaining: Double, at: Date)?
    private var showing = false

    public init(style: Style, clock: @escaping @Sendable () -> Date = Date.init, width: (@Sendable () -> Int)? = nil,
                write: @escaping @Sendable (String) -> Void = { Console.error($0) }) {
        self.style = style
        self.clock = clock
        self.width = width ?? { RunProgress.terminalColumns() ?? 80 }
        self.write = write
        started = clock()
        visitStarted = started
    }

    /// `bar` when standard error is a terminal, else `plain`.
    public static func automatic() -> RunProgress {
        RunProgress(style: isatty(STDERR_FILENO) == 1 ? .bar : .plain)
    }

    /// The terminal's width in columns (standard error's), nil when it is not a terminal.
    public static func terminalColumns() -> Int? {
        var size = winsize()
        let status = withUnsafeMutablePointer(to: &size) { ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), $0) }
        guard status == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// `visits` to make this session (one per cell in blocked order, one per cell and round
    /// interleaved); `cells` and `rounds` name the place of each.
    func start(visits: Int, cells: Int, rounds: Int) {
        lock.withLock {
            visitsTotal = visits
            visitsDone = 0
            cellCount = cells
            self.rounds = rounds
            started = clock()
        }
    }

    func note(_ text: String) {
        guard style != .quiet else { return }
        lock.withLock { emit(text) }
    }

    /// A visit starts: `bytes` is what it will move, uploads and downloads together.
    func cellStarted(_ label: String, position: Int, round: Int?, bytes: Int64) {
        lock.withLock {
            cellLabel = label
            cellPlace = (round.map { "round \($0 + 1)/\(rounds), " } ?? "") + "cell \(position + 1)/\(cellCount)"
            cellBytes = max(bytes, 0)
            cellBytesMoved = 0
            visitStarted = clock()
            if style == .plain { emit("\(cellPlace): \(label)") } else if style == .bar { drawBar() }
        }
    }

    /// Bytes of one part moved (an upload's body, a download's range): the bar moves within a cell.
    func moved(bytes: Int64) {
        guard bytes > 0 else { return }
        lock.withLock {
            cellBytesMoved += bytes
            if style == .bar, clock().timeIntervalSince(lastDraw) > 0.2 { drawBar() }
        }
    }

    func trialFinished(direction: Direction, bytes count: Int64, seconds: Double, failed: Bool) {
        lock.withLock {
            if failed { failures += 1 }
            if seconds > 0 && !failed { rates[direction] = Double(count) / seconds / 1e6 }
            if style == .bar, clock().timeIntervalSince(lastDraw) > 0.2 { drawBar() }
        }
    }

    func cellFinished(summary: String) {
        lock.withLock {
            visitsDone += 1
            let now = clock()
            let perVisit = now.timeIntervalSince(started) / Double(visitsDone)
            estimate = (perVisit * Double(max(0, visitsTotal - visitsDone)), now)
            cellBytesMoved = cellBytes
            if style == .plain { emit("  \(summary)") } else if style == .bar { drawBar() }
        }
    }

    /// Clears the live line, so the next text starts on a clean line (the summary, an interrupt message).
    public func finish() {
        guard style == .bar else { return }
        lock.withLock { clearLine() }
    }

    /// Seconds left: counts down from the last visit's estimate; before any visit has ended,
    /// from the share of the first visit's bytes moved so far.
    func secondsLeft(now: Date) -> Double? {
        if let estimate { return max(0, estimate.remaining - now.timeIntervalSince(estimate.at)) }
        let share = cellBytes > 0 ? Double(cellBytesMoved) / Double(cellBytes) : 0
        guard share >= 0.05 else { return nil }
        let visit = now.timeIntervalSince(visitStarted) / share
        return max(0, visit * Double(visitsTotal) - now.timeIntervalSince(started))
    }

    /// The live line, at most `columns - 1` wide (a character in the last column wraps on some
    /// terminals). The least useful parts go first: the cell's label, then failures, then rates.
    func barLine(columns: Int, now: Date) -> String {
        let eta = secondsLeft(now: now).map { "ETA \(Units.humanDuration(seconds: $0))" } ?? "ETA –"
        let bytes = cellBytes > 0 ? "\(Self.mebibytes(min(cellBytesMoved, cellBytes)))/\(Self.mebibytes(cellBytes)) MiB" : ""
        let rate = [Direction.upload, .download].compactMap { direction in
            rates[direction].map { "\(direction == .upload ? "up" : "down") \(String(format: "%.0f", $0)) MB/s" }
        }.joined(separator: ", ")
        let essential = ["visit \(min(visitsDone + 1, max(visitsTotal, 1)))/\(visitsTotal)", bytes, eta].filter { !$0.isEmpty }
        let optional = [rate, failures > 0 ? "\(failures) failed" : "", cellLabel].filter { !$0.isEmpty }
        let limit = max(columns - 1, 10)
        var parts = essential
        for piece in optional {
            let candidate = (parts + [piece]).joined(separator: "  ")
            if candidate.count <= limit { parts.append(piece) } else if piece == cellLabel {
                // The label is long: as much of it as fits, cut with an ellipsis.
                let room = limit - parts.joined(separator: "  ").count - 2
                if room > 8 { parts.append(String(piece.prefix(room - 1)) + "…") }
            }
        }
        return String(parts.joined(separator: "  ").prefix(limit))
    }

    static func mebibytes(_ bytes: Int64) -> String {
        let value = Double(bytes) / Double(1 << 20)
        return value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }

    private func drawBar() {
        let now = clock()
        lastDraw = now
        write("\r\u{1B}[K" + barLine(columns: width(), now: now))
        showing = true
    }

    private func clearLine() {
        if showing { write("\r\u{1B}[K") }
        showing = false
    }

    private func emit(_ text: String) {
        if style == .bar { clearLine() }
        write(text + "\n")
        if style == .bar { drawBar() }
    }
}
