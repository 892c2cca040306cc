import Runner
import ArgumentParser
import Compatibility
import Foundation
import ScoreConfig
import Transport

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove that the store in a .env.score behaves as Score needs.",
        discussion: """
        Every step has a row: PASS, WARN, FAIL, or SKIP when an earlier failure means it cannot run. The probe \
        touches only keys it creates, under scoretune-check/<uuid>/, and removes them even on Ctrl-C. \
        Exit status: 0 all steps pass (warnings allowed), 1 the store is unreachable or incompatible, 2 the configuration \
        is bad, 130 interrupted (after the clean-up).
        """)

    @Option(name: .long, help: "The .env.score to read (environment variables override it).")
    var env = ".env.score"

    @Flag(name: .long, help: "Print the result as JSON instead of a table.")
    var json = false

    @OptionGroup var transportFlags: TransportFlags

    func run() async throws {
        let settings = try loadSettings(env)
        let transport = CurlTransport(options: try transportFlags.options())
        defer { transport.shutdown() }
        let table = !json
        if table { print("scoretune check: \(settings.path) (\(settings.profile.rawValue) profile)") }
        let emit: @Sendable (CheckStep) -> Void = { step in if table { CheckPrinter.print(step) } }
        let task: Task<[CheckStep], Never>
        switch settings.profile {
        case .s3:
            let check = S3CompatibilityCheck(settings: settings, transport: transport)
            task = Task { await check.run(emit: emit) }
        case .azure:
            let check = AzureCompatibilityCheck(settings: settings, transport: transport)
            task = Task { await check.run(emit: emit) }
        }
        let interrupted = Interrupts.cancelOnSignal(task)
        let steps = await task.value
        let outcome = CheckOutcome.of(steps)
        if json {
            let report = CheckReport(env: settings.path, profile: settings.profile.rawValue, steps: steps,
                                     exitCode: interrupted.happened ? 130 : outcome.rawValue)
            try JSONOutput.print(report)
        } else {
            CheckPrinter.summary(steps, outcome: outcome, interrupted: interrupted.happened)
        }
        if interrupted.happened {
            // Say what the clean-up really did: it is the last row when it ran.
            if let cleanup = steps.last(where: { $0.name == .cleanup && $0.status != .skip }) {
                Console.error(cleanup.status == .pass ? "scoretune: interrupted; \(cleanup.detail)\n"
                              : "scoretune: interrupted; NOT everything was removed: \(cleanup.detail)\n")
            } else {
                Console.error("scoretune: interrupted before the probe created anything\n")
            }
            throw ExitCode(130)
        }
        throw ExitCode(outcome.rawValue)
    }
}

struct CheckReport: Encodable {
    var env: String
    var profile: String
    var steps: [CheckStep]
    var exitCode: Int32
}

enum CheckPrinter {
    static func print(_ step: CheckStep) {
        let name = step.name.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)
        let time = String(format: "%8.1f ms", step.milliseconds)
        Swift.print("\(step.status.rawValue)  \(name)\(time)  \(step.detail)")
        for note in step.notes { Swift.print("      \(note)") }
    }

    static func summary(_ steps: [CheckStep], outcome: CheckOutcome, interrupted: Bool) {
        let count = { (s: CheckStep.Status) in steps.filter { $0.status == s }.count }
        // An interrupted check proved nothing about the steps it did not finish: no verdict.
        if interrupted {
            return Swift.print("Interrupted: no verdict; \(count(.pass)) passed, \(count(.warn)) warning(s), \(count(.fail)) failed before it, "
                               + "\(count(.skip)) not run or not finished.")
        }
        switch outcome {
        case .compatible:
            Swift.print("Compatible: \(count(.pass)) passed, \(count(.warn)) warning(s).")
        case .incompatible:
            Swift.print("Not compatible: \(count(.fail)) failed, \(count(.warn)) warning(s), \(count(.pass)) passed.")
        case .badConfiguration:
            Swift.print("Configuration invalid: fix the errors above.")
        }
    }
}
