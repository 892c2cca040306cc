import Analysis
import ArgumentParser
import Foundation
import Model
import Results
import Runner
import Scenario
import ScoreConfig

/// `scoretune confirm`: proof by play-back. The recommendation's retry limit and timeouts and the
/// file's, each run through the same played path (a profile `scoretune network --from-run` wrote,
/// or any other), with the same part size and parallelism; what each lost and what each cost.
struct Confirm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the recommended retry limit and timeouts beside the file's through the same played path, and compare them.",
        discussion: """
        Two runs go into --db, one after the other: the file's values (its UPLOAD_RETRY_LIMIT and \
        UPLOAD_CONNECTION_TIMEOUT, score-client's 60 s read timeout as the stall timeout) and the values \
        `recommend` gives for --from-run, both with the recommended part size and parallelism, through \
        --path (a network profile, e.g. from `scoretune network --from-run N`). It prints objects moved, \
        objects failed and seconds per GiB (the time of every transfer, failed ones too, with each failed one \
        done again at its direction's median good time, per GiB) for each. Exit status: 0 compared, 1 the store failed a run, 2 bad input, 130 interrupted.
        """)

    @Option(name: .customLong("from-run"), help: "The run whose recommendation to confirm.")
    var runId: Int64

    @OptionGroup var database: DatabaseOption

    @Option(name: .long, help: "The network profile to play (YAML, the keys of a scenario's network block).")
    var path: String

    @Option(name: .long, help: "The .env.score whose values to compare (default: the run's own).")
    var env: String?

    @Option(name: .long, help: "The risk the recommendation is sized against (as recommend --risk).")
    var risk: Double = RiskModel.defaultRisk

    @Option(name: .customLong("object-size"),
            help: "An object size whose Score finalize score-client's read timeout must outlast (as recommend --object-size; repeatable).")
    var objectSizes: [String] = []

    @Option(name: .long, help: "Objects per run (1 to 1000).")
    var objects = 6

    @Option(name: .long, help: "Times each object is moved per run (1 to 100).")
    var repetitions = 2

    @Option(name: .long, help: "Write the comparison as Markdown here too.")
    var output: String?

    @Flag(name: .long, help: "Print the comparison as JSON.")
    var json = false

    func run() async throws {
        guard (1...1000).contains(objects) else { throw CommandFailure(message: "--objects \(objects) must be from 1 to 1000") }
        guard (1...100).contains(repetitions) else { throw CommandFailure(message: "--repetitions \(repetitions) must be from 1 to 100") }
        do { _ = try NetworkProfileFile.load(path: path) } catch let error as ScenarioError { throw CommandFailure(message: error.description) }
        let profileText = try String(contentsOfFile: path, encoding: .utf8)

        let analysis = try await loadAnalysis(try database.open(), runId)
        guard analysis.networks.count <= 1 else { throw CommandFailure(message: "run \(runId) compared several networks: confirm one run of one path") }
        let envPath = env ?? analysis.run.envPath
        var options = RecommendOptions(objective: .upload)
        options.risk = try Recommend.checkedRisk(risk)
        options.objectSizes = try Recommend.objectSizes(objectSizes)
        options.current = try Recommend.currentSettings(envPath, given: true)
        options.readPlayedPaths(of: analysis.run)
        let recommendation: Recommendation
        do { recommendation = try Recommendation.make(analysis, options: options) } catch let error as AnalysisError {
            throw CommandFailure(message: error.description, code: 1)
        }
        let decision = recommendation.decision
        let current = options.current
        let size = analysis.trialTotals.all.objectSizes.max() ?? (64 << 20)
        let backoff = (base: options.backoffBaseMilliseconds, max: options.backoffMaxMilliseconds)

        func scenario(_ name: String, retry: Int, connect: Int, stall: Int64) -> String {
            var grid = "  network: path\n  UPLOAD_PARTSIZE: \(decision.partSize)\n  parallel: \(decision.parallel)\n"
                + "  UPLOAD_RETRY_LIMIT: \(retry)\n  UPLOAD_CONNECTIONTIMEOUT: \(connect)ms\n  stall_timeout: \(stall)ms\n"
            if analysis.run.mode == .multipart, let download = decision.downloadPartSize { grid += "  DOWNLOAD_PARTSIZE: \(download)\n" }
            if let block = decision.blockSize { grid += "  block_size: \(block)\n" }
            return """
                name: confirm-\(name)
                env: \(envPath)
                mode: \(analysis.run.mode.rawValue)
                objects: {sizes: [\(size)], count: \(objects), seed: 24}
                networks:
                  path:
                \(profileText.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                grid:
                \(grid)repetitions: \(repetitions)
                warmup: 0
                backoff: {base: \(backoff.base)ms, max: \(backoff.max)ms}

                """
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-confirm-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sides = [
            ("file's", scenario("file", retry: current?.retryLimit ?? ScoreVariable.defaultRetryLimit,
                                connect: current?.connectTimeoutMilliseconds ?? ScoreVariable.defaultConnectTimeoutMilliseconds,
                                stall: Int64(RecommendOptions.CurrentSettings.scoreClientReadTimeoutSeconds) * 1000)),
            ("recommended", scenario("recommended", retry: decision.retryLimit, connect: decision.connectTimeoutMilliseconds,
                                     stall: decision.stallTimeoutMilliseconds)),
        ]
        var results: [Confirmation.Side] = []
        for (name, text) in sides {
            let file = folder.appendingPathComponent("confirm-\(results.count).yaml").path
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            Console.error("scoretune confirm: the \(name) values through \(path)\n")
            let runner = ScenarioRunner(options: RunOptions(scenarioPath: file, envPath: nil, databasePath: database.db, resume: nil),
                                        progress: json ? RunProgress(style: .quiet) : RunProgress.automatic())
            let (result, interrupts) = try await Run.runInterruptibly(runner)
            if result.status == .interrupted || interrupts.happened { throw CommandFailure(message: result.interruptedNote(cleanCommand: "scoretune clean --run \(result.runId)"), code: 130) }
            if result.status == .failed { throw CommandFailure(message: "run \(result.runId) failed: \(result.failure ?? "the store stopped answering")", code: 1) }
            results.append(Confirmation.Side(name: name, analysis: try await RunAnalysis.load(database: try database.open(), runId: result.runId)))
        }
        let confirmation = Confirmation(fromRun: runId, profile: path, file: results[0], recommended: results[1])
        if let output {
            let text = "# Confirming run \(runId)'s recommendation through \((path as NSString).lastPathComponent)\n\n" + confirmation.markdown
                + "\n" + confirmation.verdict + "\n"
            do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                throw CommandFailure(message: "--output \(output): cannot be written (\(error.localizedDescription))")
            }
        }
        if json { return try JSONOutput.print(confirmation) }
        print(confirmation.markdown, terminator: "")
        print(confirmation.verdict)
    }
}
