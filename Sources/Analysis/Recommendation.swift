import Foundation
import Model
import Results
import ScoreConfig

/// What to optimise, and the limits a recommendation must respect.
public struct RecommendOptions: Sendable {
    public typealias Objective = Model.Objective
    public var objective: Objective
    /// Client memory limit in bytes: part size × parts in flight × concurrent transfers.
    public var maxMemory: Int64?
    /// Bound on the 99th percentile object time, seconds.
    public var maxP99: Double?

    /// The values the operator's `.env.score` holds now, kept when the run cannot say better
    /// (a loopback run has seen no real network's faults or delays).
    public var current: CurrentSettings?
    /// Object sizes (bytes) whose finalize time to predict (`--object-size`): score-client's read
    /// timeout must outlast it.
    public var objectSizes: [Int64] = []

    public struct CurrentSettings: Sendable {
        public var source: String
        public var retryLimit: Int?
        public var connectTimeoutMilliseconds: Int?
        public init(source: String, retryLimit: Int?, connectTimeoutMilliseconds: Int?) {
            (self.source, self.retryLimit, self.connectTimeoutMilliseconds) = (source, retryLimit, connectTimeoutMilliseconds)
        }
    }

    public init(objective: Objective = .upload, maxMemory: Int64? = nil, maxP99: Double? = nil, current: CurrentSettings? = nil) {
        self.objective = objective
        self.maxMemory = maxMemory
        self.maxP99 = maxP99
        self.current = current
    }

    /// The directions whose costs count for this objective.
    var directions: [Direction] { objective.directions }
}

/// Settings chosen from a run, each with the evidence that chose it.
public struct Recommendation: Sendable, Encodable {
    public struct Choice: Sendable, Encodable {
        public var cellId: Int64
        public var label: String
        /// MB/s for the objective: the direction's median, or for `both` the harmonic mean of the
        /// two medians (the rate of uploading then downloading the same bytes).
        public var median: Double
        public var low: Double
        public var high: Double
        /// The interval's real coverage (95% when the trials allow; less with few trials).
        public var level: Double
        public var trials: Int
        /// Client memory for the objective's buffers (effective part × in flight × clients).
        public var clientMemory: Int64
        public var requestsPerObject: Double
        /// HTTP requests per GiB moved in the objective's direction(s).
        public var requestsPerGiB: Double

        var interval: String { "\(Statistics.intervalName(level)) \(mbps(low))–\(mbps(high))" }
    }

    public struct Setting: Sendable, Encodable {
        public var name: SettingName
        public var value: String
        public var evidence: String
    }

    /// The decision as numbers, what every client's export (`ClientExport`) is written from.
    public struct Decision: Sendable, Encodable {
        /// UPLOAD_PARTSIZE as Score honours it (at least its 20 MiB floor); on Azure the download range size.
        public var partSize: Int64
        /// The chosen cell's ranged-download size (a plain client's setting; nil in score mode).
        public var downloadPartSize: Int64?
        /// Azure only: the upload block size (score-client's azure.blockSize).
        public var blockSize: Int64?
        /// Parts in flight per object (score-client's transport.parallel).
        public var parallel: Int
        /// Objects moved at once in the chosen cell.
        public var clients: Int
        public var retryLimit: Int
        public var connectTimeoutMilliseconds: Int
        /// The chosen cell's stall timeout: how long a transfer may move no byte.
        public var stallTimeoutMilliseconds: Int64
        /// The read timeout to give score-client, when the run could size one.
        public var readTimeoutSeconds: Int?
        /// GB score-client's transport.memory needs for the parts in flight.
        public var memoryGiB: Int
    }

    public var runId: Int64
    /// The run's status: anything but `completed` heads the output.
    public var runStatus: RunStatus
    public var scenario: String
    public var mode: Mode
    public var endpoint: String
    public var server: String?
    public var objective: RecommendOptions.Objective
    public var chosen: Choice
    public var best: Choice
    public var runnerUp: Choice?
    public var reason: String
    public var excluded: [String]
    public var settings: [Setting]
    public var clientProperties: [Setting]
    public var notes: [String]
    public var decision: Decision
    /// Which `.env.score` profile the settings are for.
    public var profile = ScoreProfile.s3
    /// What bears on the whole answer (run status, loopback, the measurement's own cautions),
    /// shown first; `cautions` holds their sentences, as JSON has always carried them.
    public var findings: [Caution] = [] { didSet { cautions = findings.map(\.text) } }
    public private(set) var cautions: [String] = []

    /// The cells that meet the options' constraints, and why each other one does not. Without
    /// `setAside`, the cells a search pruned or dropped are left out.
    static func consider(_ analysis: RunAnalysis, options: RecommendOptions, search: SearchHistory?,
                         setAside: Bool) -> (candidates: [(CellStatistics, Choice)], excluded: [String]) {
        var excluded: [String] = []
        var candidates: [(CellStatistics, Choice)] = []
        for stats in analysis.cells {
            let label = "cell \(stats.cell.id) (\(stats.knobs.label))"
            // A search's answer comes from its survivors: the cells it set aside have thinner evidence.
            if !setAside, let left = search?.leaving(stats.cell.id) {
                excluded.append("\(label): \(left.verdict.rawValue) by the search" + (left.rung > 0 ? " at decision \(left.rung)" : "") + ": \(left.reason)")
                continue
            }
            guard stats.trials > 0 else { excluded.append("\(label): no measured trials"); continue }
            if stats.failedTrials > 0 {
                excluded.append("\(label): \(stats.failedTrials) failed trial(s)")
                continue
            }
            if let limit = options.maxMemory {
                let memory = stats.memory(for: options.directions)
                if memory > limit {
                    let perClient = limit / Int64(max(1, stats.knobs.clients))
                    let flying = options.directions.map { stats.effectiveParallel(memoryBudget: perClient, direction: $0) }.min() ?? stats.knobs.parallel
                    excluded.append("\(label): needs \(Units.formatSize(memory)) of client memory, over \(Units.formatSize(limit))"
                                    + (flying < stats.knobs.parallel ? " (score-client would keep only \(flying) part(s) in flight, not the \(stats.knobs.parallel) measured)" : ""))
                    continue
                }
            }
            guard let choice = choice(stats, options) else {
                excluded.append("\(label): no \(options.objective.rawValue) measurements")
                continue
            }
            if let bound = options.maxP99 {
                let p99 = [stats.upload, stats.download].compactMap { $0?.timeP99 }.max() ?? 0
                if p99 > bound {
                    excluded.append("\(label): p99 object time \(String(format: "%.2f", p99)) s over \(String(format: "%.2f", bound)) s")
                    continue
                }
            }
            candidates.append((stats, choice))
        }
        return (candidates, excluded)
    }

    public static func make(_ analysis: RunAnalysis, options: RecommendOptions) throws -> Recommendation {
        let search = SearchHistory(analysis)
        var (candidates, excluded) = consider(analysis, options: options, search: search, setAside: false)
        var fellBack = false
        if candidates.isEmpty, search != nil {
            // No survivor of the search meets the constraints: the cells it set aside are
            // considered after all, and the answer says their evidence is thinner.
            let wider = consider(analysis, options: options, search: search, setAside: true)
            if !wider.candidates.isEmpty { (candidates, excluded, fellBack) = (wider.candidates, wider.excluded, true) }
        }
        guard let best = candidates.max(by: { ($0.1.median, -$0.1.cellId) < ($1.1.median, -$1.1.cellId) }) else {
            throw AnalysisError("run \(analysis.run.id): no cell meets the constraints (\(excluded.joined(separator: "; ")))")
        }
        let ranking = TieRule.rank(candidates.map(\.1), best: best.1)
        let chosenId = ranking.order[0].cellId
        let chosen = candidates.first { $0.1.cellId == chosenId }!
        let runnerUp = ranking.order.count > 1 ? candidates.first { $0.1.cellId == ranking.order[1].cellId } : nil
        let reason = ranking.reason

        let cell = chosen.0.cell
        let axis = analysis.axis == .aggregate ? "aggregate " : ""
        let samples = analysis.axis == .aggregate ? "repetitions" : "trials"
        let evidence = "\(chosen.1.label): \(axis)\(options.objective.rawValue) median \(mbps(chosen.1.median)) MB/s (\(chosen.1.interval)) over \(chosen.1.trials) \(samples)"
            + (runnerUp.map { "; runner-up \($0.1.label): \(mbps($0.1.median)) MB/s (\($0.1.interval))" } ?? "; no runner-up")
        let loopback = LoopbackEvidence(analysis)
        let connect = loopback.map { keptConnect(options.current, $0) } ?? connectAdvice(analysis)
        let retry = loopback.map { keptRetry(options.current, $0) } ?? retryAdvice(analysis)
        let profile = cell.knobs.blockSize.map { azureSettings(chosen.0, blockSize: $0, evidence: evidence) }
            ?? s3Settings(analysis, chosen: chosen.0, evidence: evidence, connect: connect, retry: retry)
        var properties = profile.properties + [
            Setting(name: .client(.connectTimeoutSeconds), value: "\(max(1, connect.milliseconds / 1000))",
                    evidence: cell.knobs.blockSize == nil ? "as UPLOAD_CONNECTION_TIMEOUT" : connect.evidence),
        ]
        var read = loopback == nil ? readAdvice(analysis) : nil
        var finalizeNotes: [String] = []
        if !options.objectSizes.isEmpty, cell.knobs.blockSize != nil || analysis.run.mode != .score {
            finalizeNotes = ["--object-size predicts Score's S3 finalize (ListParts and CompleteMultipartUpload) from a score-mode S3 run; "
                             + (cell.knobs.blockSize != nil ? "this Azure run's Put Block List is not that call" : "this multipart-mode run's finalize is a plain client's")]
        } else if !options.objectSizes.isEmpty {
            let finalize = finalizeAdvice(analysis, uploadPartSize: max(cell.knobs.uploadPartSize, PartCalculator.minimumPartSize),
                                          sizes: options.objectSizes)
            finalizeNotes = finalize.notes
            if let needed = finalize.readTimeout, needed > read?.seconds ?? 0 {
                read = (needed, finalize.evidence)
            }
        }
        if let read {
            properties.append(Setting(name: .client(.readTimeoutSeconds), value: "\(read.seconds)", evidence: read.evidence))
        }
        var findings: [Caution] = []
        if analysis.run.status != .completed {
            findings.append(.incompleteRun(runId: analysis.run.id, status: analysis.run.status,
                                           cellsDone: analysis.cells.filter { $0.cell.status == .done }.count, cells: analysis.cells.count))
        }
        if let loopback { findings.append(.loopbackKept(loopback, source: options.current?.source ?? "Score's defaults")) }
        if fellBack { findings.append(.searchFallback) }
        findings += analysis.measurementCautions
        var recommendation = Recommendation(
            runId: analysis.run.id, runStatus: analysis.run.status, scenario: analysis.run.scenarioName, mode: analysis.run.mode,
            endpoint: analysis.run.backendEndpoint, server: analysis.run.backendServer, objective: options.objective,
            chosen: chosen.1, best: best.1, runnerUp: runnerUp?.1, reason: reason, excluded: excluded,
            settings: profile.settings, clientProperties: properties,
            notes: (search?.evidence(analysis) ?? []) + [connectionsNote(chosen.0)] + finalizeNotes + edgeNotes(analysis, chosen: chosen.0) + profile.notes,
            decision: Decision(partSize: honouredPartSize(cell.knobs),
                               downloadPartSize: cell.knobs.downloadPartSize, blockSize: cell.knobs.blockSize, parallel: cell.knobs.parallel,
                               clients: cell.knobs.clients, retryLimit: retry.value, connectTimeoutMilliseconds: connect.milliseconds,
                               stallTimeoutMilliseconds: cell.knobs.stallTimeoutMilliseconds,
                               readTimeoutSeconds: read?.seconds, memoryGiB: memoryGiB(chosen.0)),
            profile: cell.knobs.blockSize == nil ? .s3 : .azure)
        recommendation.findings = findings
        return recommendation
    }


    static func keptRetry(_ current: RecommendOptions.CurrentSettings?, _ loopback: LoopbackEvidence) -> (value: Int, evidence: String) {
        if let value = current?.retryLimit { return (value, "kept from \(current!.source): \(loopback.description), so no retry limit can be sized from it") }
        return (ScoreVariable.defaultRetryLimit, "Score's default, kept: \(loopback.description), so no retry limit can be sized from it")
    }

    static func keptConnect(_ current: RecommendOptions.CurrentSettings?, _ loopback: LoopbackEvidence) -> (milliseconds: Int, evidence: String) {
        if let value = current?.connectTimeoutMilliseconds { return (value, "kept from \(current!.source): \(loopback.description)") }
        return (ScoreVariable.defaultConnectTimeoutMilliseconds, "Score's default, kept: \(loopback.description)")
    }

    /// What one profile's fragment holds besides the client timeouts both share.
    struct ProfileSettings {
        var settings: [Setting]
        var properties: [Setting]
        var notes: [String]
    }

    /// GB of memory for the parts (or blocks and ranges) a client buffers at once, at least 1:
    /// the largest part the cell really moved (Score's calculator may raise the configured one).
    static func memoryGiB(_ stats: CellStatistics) -> Int {
        max(1, Int((Double(stats.largestBuffer) * Double(stats.knobs.parallel) / Double(1 << 30)).rounded(.up)))
    }

    /// UPLOAD_PARTSIZE as Score honours it: on S3 never under its 20 MiB floor (under it Score would
    /// run 20 MiB parts); on Azure the download range size, exactly as configured.
    static func honouredPartSize(_ knobs: Knobs) -> Int64 {
        knobs.blockSize == nil ? max(knobs.uploadPartSize, PartCalculator.minimumPartSize) : knobs.uploadPartSize
    }

    static func s3Settings(_ analysis: RunAnalysis, chosen stats: CellStatistics, evidence: String,
                           connect: (milliseconds: Int, evidence: String), retry: (value: Int, evidence: String)) -> ProfileSettings {
        let cell = stats.cell
        let part = honouredPartSize(cell.knobs)
        var settings = [Setting(name: .score(.uploadPartSize), value: "\(part)",
                                evidence: (part == cell.knobs.uploadPartSize ? "" : "the cell's \(Units.formatSize(cell.knobs.uploadPartSize)) raised to Score's 20 MiB floor, which is what Score would run; ") + evidence)]
        var notes: [String] = []
        if let download = cell.knobs.downloadPartSize {
            notes.append("the cell's ranged downloads used \(Units.formatSize(download)) parts (a plain client's setting): Score's S3 download path ignores DOWNLOAD_PARTSIZE and follows the upload layout, so it is not in the fragment")
        }
        settings.append(Setting(name: .score(.uploadRetryLimit), value: "\(retry.value)", evidence: retry.evidence))
        let binding = "Spring binds UPLOAD_CONNECTION_TIMEOUT to upload.connection.timeout; the documented UPLOAD_CONNECTIONTIMEOUT binds to a property nothing reads, so both are set"
        settings.append(Setting(name: .score(.uploadConnectionTimeout), value: "\(connect.milliseconds)", evidence: connect.evidence + ". " + binding))
        settings.append(Setting(name: .score(.uploadConnectionTimeoutDocumented), value: "\(connect.milliseconds)", evidence: "the same value under the documented name"))
        let properties = [
            Setting(name: .client(.transportParallel), value: "\(cell.knobs.parallel)", evidence: "parts in flight per object in the chosen cell"),
            Setting(name: .client(.transportMemory), value: "\(memoryGiB(stats))",
                    evidence: "GB for memory-mapped parts: \(cell.knobs.parallel) × \(Units.formatSize(stats.largestBuffer)) (the largest part the cell moved) must fit, else fewer parts fly"),
        ]
        return ProfileSettings(settings: settings, properties: properties, notes: notes)
    }

    /// The Azure profile (docs/score.md): UPLOAD_PARTSIZE sets only the download range size; the
    /// upload block size and parallelism are score-client properties; the S3 SDK's retry limit and
    /// connect timeout do not apply.
    static func azureSettings(_ stats: CellStatistics, blockSize: Int64, evidence: String) -> ProfileSettings {
        let cell = stats.cell
        let settings = [Setting(name: .score(.uploadPartSize), value: "\(cell.knobs.uploadPartSize)",
                                evidence: "on Azure the download range size (Score's server divides downloads into parts of exactly this); uploads ignore it (Score issue #308). " + evidence)]
        let properties = [
            Setting(name: .client(.azureBlockSize), value: "\(blockSize)",
                    evidence: "upload block size of the chosen cell (\(Units.formatSize(blockSize))); env AZURE_BLOCKSIZE for the client's container"),
            Setting(name: .client(.transportParallel), value: "\(cell.knobs.parallel)", evidence: "blocks (upload) and ranges (download) in flight per object"),
            Setting(name: .client(.transportMemory), value: "\(memoryGiB(stats))",
                    evidence: "GB for buffered blocks and ranges: \(cell.knobs.parallel) × \(Units.formatSize(stats.largestBuffer)) must fit"),
        ]
        return ProfileSettings(settings: settings, properties: properties, notes: [
            "UPLOAD_RETRY_LIMIT and UPLOAD_CONNECTION_TIMEOUT configure Score's S3 client and do nothing on Azure; keep BUCKET_POLICY_UPLOAD / BUCKET_POLICY_DOWNLOAD as `scoretune check` passed them",
        ])
    }

    static func choice(_ stats: CellStatistics, _ options: RecommendOptions) -> Choice? {
        let label = "cell \(stats.cell.id) (\(stats.knobs.label))"
        let memory = stats.memory(for: options.directions)
        let requests = options.directions.compactMap { stats.requestsPerGiB[$0] }.reduce(0, +)
        func make(_ median: Double, _ low: Double, _ high: Double, _ level: Double, _ trials: Int) -> Choice {
            Choice(cellId: stats.cell.id, label: label, median: median, low: low, high: high, level: level, trials: trials,
                   clientMemory: memory, requestsPerObject: stats.requestsPerObject, requestsPerGiB: requests)
        }
        switch options.objective {
        case .upload:
            return stats.upload.map { make($0.median, $0.low, $0.high, $0.level, $0.samples.count) }
        case .download:
            return stats.download.map { make($0.median, $0.low, $0.high, $0.level, $0.samples.count) }
        case .both:
            guard let u = stats.upload, let d = stats.download else { return nil }
            func harmonic(_ a: Double, _ b: Double) -> Double { 2 / (1 / a + 1 / b) }
            return make(harmonic(u.median, d.median), harmonic(u.low, d.low), harmonic(u.high, d.high), min(u.level, d.level),
                        u.samples.count + d.samples.count)
        }
    }

    /// Smallest limit that turned every observed failure into a success, plus a margin of 2; when
    /// the run injected faults, also the smallest limit that leaves under one failed part per 10^5
    /// at the failure rate part transfers showed, with what each tried limit did.
    static func retryAdvice(_ analysis: RunAnalysis) -> (value: Int, evidence: String) {
        // A request is (trial, operation, part); its retries are its highest attempt number − 1.
        var highest: [String: (attempt: Int, succeeded: Bool)] = [:]
        for a in analysis.attempts {
            guard let trial = a.trialId else { continue }
            let key = "\(trial)|\(a.operation.rawValue)|\(a.partNumber ?? 0)|\(a.key ?? "")"
            let previous = highest[key]
            highest[key] = (max(previous?.attempt ?? 0, a.attempt), (previous?.succeeded ?? false) || a.errorClass == nil)
        }
        let recovered = highest.values.filter(\.succeeded).map { $0.attempt - 1 }
        let needed = recovered.max() ?? 0
        let failedAttempts = analysis.attempts.filter { $0.errorClass != nil }
        let classes = Dictionary(grouping: failedAttempts, by: { $0.errorClass! }).map { "\($0.key.rawValue) \($0.value.count)" }.sorted()
        let unrecovered = analysis.trials.filter { !$0.warmup && !$0.succeeded }.count
        var value = needed + 2
        var evidence = failedAttempts.isEmpty
            ? "no request failed in this run (\(analysis.attempts.count) attempts), so 0 retries sufficed; +2 margin because rare faults go unseen in a short run"
            : "\(failedAttempts.count) failed attempts (\(classes.joined(separator: ", "))); the worst request that recovered needed \(needed) retr\(needed == 1 ? "y" : "ies"); +2 margin because rare faults are under-sampled"
        if unrecovered > 0 {
            evidence += "; \(unrecovered) measured trial(s) failed outright in cells with smaller limits or non-retryable errors"
        }
        if !analysis.faults.isEmpty {
            // q: the share of part transfers (PUT or ranged GET) that failed, whatever the cell.
            let parts = analysis.attempts.filter { $0.phase == .parts && $0.operation.isPartTransfer }
            let q = parts.isEmpty ? 0 : Double(parts.filter { $0.errorClass != nil }.count) / Double(parts.count)
            let kinds = Dictionary(grouping: analysis.faults, by: \.kind).map { "\($0.value.count) \($0.key.rawValue)" }.sorted()
            evidence += "; the proxy injected \(kinds.joined(separator: ", ")), and \(String(format: "%.1f", q * 100))% of \(parts.count) part transfers failed"
            if q > 0 && q < 1 {
                let model = (0...50).first { pow(q, Double($0 + 1)) * 1e5 < 1 } ?? 50
                evidence += String(format: ": at that rate a limit of %d leaves an expected %.2g failed parts per 10^5", model, pow(q, Double(model + 1)) * 1e5)
                value = max(value, model)
            }
            var byLimit: [Int: (failed: Int, trials: Int)] = [:]
            for stats in analysis.cells {
                let entry = byLimit[stats.cell.knobs.retryLimit] ?? (0, 0)
                byLimit[stats.cell.knobs.retryLimit] = (entry.failed + stats.failedTrials, entry.trials + stats.trials)
            }
            if byLimit.count > 1 {
                evidence += "; in this run " + byLimit.keys.sorted().map { "limit \($0) gave \(byLimit[$0]!.failed) failed of \(byLimit[$0]!.trials) trials" }.joined(separator: ", ")
            }
        }
        return (value, evidence)
    }

    /// Ten times the slowest healthy connect, at least 5 s, in whole seconds.
    static func connectAdvice(_ analysis: RunAnalysis) -> (milliseconds: Int, evidence: String) {
        let connects = analysis.healthyNewConnects
        let slowest = connects.max() ?? 0
        let milliseconds = max(5_000, Int((slowest * 10).rounded(.up)) * 1000)
        let timeouts = analysis.attempts.filter { $0.errorClass == .connectTimeout }.count
        return (milliseconds, "slowest healthy connect \(String(format: "%.1f", slowest * 1000)) ms over \(connects.count) new connections; 10× that, at least 5 s"
            + (timeouts > 0 ? "; \(timeouts) connect timeouts were seen" : ""))
    }

    /// Four times the longest silence of a healthy request, at least 10 s.
    static func readAdvice(_ analysis: RunAnalysis) -> (seconds: Int, evidence: String) {
        // A GET's silence is its time to first byte; a request without a payload waits its whole time.
        let healthy = analysis.attempts.filter { $0.errorClass == nil }
        let gets = healthy.filter { $0.method == .get && $0.phase == .parts }.map(\.firstByte)
        let calls = healthy.filter { !$0.operation.isPartUpload && !($0.method == .get && $0.phase == .parts) }.map(\.total)
        let longest = (gets + calls).max() ?? 0
        let seconds = max(10, Int((longest * 4).rounded(.up)))
        let stalls = analysis.attempts.filter { $0.errorClass == .stallTimeout }.count
        let injected = analysis.faults.filter { $0.kind == .stall }.count
        return (seconds, "longest healthy wait for an answer \(String(format: "%.3f", longest)) s (first byte of a ranged GET, or a whole server call); 4× that, at least 10 s, cuts stalls sooner than the default 60 s"
            + (stalls > 0 ? "; \(stalls) stall timeouts were seen" : "")
            + (injected > 0 ? "; the proxy injected \(injected) stalls, which a timeout this short cuts instead of waiting them out" : ""))
    }

    /// Score's finalize for the object sizes the operator names, from the run's fit: one note per
    /// size, and the read timeout that outlasts the longest with a margin of two (nil without a fit).
    static func finalizeAdvice(_ analysis: RunAnalysis, uploadPartSize: Int64, sizes: [Int64])
        -> (notes: [String], readTimeout: Int?, evidence: String) {
        let fit: FinalizeFit
        do { fit = try FinalizeFit.fit(analysis) } catch {
            return (["finalize for \(sizes.map(Units.formatSize).joined(separator: ", ")) cannot be predicted: \(error)"], nil, "")
        }
        let calculator = PartCalculator(uploadPartSize: uploadPartSize)
        var notes: [String] = []
        var longest = 0.0
        for size in sizes {
            let parts = calculator.partCount(objectSize: size)
            let seconds = fit.seconds(parts: parts)
            longest = max(longest, seconds)
            notes.append(String(format: "finalize of a %@ object (%lld parts of %@): predicted %.1f s%@", Units.formatSize(size), parts,
                                Units.formatSize(calculator.partSize(forObjectOfSize: size)), seconds,
                                parts > Int64(fit.measuredUpTo) ? " (extrapolated beyond the \(fit.measuredUpTo) parts measured)" : ""))
        }
        notes.append(fit.description)
        // Whole seconds above twice the prediction (to the millisecond: a fit's rounding error is no reason for one more second).
        let timeout = Int(((2 * longest * 1000).rounded() / 1000).rounded(.up)) + 10
        return (notes, timeout, String(format: "Score's finalize of the largest named object is predicted at %.1f s (see the notes); twice that plus 10 s, or score-client gives up on a finished upload (Score issues #120, #338)", longest))
    }

    /// Which connection reuse the evidence was measured with, and what that leaves out.
    static func connectionsNote(_ chosen: CellStatistics) -> String {
        let opened = Direction.allCases.compactMap { direction in
            chosen.newConnectionsPerTrial[direction].map { String(format: "%.1f per %@", $0, direction.rawValue) }
        }.joined(separator: ", ")
        let measured = "connections: \(chosen.knobs.connections.rawValue) (new connections \(opened.isEmpty ? "none" : opened))"
        switch chosen.knobs.connections {
        case .warm:
            return measured + ": one pool for the whole run, as a long-lived client; a score-client started per file also pays connection set-up and TCP slow start per object (grid connections: [warm, per-object] measures it)"
        case .perObject:
            return measured + ": fresh connections for every object, as a score-client started per file"
        case .perRequest:
            return measured + ": a new connection for every request, as a client without keep-alive"
        }
    }

    /// A chosen value at the end of its grid range: the best may lie beyond it.
    static func edgeNotes(_ analysis: RunAnalysis, chosen: CellStatistics) -> [String] {
        var notes: [String] = []
        func check(_ name: String, _ values: [Int64], _ value: Int64, _ format: (Int64) -> String) {
            let distinct = Set(values)
            guard distinct.count > 1 else { return }
            if value == distinct.max() { notes.append("\(name)=\(format(value)) is the largest value in the grid: a wider grid may find better") }
            if value == distinct.min() { notes.append("\(name)=\(format(value)) is the smallest value in the grid: a wider grid may find better") }
        }
        let cells = analysis.cells.map(\.cell)
        check("UPLOAD_PARTSIZE", cells.map(\.knobs.uploadPartSize), chosen.cell.knobs.uploadPartSize, Units.formatSize)
        check("parallel", cells.map { Int64($0.knobs.parallel) }, Int64(chosen.cell.knobs.parallel)) { "\($0)" }
        check("clients", cells.map { Int64($0.knobs.clients) }, Int64(chosen.cell.knobs.clients)) { "\($0)" }
        if let download = chosen.cell.knobs.downloadPartSize {
            check("DOWNLOAD_PARTSIZE", cells.compactMap(\.knobs.downloadPartSize), download, Units.formatSize)
        }
        if let block = chosen.cell.knobs.blockSize {
            check("azure.blockSize", cells.compactMap(\.knobs.blockSize), block, Units.formatSize)
        }
        for stats in analysis.cells {
            for (direction, t) in [("upload", stats.upload), ("download", stats.download)] {
                if let t, t.tooWide {
                    notes.append("cell \(stats.cell.id) \(direction): interval too wide to trust (±\(Int(((t.high - t.low) / 2 / t.median * 100).rounded()))%); about \(t.samplesNeeded()) trials would settle it to ±5%")
                }
            }
        }
        return notes
    }
}

func mbps(_ value: Double) -> String { String(format: "%.1f", value) }
