import Dispatch
import Foundation
import Runner

/// SIGINT, SIGTERM, SIGHUP and a terminal or pipe gone from under a write (EPIPE, EIO) all end the
/// work the same way: the first cancels the task so it can clean up, and the caller exits 130.
/// A second one quits at once, saying what may be left and the exact command that removes it.
/// Sendable: `count` and `hungUp` only under `lock`; `sources` is filled before any signal can arrive.
final class Interrupts: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0       // guarded by lock
    private var hungUp = false  // guarded by lock
    private var sources: [DispatchSourceSignal] = []
    /// Signals are handled on a queue of their own: a serial queue gets a thread even while the
    /// shared pool is busy (hashing MD5s on every core took the handler 2 s and more to run).
    private static let queue = DispatchQueue(label: "scoretune.signals")

    var happened: Bool { lock.withLock { count > 0 } }

    /// `leftover` says, at the moment of a second interrupt, what may be left and how to remove it.
    static func cancelOnSignal<T>(_ task: Task<T, Never>, leftover: @escaping @Sendable () -> String? = { nil }) -> Interrupts {
        let interrupts = Interrupts()
        // Writes to a closed pipe must fail with EPIPE, not kill the process before it cleans up.
        signal(SIGPIPE, SIG_IGN)
        let interrupt: @Sendable (_ hangup: Bool) -> Void = { hangup in
            let (first, quit) = interrupts.lock.withLock { () -> (Bool, Bool) in
                // A closed terminal sends SIGHUP and fails the next write: both are one hang-up,
                // never the "second Ctrl-C" that would skip the clean-up.
                if hangup && interrupts.hungUp { return (false, false) }
                if hangup { interrupts.hungUp = true }
                interrupts.count += 1
                return (interrupts.count == 1, !hangup)
            }
            if first {
                // On a terminal the live progress line is cleared first; a log gets no escape codes.
                Console.error((isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : "") + "scoretune: interrupted, cleaning up (again to quit at once)\n")
                task.cancel()
            } else if quit {
                Console.error("\nscoretune: quit at once\(leftover().map { "; \($0)" } ?? "")\n")
                exit(130)
            }
        }
        Console.setHangupHandler { interrupt(true) }
        // SIGHUP too: a closed terminal or SSH session must not leave objects behind.
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { interrupt(signalNumber == SIGHUP) }
            source.resume()
            interrupts.sources.append(source)
        }
        return interrupts
    }
}
