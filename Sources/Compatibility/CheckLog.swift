import ScoreConfig

/// The rows of one `check` as they come, for both profiles: each passes through the `.env.score`'s
/// secrets before it is kept and shown, so a key pasted into a bucket name, the sentinel or the
/// endpoint appears as ****, as `config` masks the access key.
final class CheckLog {
    private(set) var steps: [CheckStep] = []
    private let settings: ScoreSettings
    private let emit: @Sendable (CheckStep) -> Void

    init(settings: ScoreSettings, emit: @escaping @Sendable (CheckStep) -> Void) {
        self.settings = settings
        self.emit = emit
    }

    func add(_ unscrubbed: CheckStep) {
        var step = unscrubbed
        // Cut off by Ctrl-C, a step's WARN or FAIL speaks of the interrupt, not of the store
        // ("this store refuses SigV2 (cancelled …)" would be false): it did not finish. The
        // clean-up is the exception, and runs to its end whatever happened.
        if Task.isCancelled, step.name != .cleanup, step.status == .warn || step.status == .fail {
            step = CheckStep(name: step.name, status: .skip, milliseconds: step.milliseconds, detail: "not finished: interrupted")
        }
        step.detail = settings.scrubbed(step.detail)
        step.notes = step.notes.map(settings.scrubbed)
        steps.append(step)
        emit(step)
    }

    /// The config step (`ConfigSummary.step`): its findings masked each value they quote and kept
    /// their own words, which masking the whole text again would garble where a secret happens to
    /// be one of them.
    func addConfig(_ step: CheckStep) {
        steps.append(step)
        emit(step)
    }

    /// Adds each row; true when one of them failed, so the steps that need them cannot run.
    @discardableResult
    func add(_ rows: [CheckStep]) -> Bool {
        rows.forEach(add)
        return rows.contains { $0.status == .fail }
    }

    /// The last row failed: the steps after it cannot run.
    var lastFailed: Bool { steps.last?.status == .fail }

    /// The rows so far, then a SKIP row for each step of `planned` that did not run, naming the
    /// failure that stopped it: the table always shows every step.
    func skippingRest(_ planned: [CheckStep.Name]) -> [CheckStep] {
        // A step cut off by Ctrl-C fails too: the interrupt, not that step, is then the reason.
        let reason = Task.isCancelled ? "not run: interrupted" : steps.last { $0.status == .fail }.map { "not run: '\($0.name.rawValue)' failed" } ?? "not run: interrupted"
        for name in planned where !steps.contains(where: { $0.name == name }) {
            add(CheckStep(name: name, status: .skip, detail: reason))
        }
        return steps
    }
}
