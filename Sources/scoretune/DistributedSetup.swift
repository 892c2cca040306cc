import Foundation
import Model
import Scenario

/// What `slurm` and `k8s` check and choose alike before they write anything.
enum DistributedSetup {
    /// The scenario, checked for `workers` workers; one line and exit 2 otherwise.
    static func scenario(_ path: String, workers: Int) throws -> Scenario {
        guard (1...Worker.maximumCount).contains(workers) else { throw CommandFailure(message: "--workers \(workers): give 1 to \(Worker.maximumCount)") }
        let loaded: Scenario
        do { loaded = try ScenarioLoader.load(path: path) } catch let error as ScenarioError { throw CommandFailure(message: error.description) }
        if let problem = loaded.distributedProblem(workers: workers) { throw CommandFailure(message: problem) }
        return loaded
    }

    /// A tag for a run started now: st-<date>-<time> (UTC), valid as a tag and a Kubernetes name.
    static func defaultTag() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "st-" + formatter.string(from: Date())
    }
}
