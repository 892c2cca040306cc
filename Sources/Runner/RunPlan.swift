import Model
import Results
import Scenario
import ScoreConfig

/// The cells a scenario runs against a `.env.score`: the grid with the file's values for the knobs
/// it leaves out, Score's part sizes merged, every bound checked. `run` starts from it and
/// `run --dry-run` prints it; neither differs from the other.
public struct RunPlan: Sendable {
    /// The knob values the grid does not sweep: the .env.score's, and Score's defaults for the rest.
    public var defaults: Knobs
    public var cells: [Knobs]
    /// Part sizes Score would not run as written, and what it runs instead.
    public var notes: [String]

    public static func make(_ scenario: Scenario, settings: ScoreSettings, envPath: String, worker: Worker?, resuming: Bool) throws -> RunPlan {
        if settings.profile == .azure, scenario.mode != .score {
            throw RunFailure.badInput("\(scenario.path): mode: \(scenario.mode.rawValue) is a plain S3 client; on the Azure profile use mode: score")
        }
        if worker == nil, scenario.grid.workers != nil {
            throw RunFailure.badInput("\(scenario.path): grid.workers sweeps the workers of a distributed run: run it with --worker K/N (or scoretune slurm / k8s)")
        }
        if let worker, let problem = distributedProblem(scenario, settings: settings, worker: worker, resuming: resuming) {
            throw RunFailure.badInput(problem)
        }
        if settings.profile == .s3, scenario.grid.blockSize != nil {
            throw RunFailure.badInput("\(scenario.path): grid.block_size is the Azure client's azure.blockSize; \(envPath) uses the S3 profile (remove it, or run against an Azure .env.score)")
        }
        // Score's defaults: transport.parallel 6; on Azure azure.blockSize 104857600 (docs/score.md).
        let defaults = Knobs(uploadPartSize: settings.uploadPartSize, downloadPartSize: nil, retryLimit: settings.retryLimit,
                             connectTimeoutMilliseconds: Int64(settings.connectTimeoutMilliseconds), stallTimeoutMilliseconds: 60_000,
                             parallel: 6, clients: 1, blockSize: settings.profile == .azure ? 104_857_600 : nil)
        // Values the .env.score supplies for knobs the grid leaves out meet the grid's own bounds.
        if scenario.grid.retryLimit == nil, !(0...100).contains(settings.retryLimit) {
            throw RunFailure.badInput("\(envPath): UPLOAD_RETRY_LIMIT=\(settings.retryLimit) is more retries than a run makes (0 to 100); give grid.UPLOAD_RETRY_LIMIT in the scenario")
        }
        if scenario.grid.connectTimeout == nil, !(1...ScenarioLimits.durationMilliseconds).contains(Int64(settings.connectTimeoutMilliseconds)) {
            throw RunFailure.badInput("\(envPath): UPLOAD_CONNECTION_TIMEOUT=\(settings.connectTimeoutMilliseconds) is longer than a run waits (1 ms to 1 h); give grid.UPLOAD_CONNECTIONTIMEOUT in the scenario")
        }
        do {
            let planned = try scenario.plannedCells(defaults: defaults)
            return RunPlan(defaults: defaults, cells: planned.cells, notes: planned.notes)
        } catch let error as ScenarioError { throw RunFailure.badInput(error.description) }
    }

    /// Why this scenario cannot run as one of several workers, or nil.
    static func distributedProblem(_ scenario: Scenario, settings: ScoreSettings, worker: Worker, resuming: Bool) -> String? {
        if resuming { return "--resume: a distributed run is not resumed; run it again under a new --tag (clean the old one with `scoretune clean --tag`)" }
        return scenario.distributedProblem(workers: worker.count)
    }

    /// Reads the scenario and its `.env.score` as `run` does, creating nothing: (scenario, env path, settings).
    public static func load(scenarioPath: String, envPath: String?) throws -> (Scenario, String, ScoreSettings) {
        let (scenario, env) = try scenarioFile(scenarioPath, envPath: envPath)
        return (scenario, env, try ScenarioRunner.loadSettings(env))
    }

    /// A scenario file and the `.env.score` it runs against (`envPath`, else its `env:`).
    static func scenarioFile(_ path: String, envPath: String?) throws -> (Scenario, String) {
        let scenario: Scenario
        do { scenario = try ScenarioLoader.load(path: path) } catch let error as ScenarioError { throw RunFailure.badInput(error.description) }
        guard let env = envPath ?? scenario.envPath else {
            throw RunFailure.badInput("\(path): no .env.score: add 'env: path/to/.env.score' or pass --env FILE")
        }
        return (scenario, env)
    }
}

extension RunPlan {
    /// The plan's cells as a run records them: in the order the scenario's seed shuffles them to,
    /// positions from 0 (what the grid walk and a search both start from).
    func cellRows(runId: Int64, seed: UInt64) -> [CellRow] {
        var order = SplitMix64(seed: seed)
        return cells.shuffled(using: &order).enumerated().map { CellRow(runId: runId, position: $0, knobs: $1) }
    }
}
