import ArgumentParser
import Foundation
import Model

/// `run`'s flags for one worker of a distributed run. The rank and count come from `--worker`, or
/// from the engine that started the process (Slurm's SLURM_PROCID and SLURM_NTASKS; a Kubernetes
/// Indexed Job's JOB_COMPLETION_INDEX with `--workers`).
struct WorkerFlags: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("This process is worker K of N (0-based): it moves the objects whose index modulo N is K.",
                                            valueName: "K/N"))
    var worker: String?

    @Option(name: .long, help: "How many workers run the scenario, when the rank comes from JOB_COMPLETION_INDEX (or overrides SLURM_NTASKS).")
    var workers: Int?

    @Option(name: .long, help: "Names the distributed run: its keys, barrier markers and databases (default under Slurm: slurm-$SLURM_JOB_ID).")
    var tag: String?

    @Option(name: .long, help: ArgumentHelp("Seconds a worker waits at a barrier for the others (1 to 86400).", valueName: "seconds"))
    var barrierTimeout: Int = 300

    @Flag(name: .long, help: "When the run ends, upload this worker's database to scoretune-results/<tag>/ in the object bucket, for `merge --tag` (workers that share no filesystem).")
    var uploadDb = false

    /// The worker this process is, or nil for a single machine's run; one line and exit 2 when the
    /// flags or the environment do not add up.
    func resolve() throws -> Worker? {
        if uploadDb && worker == nil && workers == nil && tag == nil {
            throw CommandFailure(message: "--upload-db: only a worker of a distributed run uploads its database (--worker K/N --tag T)")
        }
        guard (1...86_400).contains(barrierTimeout) else {
            throw CommandFailure(message: "--barrier-timeout \(barrierTimeout): give 1 to 86400 seconds")
        }
        do {
            return try Worker.resolve(flag: worker, workers: workers, tag: tag, environment: ProcessInfo.processInfo.environment)
        } catch { throw CommandFailure(message: error.description) }
    }

    /// `--db` with `{rank}` replaced by the worker's rank (each worker records in a file of its own).
    static func databasePath(_ path: String, worker: Worker?) throws -> String {
        guard let worker else {
            if path.contains("{rank}") { throw CommandFailure(message: "--db \(path): {rank} names a worker's database; this run has no worker (--worker K/N)") }
            return path
        }
        return path.replacingOccurrences(of: "{rank}", with: String(worker.rank))
    }
}
