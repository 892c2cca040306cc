import Foundation

/// Standard error and standard output written with write(2), which reports a terminal or pipe
/// that has gone away as an error instead of trapping (Foundation's FileHandle.write traps on
/// EPIPE and EIO: a closed SSH session used to kill a run with SIGILL and leave its objects).
/// The first such failure is reported once to the hang-up handler, which the command sets to the
/// same orderly clean-up as Ctrl-C.
public enum Console {
    private static let state = NSLock()
    nonisolated(unsafe) private static var onHangup: (@Sendable () -> Void)?
    nonisolated(unsafe) private static var hungUp = false

    /// Called once, the first time a write finds its terminal or pipe gone.
    public static func setHangupHandler(_ handler: @escaping @Sendable () -> Void) {
        state.withLock { onHangup = handler }
    }

    public static func error(_ text: String) { write(STDERR_FILENO, text) }
    public static func out(_ text: String) { write(STDOUT_FILENO, text) }

    /// Whether a write has found the terminal or pipe gone.
    public static var hasHungUp: Bool { state.withLock { hungUp } }

    private static func write(_ descriptor: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let result = bytes.withUnsafeMutableBytes { Glibc.write(descriptor, $0.baseAddress! + sent, $0.count - sent) }
            if result > 0 { sent += result; continue }
            let failure = result < 0 ? errno : 0
            if failure == EINTR { continue }
            if failure == EAGAIN || failure == EWOULDBLOCK {  // a non-blocking pipe that is full: wait a moment
                usleep(1_000)
                continue
            }
            // Only a reader that is gone is a hang-up: EPIPE, EIO (a closed pseudo-terminal), EBADF.
            // Anything else (a full disk behind 2>log) loses this text, not the run.
            guard failure == EPIPE || failure == EIO || failure == EBADF else { return }
            let handler: (@Sendable () -> Void)? = state.withLock {
                guard !hungUp else { return nil }
                hungUp = true
                return onHangup
            }
            handler?()
            return
        }
        bytes.removeAll()
    }
}
