import Dispatch
import Foundation

/// SIGINT/SIGTERM/SIGHUP handling: the first signal cancels the work so it can clean up; the caller then
/// exits 130. A second signal exits at once.
final class Interrupts: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var sources: [DispatchSourceSignal] = []

    var happened: Bool { lock.withLock { count > 0 } }

    static func cancelOnSignal<T>(_ task: Task<T, Never>) -> Interrupts {
        let interrupts = Interrupts()
        // SIGHUP too: a closed terminal or SSH session must not leave objects behind.
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let first = interrupts.lock.withLock { interrupts.count += 1; return interrupts.count == 1 }
                if first {
                    FileHandle.standardError.write(Data("scoretune: interrupted, cleaning up (again to quit at once)\n".utf8))
                    task.cancel()
                } else {
                    exit(130)
                }
            }
            source.resume()
            interrupts.sources.append(source)
        }
        return interrupts
    }
}
