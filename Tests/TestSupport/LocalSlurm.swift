import Foundation
import XCTest

/// The one-node Slurm cluster `scripts/backend start slurm` runs: its slurm.conf, or a skip (a
/// failure under `make test`) when it is not up.
public enum LocalSlurm {
    static var folder: URL { LocalBackend.packageRoot.appendingPathComponent(".scoretune/backends/slurm") }

    /// The environment that points Slurm's commands at it.
    public static func environment(file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        try LocalBackend.skipUnlessServersWanted()
        let alive = ["slurmctld.pid", "slurmd.pid"].allSatisfy { name in
            (try? String(contentsOfFile: folder.appendingPathComponent(name).path, encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.map { kill($0, 0) == 0 } == true
        }
        guard alive else {
            if ProcessInfo.processInfo.environment["SCORETUNE_REQUIRE_BACKENDS"] == "1" {
                XCTFail("Slurm is not running: scripts/backend start slurm", file: file, line: line)
            }
            throw XCTSkip("Slurm is not running (scripts/backend start slurm)")
        }
        return ["SLURM_CONF": folder.appendingPathComponent("slurm.conf").path]
    }
}
