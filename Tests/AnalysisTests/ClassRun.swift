import Foundation
import Runner
import TestSupport
import XCTest

/// A small scenario run once against the local SeaweedFS for a whole test class: `yaml` is the
/// scenario without its `env:` line, written into `folder`; the run's results go to `database`.
enum ClassRun {
    static func make(folder: URL, database: String, yaml: String) async throws -> Int64 {
        let env = try LocalBackend.seaweedfs.settings().path
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let scenario = folder.appendingPathComponent("scenario.yaml").path
        try ("env: \(env)\n" + yaml).write(toFile: scenario, atomically: true, encoding: .utf8)
        let result = try await ScenarioRunner(options: RunOptions(scenarioPath: scenario, envPath: nil, databasePath: database, resume: nil),
                                              progress: RunProgress(style: .quiet)).run()
        XCTAssertEqual(result.status, .completed)
        return result.runId
    }
}
