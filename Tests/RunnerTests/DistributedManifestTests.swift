import Foundation
import TestSupport
import ScoreConfig
import XCTest

/// What `scoretune k8s` and `scoretune slurm` write, checked by the tools that read them: the
/// Kubernetes schemas (kubernetes-validate, pinned in scripts/requirements.txt) and bash. Neither
/// ever holds a secret of the .env.score.
final class DistributedManifestTests: XCTestCase {
    var scenario: String { LocalBackend.packageRoot.appendingPathComponent("scenarios/distributed.yaml").path }
    let secretsOfTheLocalStores = ["seaweedfs", "rclone"].compactMap { name -> String? in
        let env = LocalBackend.packageRoot.appendingPathComponent(".scoretune/backends/\(name)/.env.score").path
        let text = (try? String(contentsOfFile: env, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix("S3_SECRETKEY=") }.map { String($0.dropFirst("S3_SECRETKEY=".count)) }
    }

    func testTheIndexedJobPassesTheKubernetesSchemas() throws {
        let validator = LocalBackend.packageRoot.appendingPathComponent(".scoretune/venv/bin/kubernetes-validate").path
        guard FileManager.default.isExecutableFile(atPath: validator) else {
            if ProcessInfo.processInfo.environment["SCORETUNE_REQUIRE_BACKENDS"] == "1" { XCTFail("kubernetes-validate is not installed: scripts/bootstrap") }
            throw XCTSkip("kubernetes-validate is not installed (scripts/bootstrap)")
        }
        let result = try ScoretuneBinary.run(["k8s", scenario, "--workers", "4", "--image", "registry.example.org/scoretune:0.6.0",
                                              "--env-secret", "score-env", "--tag", "nightly-1", "--namespace", "storage"])
        XCTAssertEqual(result.status, 0, result.err)
        for expected in ["completionMode: Indexed", "completions: 4", "parallelism: 4", "backoffLimit: 0", "secretName: \"score-env\"",
                         "\"--workers\", \"4\"", "\"--upload-db\"", "scoretune merge --tag nightly-1"] {
            XCTAssertTrue(result.out.contains(expected), "missing \(expected)")
        }
        for secret in secretsOfTheLocalStores { XCTAssertFalse(result.out.contains(secret), "a secret is in the manifests") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-k8s-\(UUID().uuidString.prefix(8)).yaml")
        try result.out.write(to: file, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: file) }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: validator)
        check.arguments = ["--strict", "--kubernetes-version", "1.34.0", file.path]
        let output = Pipe()
        check.standardOutput = output
        check.standardError = output
        try check.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, text)
        XCTAssertEqual(text.components(separatedBy: "passed for resource").count - 1, 2, "both documents checked: \(text)")
        // The scenario travels whole in the ConfigMap: the pods run exactly this file's text.
        XCTAssertTrue(result.out.contains("name: distributed"))
    }

    func testBadInputIsOneLineAndExit2() throws {
        for (arguments, expected) in [(["--tag", "Nightly"], "--tag Nightly: give at most 50 lowercase"),
                                      (["--env-secret", "Score_Env"], "--env-secret Score_Env: not a Kubernetes name"),
                                      (["--workers", "100"], "objects.count 4 is fewer than the 100 workers")] {
            var full = ["k8s", scenario, "--workers", "4", "--image", "scoretune:1", "--env-secret", "score-env"]
            for pair in stride(from: 0, to: arguments.count, by: 2) {
                if let at = full.firstIndex(of: arguments[pair]) { full[at + 1] = arguments[pair + 1] } else { full += [arguments[pair], arguments[pair + 1]] }
            }
            let result = try ScoretuneBinary.run(full)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.err)")
            XCTAssertTrue(result.err.contains(expected), result.err)
            XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err)
        }
    }

    /// The batch script: one step of N tasks, then the merge; bash parses it; no secret in it.
    /// Writing it reads the `.env.score` and sends nothing: the memory store's file is enough.
    func testTheSlurmScriptIsOneStepThenTheMergeAndHoldsNoSecret() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-sbatch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let settings = try ScoreSettings.load(path: try MemoryS3Backend().writeEnv(in: folder), environment: [:])
        let result = try ScoretuneBinary.run(["slurm", scenario, "--workers", "3", "--nodes", "2", "--time", "30", "--tag", "s1",
                                              "--env", settings.path, "--dir", folder.path])
        XCTAssertEqual(result.status, 0, result.err)
        let script = try String(contentsOf: folder.appendingPathComponent("scoretune-s1.sbatch"), encoding: .utf8)
        for expected in ["#SBATCH --ntasks=3", "#SBATCH --nodes=2", "#SBATCH --time=30", "srun --ntasks=3", "--tag s1", "worker-{rank}.sqlite",
                         "merge --db", "clean --tag s1"] {
            XCTAssertTrue(script.contains(expected), "missing \(expected) in:\n\(script)")
        }
        XCTAssertEqual(script.components(separatedBy: "srun ").count - 1, 1, "one job step")
        XCTAssertFalse(script.contains(settings.secretKey), "the secret key is in the script")
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = ["-n", folder.appendingPathComponent("scoretune-s1.sbatch").path]
        try bash.run()
        bash.waitUntilExit()
        XCTAssertEqual(bash.terminationStatus, 0, "bash -n")
        let refused = try ScoretuneBinary.run(["slurm", scenario, "--workers", "2", "--wait", "--env", settings.path, "--dir", folder.path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.err.contains("--wait waits for a submitted job: add --submit"), refused.err)
        let spaced = try ScoretuneBinary.run(["slurm", scenario, "--workers", "2", "--env", settings.path, "--dir", folder.path + " x"])
        XCTAssertEqual(spaced.status, 2)
        XCTAssertTrue(spaced.err.contains("cannot hold spaces"), spaced.err)
    }
}
