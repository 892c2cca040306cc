import Model
/// What an HTTP attempt belongs to, carried by the task that sends it, so the observer that
/// records every attempt knows its cell, trial, phase and attempt number without the store client
/// knowing about benchmarks.
public struct AttemptContext: Sendable {
    public var cellId: Int64?
    public var trialId: Int64?
    public var phase: TransferPhase?
    public var attempt: Int = 1

    public init(cellId: Int64? = nil, trialId: Int64? = nil, phase: TransferPhase? = nil, attempt: Int = 1) {
        self.cellId = cellId
        self.trialId = trialId
        self.phase = phase
        self.attempt = attempt
    }

    @TaskLocal public static var current = AttemptContext()

    /// Runs `body` with the phase set, keeping the rest of the context.
    @discardableResult
    public static func phase<T>(_ name: TransferPhase, _ body: () async throws -> T) async rethrows -> T {
        var context = current
        context.phase = name
        return try await $current.withValue(context, operation: body)
    }
}
