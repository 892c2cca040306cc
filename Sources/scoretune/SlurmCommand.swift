import ArgumentParser
import Foundation
import Model
import Runner
import Scenario

struct Slurm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write (and optionally submit) a Slurm batch script that runs a scenario on N workers at once, then merges them.",
        discussion: """
        One job, one srun step of N tasks: all tasks start together (a job array's tasks are separate jobs that \
        start whenever each finds room). Each task is a worker (run --tag, rank from SLURM_PROCID) recording in \
        DIR/worker-<rank>.sqlite; the script then merges them into DIR/merged.sqlite and removes the barrier markers, \
        or, when a worker failed, removes everything of the tag from the store. Credentials stay in the .env.score \
        file, which the nodes must be able to read: the script names its path, never its contents. \
        Exit status: 0 written (or, with --wait, the job succeeded), 1 the job failed, 2 bad input.
        """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .long, help: "How many workers (Slurm tasks), 1 to 1024.")
    var workers: Int

    @Option(name: .long, help: "Nodes to spread them over (default: as Slurm places them).")
    var nodes: Int?

    @Option(name: .long, help: "The Slurm partition.")
    var partition: String?

    @Option(name: .long, help: "The job's time limit, as sbatch takes it (e.g. 30, 1:00:00).")
    var time: String?

    @Option(name: .long, help: "The .env.score (default: the scenario's env:). Its path goes into the script; its contents never.")
    var env: String?

    @Option(name: .long, help: "The tag naming the run's keys and markers (default: st-<date>-<time>).")
    var tag: String?

    @Option(name: .long, help: "Folder for the script, the workers' databases, the merged database and the job's output (default: reports/slurm-<tag>).")
    var dir: String?

    @Flag(name: .long, help: "Submit the script with sbatch.")
    var submit = false

    @Flag(name: .long, help: "With --submit: wait for the job to end and print its output (the merged run's summary).")
    var wait = false

    @Flag(name: .long, help: "Print what was written (and submitted) as JSON.")
    var json = false

    /// What `slurm --json` prints.
    struct Written: Encodable {
        var script: String
        var workers: Int
        var tag: String
        var mergedDatabase: String
        var jobId: String?
        var jobOutput: String?
    }

    func run() async throws {
        guard (1...Worker.maximumCount).contains(workers) else { throw CommandFailure(message: "--workers \(workers): give 1 to \(Worker.maximumCount)") }
        if let nodes, !(1...workers).contains(nodes) { throw CommandFailure(message: "--nodes \(nodes): give 1 to --workers (\(workers))") }
        if let partition, partition.isEmpty || !partition.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-,".contains($0)) }) {
            throw CommandFailure(message: "--partition: give a Slurm partition name (letters, digits, '_', '-', ',')")
        }
        if let time, time.isEmpty || time.count > 20 || !time.allSatisfy({ $0.isASCII && ($0.isNumber || ":-".contains($0)) }) {
            throw CommandFailure(message: "--time \(time.prefix(20)): give a time limit as sbatch takes it (minutes, or [days-]hours:minutes:seconds)")
        }
        if wait && !submit { throw CommandFailure(message: "--wait waits for a submitted job: add --submit") }
        let loaded = try DistributedSetup.scenario(scenario, workers: workers)
        guard let envPath = env.map(Self.absolute) ?? loaded.envPath else {
            throw CommandFailure(message: "\(scenario): no .env.score: add 'env: path/to/.env.score' or pass --env FILE")
        }
        _ = try loadSettings(envPath)

        let chosenTag = tag ?? DistributedSetup.defaultTag()
        if let problem = Worker.tagProblem(chosenTag) { throw CommandFailure(message: "--tag \(chosenTag.prefix(70)): \(problem)") }
        let folder = Self.absolute(dir ?? "reports/slurm-\(chosenTag)")
        // #SBATCH lines are split at spaces and expand '%' (%j: the job id).
        if folder.contains(where: { $0.isWhitespace || "%\"'\\".contains($0) }) {
            throw CommandFailure(message: "--dir \(folder): Slurm's #SBATCH lines cannot hold spaces, quotes or '%'; choose another folder")
        }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw CommandFailure(message: "\(folder): cannot create the folder (\(error.localizedDescription))")
        }
        let script = Self.script(binary: Self.executable(), scenario: Self.absolute(scenario), env: envPath, tag: chosenTag, folder: folder,
                                 workers: workers, nodes: nodes, partition: partition, time: time)
        let scriptPath = folder + "/scoretune-\(chosenTag).sbatch"
        do { try script.write(toFile: scriptPath, atomically: true, encoding: .utf8) } catch {
            throw CommandFailure(message: "\(scriptPath): cannot write the script (\(error.localizedDescription))")
        }
        var written = Written(script: scriptPath, workers: workers, tag: chosenTag, mergedDatabase: "\(folder)/merged.sqlite")
        if !json { print("wrote \(scriptPath): \(workers) worker(s), tag \(chosenTag); results in \(folder)/merged.sqlite") }
        if submit {
            // A job that fails ends as an error document (its message names the job and its output).
            try submitJob(scriptPath, folder: folder, written: &written)
        } else if !json {
            print("submit it with: sbatch \(RunIdentity.shellQuoted(scriptPath))")
        }
        if json { try JSONOutput.print(written) }
    }

    private func submitJob(_ scriptPath: String, folder: String, written: inout Written) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch", "--parsable"] + (wait ? ["--wait"] : []) + [scriptPath]
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { throw CommandFailure(message: "sbatch: cannot start it (\(error.localizedDescription)); is Slurm installed here?", code: 1) }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let jobId = text.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        let log = "\(folder)/slurm-\(jobId).out"
        if !wait {
            guard process.terminationStatus == 0 else { throw CommandFailure(message: "sbatch refused the script (exit \(process.terminationStatus))", code: 1) }
            (written.jobId, written.jobOutput) = (jobId, log)
            if !json { print("submitted job \(jobId); its output goes to \(log)") }
            return
        }
        if !json, let output = try? String(contentsOfFile: log, encoding: .utf8) { print(output, terminator: "") }
        guard process.terminationStatus == 0 else {
            throw CommandFailure(message: "job \(jobId) failed (sbatch exit \(process.terminationStatus)); its output: \(log)", code: 1)
        }
        (written.jobId, written.jobOutput) = (jobId, log)
    }

    /// The batch script. Every path is absolute and shell-quoted; nothing secret is in it.
    static func script(binary: String, scenario: String, env: String, tag: String, folder: String, workers: Int, nodes: Int?,
                       partition: String?, time: String?) -> String {
        let q = RunIdentity.shellQuoted
        var lines = ["#!/bin/bash",
                     "# Written by `scoretune slurm`: \(workers) worker(s) run \(q(scenario).filter { !$0.isNewline }) at once, then their databases are merged.",
                     "# The store's credentials stay in the .env.score file named below; none are in this script.",
                     "#SBATCH --job-name=scoretune-\(tag)",
                     "#SBATCH --ntasks=\(workers)",
                     "#SBATCH --output=\(folder)/slurm-%j.out"]
        if let nodes { lines.append("#SBATCH --nodes=\(nodes)") }
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        lines += ["set -uo pipefail",
                  "scoretune=\(q(binary))",
                  "env_file=\(q(env))",
                  "# One step of \(workers) tasks that start together; each is a worker (its rank from SLURM_PROCID).",
                  "if ! srun --ntasks=\(workers) --kill-on-bad-exit=0 \"$scoretune\" run \(q(scenario)) --env \"$env_file\" --tag \(tag) \\",
                  "     --db \(q(folder + "/worker-{rank}.sqlite")) --quiet; then",
                  "  echo \"scoretune slurm: a worker failed; removing everything of tag \(tag) from the store\" >&2",
                  "  \"$scoretune\" clean --tag \(tag) --env \"$env_file\"",
                  "  exit 1",
                  "fi",
                  "exec \"$scoretune\" merge --db \(q(folder + "/merged.sqlite")) --env \"$env_file\" \(q(folder))/worker-*.sqlite"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
    }

    /// This binary's own path, for the nodes to run.
    static func executable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? absolute(CommandLine.arguments[0])
    }
}
