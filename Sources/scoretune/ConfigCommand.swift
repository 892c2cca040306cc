import ArgumentParser
import Compatibility
import Foundation
import ScoreConfig

struct Config: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how Score reads a .env.score: values (secrets hidden), findings, part sizes, cleanup times.",
        discussion: """
        Environment variables override the file, as they do for Score's container: each such value says so, with \
        the file's own value beside it. A key set twice is a warning naming both lines (the last wins). \
        Exit status: 0 valid (warnings allowed), 2 invalid or unreadable.
        """)

    @Option(name: .long, help: "The .env.score to read (environment variables override it).")
    var env = ".env.score"

    @Flag(name: .long, help: "Print the values and findings as JSON.")
    var json = false

    /// What `config --json` prints.
    struct Shown: Encodable {
        struct Finding: Encodable {
            var severity: String
            var variable: String?
            var location: String?
            var message: String
        }
        var env: String
        var profile: String
        var valid: Bool
        var values: [ScoreSettings.ShownValue]
        var findings: [Finding]
        /// What Score will do with the values (part sizes, binding timeout, cleanup times).
        var facts: [String]
    }

    func run() async throws {
        let settings = try loadSettings(env)
        if json {
            let findings = settings.diagnostics.sorted { $0.severity > $1.severity }
                .map { Shown.Finding(severity: $0.severity.rawValue, variable: $0.variable, location: $0.location, message: $0.message) }
            let facts = settings.isValid ? ConfigSummary.facts(settings).map(settings.scrubbed) : []
            try JSONOutput.print(Shown(env: settings.path, profile: settings.profile.rawValue, valid: settings.isValid,
                                       values: settings.shownValues, findings: findings, facts: facts))
        } else {
            print("\(settings.path) (\(settings.profile.rawValue) profile)")
            for line in settings.redactedLines { print("  \(line)") }
            for note in ConfigSummary.step(settings).notes { print(note) }
        }
        throw ExitCode(settings.isValid ? 0 : 2)
    }
}
