import ArgumentParser
import Foundation
import Runner

/// The `scoretune` command: a thin shell over the library modules.
struct Scoretune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scoretune",
        abstract: "Benchmark and tune object storage for Overture Score.",
        version: ScoretuneVersion.current,
        subcommands: [Check.self, Config.self, Run.self, Clean.self, Recommend.self, Report.self, Compare.self, Plan.self, Runs.self, Proxy.self, Network.self, Confirm.self, Merge.self, Slurm.self, Kubernetes.self, BenchTransport.self]
    )
}

/// Exit codes: 0 success, 1 the backend failed a check or cannot be used, 2 bad configuration or
/// usage, 3 the results database is in use, 130 interrupted. With --json, failures also come as a
/// JSON document on standard output (JSONOutput).
@main
enum Main {
    static func main() async {
        do {
            var command = try Scoretune.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            // A command that ends with a status of its own has printed its answer; with --json and
            // nothing printed yet, the status still comes as a document.
            if exit.rawValue != 0, JSONOutput.requested { JSONOutput.printError("ended with exit status \(exit.rawValue)", exitCode: exit.rawValue) }
            Foundation.exit(exit.rawValue)
        } catch let failure as CommandFailure {
            fail(failure.message, code: failure.code)
        } catch {
            let code = Scoretune.exitCode(for: error)
            if code == .success {
                // --help, --version: with --json, their text in a document.
                if JSONOutput.requested { JSONOutput.printText(Scoretune.fullMessage(for: error)) } else { print(Scoretune.fullMessage(for: error)) }
                Foundation.exit(0)
            }
            fail(Scoretune.fullMessage(for: error), code: 2)
        }
    }

    /// One line on standard error, and with --json the same as a document on standard output.
    static func fail(_ message: String, code: Int32) -> Never {
        if JSONOutput.requested { JSONOutput.printError(message, exitCode: code) }
        Console.error("scoretune: \(message)\n")
        Foundation.exit(code)
    }
}

/// An error that ends the command with one line on stderr and a chosen exit code.
struct CommandFailure: Error {
    var message: String
    var code: Int32 = 2
}
