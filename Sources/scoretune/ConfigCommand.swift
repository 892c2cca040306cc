import ArgumentParser
import Compatibility
import Foundation
import ScoreConfig

struct Config: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how Score reads a .env.score: values (secrets hidden), findings, part sizes, cleanup times.",
        discussion: "Exit status: 0 valid (warnings allowed), 2 invalid.")

    @Option(name: .long, help: "The .env.score to read (environment variables override it).")
    var env = ".env.score"

    func run() async throws {
        let settings = try loadSettings(env)
        print("\(settings.path) (\(settings.profile.rawValue) profile)")
        for line in settings.redactedLines { print("  \(line)") }
        let step = ConfigSummary.step(settings)
        for note in step.notes { print(note) }
        throw ExitCode(settings.isValid ? 0 : 2)
    }
}
