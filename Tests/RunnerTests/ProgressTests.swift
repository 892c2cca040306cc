import Foundation
import Model
@testable import Runner
import TestSupport
import XCTest

/// The live progress line: fitted to the terminal, directions named, an ETA that only counts down
/// between visits; and on a real pseudo-terminal (tmux) of 80 and 120 columns, no line wider than
/// the terminal and never a stale progress line left on the screen.
final class ProgressTests: XCTestCase {
    /// A clock the test moves by hand.
    final class HandClock: @unchecked Sendable {
        private let lock = NSLock()
        private var now = Date(timeIntervalSince1970: 1_000_000)
        func read() -> Date { lock.withLock { now } }
        func advance(_ seconds: Double) { lock.withLock { now += seconds } }
    }

    func progress(_ clock: HandClock, columns: Int) -> RunProgress {
        RunProgress(style: .quiet, clock: clock.read, width: { columns }, write: { _ in })
    }

    func testTheLineFitsEveryWidthAndNamesItsDirections() {
        let clock = HandClock()
        let progress = progress(clock, columns: 80)
        progress.start(visits: 8, cells: 4, rounds: 2)
        progress.cellStarted("net=wan-80ms part=64MiB par=8 clients=4 retry=5 connect=15s stall=1m conn=cold", position: 2, round: 0, bytes: 512 << 20)
        progress.trialFinished(direction: .upload, bytes: 64 << 20, seconds: 0.5, failed: false)
        progress.trialFinished(direction: .download, bytes: 64 << 20, seconds: 0.25, failed: false)
        for columns in [20, 40, 60, 80, 120, 200] {
            let line = progress.barLine(columns: columns, now: clock.read())
            XCTAssertLessThan(line.count, columns, "\(columns) columns: \(line)")
            XCTAssertTrue(line.hasPrefix("visit 1/8"), line)
        }
        let wide = progress.barLine(columns: 200, now: clock.read())
        XCTAssertTrue(wide.contains("up 134 MB/s, down 268 MB/s"), wide)
        XCTAssertTrue(wide.contains("0.0/512 MiB"), wide)
        XCTAssertTrue(wide.contains("conn=cold"), "the whole label when it fits: \(wide)")
        XCTAssertTrue(progress.barLine(columns: 80, now: clock.read()).hasSuffix("…"), "a label cut to fit says so")
    }

    func testTheETACountsDownWithinAVisitAndChangesOnlyWhenAVisitEnds() throws {
        let clock = HandClock()
        let progress = progress(clock, columns: 120)
        progress.start(visits: 4, cells: 4, rounds: 1)
        progress.cellStarted("a", position: 0, round: nil, bytes: 100)
        XCTAssertNil(progress.secondsLeft(now: clock.read()), "nothing to estimate from yet")
        clock.advance(5)
        progress.moved(bytes: 50)
        XCTAssertEqual(try XCTUnwrap(progress.secondsLeft(now: clock.read())), 35, accuracy: 0.01, "half a visit in 5 s: 4 visits of 10 s, 5 s spent")
        clock.advance(5)
        progress.cellFinished(summary: "a")
        XCTAssertEqual(try XCTUnwrap(progress.secondsLeft(now: clock.read())), 30, accuracy: 0.01)
        progress.cellStarted("b", position: 1, round: nil, bytes: 100)
        var previous = 30.0
        // A slow visit: 25 s. The ETA must not grow while it runs; it reaches 0 and waits there.
        for _ in 0..<25 {
            clock.advance(1)
            let left = try XCTUnwrap(progress.secondsLeft(now: clock.read()))
            XCTAssertLessThanOrEqual(left, previous)
            previous = left
        }
        XCTAssertEqual(previous, 5, accuracy: 0.01)
        progress.cellFinished(summary: "b")
        XCTAssertEqual(try XCTUnwrap(progress.secondsLeft(now: clock.read())), 35, accuracy: 0.01, "the next estimate: 2 visits of 17.5 s")
    }

    func testPlainProgressHasNoEscapeCodes() {
        final class Written: @unchecked Sendable { let lock = NSLock(); var text = "" }
        let written = Written()
        let progress = RunProgress(style: .plain, write: { text in written.lock.withLock { written.text += text } })
        progress.start(visits: 1, cells: 1, rounds: 1)
        progress.note("run 1: starting")
        progress.cellStarted("part=20MiB", position: 0, round: 0, bytes: 10)
        progress.moved(bytes: 5)
        progress.cellFinished(summary: "done")
        progress.finish()
        XCTAssertFalse(written.text.contains("\u{1B}"), written.text)
        XCTAssertFalse(written.text.contains("\r"), written.text)
        XCTAssertEqual(written.text.split(separator: "\n").count, 3, written.text)
    }

    /// A real run under tmux at 80 and 120 columns: in every screen captured during the run (wrapped
    /// lines joined, so a wrap shows as a line too long) the progress line fits, there is at most one,
    /// and none is left once the run has ended.
    func testOnARealTerminalNoLineIsWiderAndNoProgressLineIsLeftBehind() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed (scripts/bootstrap installs it)") }
        let run = try TemporaryRun(.seaweedfs, """
            name: progress-tty
            mode: score
            objects: {sizes: [24MiB], count: 2, seed: 3}
            grid: {UPLOAD_PARTSIZE: [20MiB, 24MiB], parallel: [1, 2]}
            repetitions: 2
            warmup: 0
            """)
        addTeardownBlock { run.remove() }
        for columns in [80, 120] {
            let database = run.folder.appendingPathComponent("tty-\(columns).sqlite").path
            let helper = Process()
            helper.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            helper.arguments = ["python3", LocalBackend.packageRoot.appendingPathComponent("scripts/tests/tty-screens.py").path, "\(columns)", "120",
                                ScoretuneBinary.url.path, "run", run.scenario, "--db", database]
            let output = Pipe()
            helper.standardOutput = output
            try helper.run()
            let report = output.fileHandleForReading.readDataToEndOfFile()
            helper.waitUntilExit()
            let end = try XCTUnwrap(JSONSerialization.jsonObject(with: report) as? [String: Any], String(decoding: report, as: UTF8.self))
            let screens = try XCTUnwrap(end["screens"] as? [String])
            XCTAssertEqual(end["exit"] as? Int, 0, "the run ended well at \(columns) columns: \(screens.last ?? "")")
            let last = try XCTUnwrap(screens.last)
            XCTAssertGreaterThan(screens.filter { $0.contains("visit ") }.count, 0, "a progress line was seen at \(columns) columns")
            for screen in screens {
                let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                // The progress line is the one that must fit (log lines and the summary may wrap, as any log does).
                for line in lines where line.hasPrefix("visit ") {
                    XCTAssertLessThan(line.count, columns, "wider than \(columns) columns (wrapped): \(line)")
                }
                XCTAssertLessThanOrEqual(lines.filter { $0.hasPrefix("visit ") }.count, 1, "a stale progress line: \(screen)")
            }
            XCTAssertEqual(last.split(separator: "\n").filter { $0.hasPrefix("visit ") }.count, 0, "the line is cleared at the end: \(last)")
        }
    }
}
