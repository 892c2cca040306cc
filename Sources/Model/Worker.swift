/// One of N scoretune processes running the same scenario against one store at once (`run
/// --worker K/N --tag TAG`, a Slurm job step's task, a Kubernetes Indexed Job's pod). Each owns the
/// objects whose index modulo N is its rank, names everything it creates under its tag and rank,
/// and records in a database of its own; `merge` joins the databases into one run.
public struct Worker: Sendable, Equatable, Codable {
    /// 0 ..< count.
    public var rank: Int
    public var count: Int
    /// Names the distributed run: its keys, barrier markers and uploaded databases. Letters,
    /// digits, '_' and '-' only (no '.', which separates the tag from the rank in keys).
    public var tag: String

    public static let maximumCount = 1024
    public static let maximumTagLength = 64

    public init(rank: Int, count: Int, tag: String) {
        (self.rank, self.count, self.tag) = (rank, count, tag)
    }

    /// Whether this worker moves the scenario's object `index` in a cell where the first `active`
    /// workers move objects (`grid.workers`; nil: all of them). The others own none there.
    public func owns(objectIndex index: Int, amongFirst active: Int? = nil) -> Bool {
        let movers = min(active ?? count, count)
        return rank < movers && index % movers == rank
    }

    /// The start of every object id this worker creates, e.g. `nightly.w3.`: unique to the tag and
    /// rank, so `clean --tag` finds by prefix what a killed worker left.
    public var objectIdPrefix: String { "\(tag).w\(rank)." }
    /// The start of every object id any worker of the tag creates.
    public static func objectIdPrefix(tag: String) -> String { "\(tag).w" }

    /// Where the workers' barrier markers go in the object bucket.
    public static func barrierPrefix(tag: String) -> String { "scoretune-barrier/\(tag)/" }

    /// Why a tag cannot be used, or nil.
    public static func tagProblem(_ tag: String) -> String? {
        if tag.isEmpty { return "is empty" }
        if tag.count > maximumTagLength { return "is longer than \(maximumTagLength) characters" }
        if !tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
            return "may hold only letters, digits, '_' and '-'"
        }
        if let first = tag.first, !(first.isLetter || first.isNumber) { return "must start with a letter or digit" }
        return nil
    }

    /// The worker a process is, from `--worker K/N` and `--tag`, else — when `--tag` or `--workers`
    /// asks for a distributed run — from the engine that started it: Slurm (`SLURM_PROCID` of
    /// `SLURM_NTASKS`, tag `slurm-$SLURM_JOB_ID` by default) or a Kubernetes Indexed Job
    /// (`JOB_COMPLETION_INDEX` of `--workers N`). nil: a single machine's run (a plain `run` inside a
    /// batch job stays one). Errors name the flag or variable.
    public static func resolve(flag: String?, workers: Int?, tag: String?, environment: [String: String]) throws(WorkerError) -> Worker? {
        var rank: Int, count: Int
        var defaultTag: String?
        if let flag {
            let parts = flag.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
                throw WorkerError("--worker \(flag.prefix(40)): give RANK/COUNT, e.g. --worker 0/4")
            }
            (rank, count) = (k, n)
            if let workers, workers != n { throw WorkerError("--worker \(flag) and --workers \(workers) disagree") }
        } else if workers == nil && tag == nil {
            return nil
        } else if let procid = environment["SLURM_PROCID"] {
            guard let k = Int(procid) else { throw WorkerError("SLURM_PROCID is not a number") }
            guard let n = workers ?? environment["SLURM_NTASKS"].flatMap({ Int($0) }) else {
                throw WorkerError("SLURM_PROCID is set but SLURM_NTASKS is not a number: give --workers N")
            }
            (rank, count) = (k, n)
            defaultTag = environment["SLURM_JOB_ID"].map { "slurm-\($0)" }
        } else if let index = environment["JOB_COMPLETION_INDEX"] {
            guard let k = Int(index) else { throw WorkerError("JOB_COMPLETION_INDEX is not a number") }
            guard let workers else { throw WorkerError("JOB_COMPLETION_INDEX is set: give --workers N (the Job's completions)") }
            (rank, count) = (k, workers)
        } else {
            throw WorkerError("--workers and --tag need a rank: --worker K/N, or a Slurm task (SLURM_PROCID) or Indexed Job pod (JOB_COMPLETION_INDEX)")
        }
        guard (1...maximumCount).contains(count) else { throw WorkerError("the worker count \(count) is outside 1 to \(maximumCount)") }
        guard (0..<count).contains(rank) else { throw WorkerError("the worker rank \(rank) is outside 0 to \(count - 1)") }
        guard let chosen = tag ?? defaultTag else { throw WorkerError("a distributed run needs --tag TAG (it names its keys and markers)") }
        if let problem = tagProblem(chosen) { throw WorkerError("--tag \(chosen.prefix(70)): \(problem)") }
        return Worker(rank: rank, count: count, tag: chosen)
    }
}

/// Why a process cannot tell which worker it is.
public struct WorkerError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
