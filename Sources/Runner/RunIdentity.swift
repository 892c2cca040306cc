import Foundation

/// The run's id and database once the run has them: what a second Ctrl-C names in the `clean`
/// command it prints, since it quits before the run can say anything else.
public final class RunIdentity: @unchecked Sendable {
    private let lock = NSLock()
    private var id: Int64?          // guarded by lock
    public let databasePath: String

    public init(databasePath: String) { self.databasePath = databasePath }

    public var runId: Int64? { lock.withLock { id } }
    func set(_ runId: Int64) { lock.withLock { id = runId } }

    /// `scoretune clean --run N --db FILE`, quoted for a shell.
    public var cleanCommand: String? {
        runId.map { "scoretune clean --run \($0) --db \(RunIdentity.shellQuoted(databasePath))" }
    }

    public static func shellQuoted(_ text: String) -> String {
        text.allSatisfy({ $0.isLetter || $0.isNumber || "/._-".contains($0) }) ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
