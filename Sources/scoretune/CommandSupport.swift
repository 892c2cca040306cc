// What the commands share: opening the results database and the `.env.score`, loading a run's
// analysis, JSON output.
import Analysis
import ArgumentParser
import Foundation
import Scenario
import Results
import ScoreConfig

/// Opens an existing results database, or ends with one line and exit 2.
func openResults(_ path: String) throws -> ResultsDatabase {
    do { return try ResultsDatabase(path: path, access: .read) } catch let error as ResultsDatabase.OpenError { throw CommandFailure(message: error.description) }
}

/// The run's analysis, or one line and exit 2 when there is no such run.
func loadAnalysis(_ database: ResultsDatabase, _ runId: Int64?) async throws -> RunAnalysis {
    do {
        return try await RunAnalysis.load(database: database, runId: try await RunAnalysis.resolve(runId, in: database))
    } catch let error as AnalysisError {
        throw CommandFailure(message: error.description)
    }
}


/// One network profile's cells: required when a run compared several, since settings differ per network.
func restrict(_ analysis: RunAnalysis, to network: String?) throws -> RunAnalysis {
    let networks = analysis.networks
    if let network {
        guard networks.contains(network) else {
            throw CommandFailure(message: "--network \(network): run \(analysis.run.id) has no cells on it (it has: \(networks.map { $0 ?? "direct" }.joined(separator: ", ")))")
        }
        return analysis.restricted(toNetwork: network)
    }
    guard networks.count <= 1 else {
        throw CommandFailure(message: "run \(analysis.run.id) compared networks \(networks.map { $0 ?? "direct" }.joined(separator: ", ")): pass --network NAME")
    }
    return analysis
}
/// Loads the `.env.score`, turning an unreadable or malformed file into one line and exit 2.
func loadSettings(_ path: String) throws -> ScoreSettings {
    do {
        return try ScoreSettings.load(path: path)
    } catch let error as ScoreSettings.LoadError {
        throw CommandFailure(message: error.description)
    }
}

extension RecommendOptions {
    /// The played networks and the retry back-off the run's scenario set (its text is stored with
    /// the run): their round trips belong in every connect, and they say which requests crossed them.
    mutating func readPlayedPaths(of run: RunRow) {
        guard let scenario = try? ScenarioLoader.parse(text: run.scenarioText, path: run.scenarioPath) else { return }
        playedNetworks = scenario.networks.filter { !$0.value.isIdentity || $0.value.carriesServerCalls }
        backoffBaseMilliseconds = scenario.backoff.baseMilliseconds
        backoffMaxMilliseconds = scenario.backoff.maxMilliseconds
    }
}
