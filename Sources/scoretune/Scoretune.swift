import ArgumentParser
import Foundation
import Runner

/// The `scoretune` command: a thin shell over the library modules.
struct Scoretune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scoretune",
        abstract: "Benchmark and tune object storage for Overture Score.",
        version: ScoretuneVersion.current,
        subcommands: [Check.self, Config.self, Run.self, Clean.self, Recommend.self, Report.self, Compare.self, Plan.self, Runs.self, Proxy.self, Merge.self, Slurm.self, Kubernetes.self, BenchTransport.self]
    )
}

/// Exit codes: 0 success, 1 the backend failed a check or cannot be used, 2 bad configuration or
/// usage, 130 interrupted.
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
            Foundation.exit(exit.rawValue)
        } catch let failure as CommandFailure {
            Console.error("scoretune: \(failure.message)\n")
            Foundation.exit(failure.code)
        } catch {
            let code = Scoretune.exitCode(for: error)
            if code == .success {
                print(Scoretune.fullMessage(for: error))
                Foundation.exit(0)
            }
            Console.error("scoretune: \(Scoretune.fullMessage(for: error))\n")
            Foundation.exit(2)
        }
    }
}

/// An error that ends the command with one line on stderr and a chosen exit code.
struct CommandFailure: Error {
    var message: String
    var code: Int32 = 2
}
