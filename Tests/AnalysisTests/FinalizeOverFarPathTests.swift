@testable import Analysis
import Foundation
import Model
import Results
import Scenario
import TestSupport
import XCTest

/// Score issue #338 on the real SeaweedFS: Score's server far from its store (its calls behind a
/// played 1 s round trip), an upload of 31 parts whose finalize, with the state clean-up Score does
/// before it answers, outlasts score-client's default 60 s read timeout. The recommended
/// client.readTimeoutSeconds outlasts every measured finalize; the default does not.
final class FinalizeOverFarPathTests: XCTestCase {
    func testTheRecommendedReadTimeoutOutlastsAFinalizeThatTheDefaultCuts() async throws {
        try LocalBackend.skipUnlessServersWanted()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-finalize-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let scenario = try String(contentsOf: LocalBackend.packageRoot.appendingPathComponent("scenarios/finalize-far.yaml"), encoding: .utf8)
        let yaml = scenario.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("env:") }.joined(separator: "\n")
        let database = folder.appendingPathComponent("results.sqlite").path
        let runId = try await ClassRun.make(folder: folder, database: database, yaml: yaml, store: .seaweedfs)
        let analysis = try await RunAnalysis.load(database: try ResultsDatabase(path: database), runId: runId)
        let waits = analysis.trialSample.compactMap(\.finalizeWait)
        XCTAssertFalse(waits.isEmpty)
        let longest = try XCTUnwrap(waits.max())
        XCTAssertGreaterThan(longest, Double(RecommendOptions.CurrentSettings.scoreClientReadTimeoutSeconds),
                             "the far server's finalize (\(longest) s) outlasts score-client's default read timeout")

        var options = RecommendOptions()
        options.playedNetworks = try ScenarioLoader.parse(text: analysis.run.scenarioText, path: "finalize-far.yaml").networks
        let recommendation = try Recommendation.make(analysis, options: options)
        let read = try XCTUnwrap(recommendation.clientProperties.first { $0.name == .client(.readTimeoutSeconds) })
        let seconds = try XCTUnwrap(Int(read.value))
        XCTAssertGreaterThan(Double(seconds), longest, "\(read.evidence)")
        XCTAssertEqual(read.basis, .modelled)
        // The path itself showed no fault: the retry limit and the connect timeout stay the file's.
        XCTAssertEqual(recommendation.settings.first { $0.name == .score(.uploadRetryLimit) }?.basis, .kept)
    }
}
