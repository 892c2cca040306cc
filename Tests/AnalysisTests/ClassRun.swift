import Foundation
import MemoryStore
import Runner
import TestSupport
import XCTest

/// A small scenario run once for a whole test class, its results in `database`: `yaml` is the
/// scenario without its `env:` line, written into `folder`. Against the in-memory store by default
/// (what the analysis needs is a run's rows, not a server); `.seaweedfs` where the test goes on to
/// use the real store with the run's answer.
enum ClassRun {
    enum Store { case memory, seaweedfs }

    static func make(folder: URL, database: String, yaml: String, store: Store = .memory) async throws -> Int64 {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var options = RunOptions(scenarioPath: folder.appendingPathComponent("scenario.yaml").path, envPath: nil, databasePath: database, resume: nil)
        let env: String
        switch store {
        case .seaweedfs:
            env = try LocalBackend.seaweedfs.settings().path
        case .memory:
            let backend = MemoryS3Backend()
            try await backend.putSentinel()
            env = try backend.writeEnv(in: folder)
            options.makeTransport = { backend.store.transport(options: $0) }
        }
        try ("env: \(env)\n" + yaml).write(toFile: options.scenarioPath!, atomically: true, encoding: .utf8)
        let result = try await ScenarioRunner(options: options, progress: RunProgress(style: .quiet)).run()
        XCTAssertEqual(result.status, .completed)
        return result.runId
    }
}
