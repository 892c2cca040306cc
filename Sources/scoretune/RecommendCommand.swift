import Analysis
import ArgumentParser
import Foundation
import Model
import Results
import Scenario
import ScoreConfig

struct Recommend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recommend .env.score settings from a run, each with its evidence.",
        discussion: """
        --for writes the same decision in another client's terms: score (the .env.score fragment, the default), \
        score-client (its properties), rclone (flags), s5cmd (flags), awscli (a ~/.aws/config profile), helm (values for \
        Overture's Score chart); docs/exports.md gives the mapping and where each client documents its names. \
        Exit status: 0 printed, 1 no cell meets the constraints, 2 bad input.
        """)

    @OptionGroup var selection: RunSelection

    @Option(name: .long, help: "What to maximise: upload, download, both (per object) or aggregate (a merged run's fleet throughput; its default, else upload).")
    var objective: RecommendOptions.Objective?

    @Option(name: .customLong("max-memory"), help: "Client memory limit (part size × parallel × clients), e.g. 1GiB.")
    var maxMemory: String?

    @Option(name: .customLong("max-p99"), help: "Upper bound on the 99th percentile object time, e.g. 30s.")
    var maxP99: String?

    @Option(name: .long, help: "Only the cells of this network profile (needed when the run used several).")
    var network: String?

    @Option(name: .long, help: "The .env.score whose retry limit and timeouts a loopback run keeps (default: the run's own).")
    var env: String?

    @Option(name: .customLong("object-size"),
            help: "An object size whose Score finalize time to predict, e.g. 300GB (repeatable): the read timeout outlasts it.")
    var objectSizes: [String] = []

    @Option(name: .long, help: ArgumentHelp("Failed objects per object the retry limit and timeouts are sized against (default 1e-5: one in 10^5).",
                                            valueName: "probability"))
    var risk: Double = RiskModel.defaultRisk

    @Option(name: .long, help: "env (a .env.score fragment) or json; --json is the same as --format json.")
    var format: OutputFormat = .env

    @Flag(name: .long, help: "Print the recommendation as JSON (with --for: the export's text and the decision).")
    var json = false

    @Option(name: .customLong("for"), help: "The client to write the settings for: score, score-client, rclone, s5cmd, awscli or helm.")
    var client: ExportTarget = .score

    enum OutputFormat: String, ExpressibleByArgument { case env, json }

    /// `recommend --for X --json`: the export with the numbers it is written from.
    struct Exported: Encodable {
        var client: String
        var text: String
        var decision: Recommendation.Decision
        var recommendation: Recommendation
    }

    func run() async throws {
        let database = try selection.database.open()
        let analysis = try restrict(try await loadAnalysis(database, selection.runId), to: network)
        var options = RecommendOptions(objective: try Self.checkedObjective(objective, analysis))
        if let maxMemory {
            guard case .success(let bytes) = Units.parseSize(maxMemory) else { throw CommandFailure(message: "--max-memory '\(maxMemory)' is not a size (e.g. 1GiB)") }
            options.maxMemory = bytes
        }
        if let maxP99 {
            guard case .success(let ms) = Units.parseDuration(maxP99) else { throw CommandFailure(message: "--max-p99 '\(maxP99)' is not a duration (e.g. 30s)") }
            options.maxP99 = Double(ms) / 1000
        }
        options.objectSizes = try Self.objectSizes(objectSizes)
        options.risk = try Self.checkedRisk(risk)
        options.current = try Self.currentSettings(env ?? analysis.run.envPath, given: env != nil)
        options.readPlayedPaths(of: analysis.run)
        let recommendation: Recommendation
        do { recommendation = try Recommendation.make(analysis, options: options) } catch let error as AnalysisError {
            throw CommandFailure(message: error.description, code: 1)
        }
        let export: ClientExport
        do { export = try ClientExport.make(recommendation, for: client) } catch let unavailable as ClientExport.Unavailable {
            throw CommandFailure(message: unavailable.description)
        }
        if json || format == .json {
            if client == .score { try JSONOutput.print(recommendation) }
            else { try JSONOutput.print(Exported(client: client.rawValue, text: export.text, decision: recommendation.decision, recommendation: recommendation)) }
        } else {
            print(export.text, terminator: "")
        }
    }
}

extension Recommend {
    /// What the operator's file sets now. The run's own file may have moved since: then Score's
    /// defaults stand in (and say so); a file given with --env must read.
    static func currentSettings(_ path: String, given: Bool) throws -> RecommendOptions.CurrentSettings? {
        guard given || FileManager.default.fileExists(atPath: path) else { return nil }
        let settings: ScoreSettings
        if given {
            settings = try loadSettings(path)
        } else {
            guard let read = try? ScoreSettings.load(path: path) else { return nil }
            settings = read
        }
        return RecommendOptions.CurrentSettings(source: path, retryLimit: settings.retryLimit,
                                                connectTimeoutMilliseconds: settings.connectTimeoutMilliseconds)
    }
}

extension Recommend {
    /// `--objective`, or the run's standard one; `aggregate` needs a merged run's fleet.
    static func checkedObjective(_ asked: RecommendOptions.Objective?, _ analysis: RunAnalysis) throws -> RecommendOptions.Objective {
        guard let asked else { return .standard(for: analysis) }
        if asked == .aggregate, !analysis.isMerged {
            throw CommandFailure(message: "--objective aggregate ranks a fleet's throughput: run \(analysis.run.id) is not a merged distributed run (use upload, download or both)")
        }
        return asked
    }

    /// `--risk`: a probability a person can state, from one in 10^12 to one in ten.
    static func checkedRisk(_ risk: Double) throws -> Double {
        guard risk.isFinite, (1e-12...0.1).contains(risk) else { throw CommandFailure(message: "--risk \(risk) must be from 1e-12 to 0.1 (failed objects per object)") }
        return risk
    }

    /// `--object-size` values: S3 objects are 5 TiB at most, beyond that no Score upload exists to predict.
    static func objectSizes(_ texts: [String]) throws -> [Int64] {
        try texts.map { text in
            guard case .success(let bytes) = Units.parseSize(text), (1...(5 << 40)).contains(bytes) else {
                throw CommandFailure(message: "--object-size '\(text)' is not a size from 1B to 5TiB (e.g. 300GB)")
            }
            return bytes
        }
    }
}

extension RecommendOptions.Objective: ExpressibleByArgument {}
extension ExportTarget: ExpressibleByArgument {}
