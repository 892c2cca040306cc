import Foundation
import Model
import Results
import Model

/// What to optimise, and the limits a recommendation must respect.
public struct RecommendOptions: Sendable {
    public enum Objective: String, Sendable, CaseIterable, Encodable { case upload, download, both }
    public var objective: Objective
    /// Client memory limit in bytes: part size × parts in flight × concurrent transfers.
    public var maxMemory: Int64?
    /// Bound on the 99th percentile object time, seconds.
    public var maxP99: Double?

    public init(objective: Objective = .upload, maxMemory: Int64? = nil, maxP99: Double? = nil) {
        self.objective = objective
        self.maxMemory = maxMemory
        self.maxP99 = maxP99
    }
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
        public var trials: Int
        public var clientMemory: Int64
        public var requestsPerObject: Double
    }

    public struct Setting: Sendable, Encodable {
        public var name: String
        public var value: String
        public var evidence: String
    }

    public var runId: Int64
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
    /// "s3" or "azure": which `.env.score` profile the settings are for.
    public var profile = "s3"

    public static func make(_ analysis: RunAnalysis, options: RecommendOptions) throws -> Recommendation {
        var excluded: [String] = []
        var candidates: [(CellStatistics, Choice)] = []
        for stats in analysis.cells {
            let label = "cell \(stats.cell.id) (\(stats.knobs.label))"
            guard stats.trials > 0 else { excluded.append("\(label): no measured trials"); continue }
            if stats.failedTrials > 0 {
                excluded.append("\(label): \(stats.failedTrials) failed trial(s)")
                continue
            }
            if let limit = options.maxMemory, stats.clientMemory > limit {
                excluded.append("\(label): needs \(Units.formatSize(stats.clientMemory)) of client memory, over \(Units.formatSize(limit))")
                continue
            }
            guard let choice = choice(stats, options.objective) else {
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
        guard let best = candidates.max(by: { $0.1.median < $1.1.median }) else {
            throw AnalysisError("run \(analysis.run.id): no cell meets the constraints (\(excluded.joined(separator: "; ")))")
        }
        // Cells whose interval reaches the best's: statistically as good. Prefer fewer requests,
        // then less memory — cheaper for the store and the client at the same speed.
        let ties = candidates.filter { $0.1.high >= best.1.low }
        let chosen = ties.min { a, b in
            (a.1.requestsPerObject, a.1.clientMemory, -a.1.median) < (b.1.requestsPerObject, b.1.clientMemory, -b.1.median)
        }!
        let runnerUp = candidates.filter { $0.1.cellId != chosen.1.cellId }.max { $0.1.median < $1.1.median }
        let reason: String
        if chosen.1.cellId == best.1.cellId {
            reason = ties.count == 1 ? "the best median, and no other cell's interval reaches it"
                : "the best median; of the \(ties.count) cells whose intervals overlap it, none needs fewer requests or less memory"
        } else {
            let memory = chosen.1.clientMemory <= best.1.clientMemory
                ? "and no more client memory (\(Units.formatSize(chosen.1.clientMemory)) vs \(Units.formatSize(best.1.clientMemory)))"
                : "at the cost of more client memory (\(Units.formatSize(chosen.1.clientMemory)) vs \(Units.formatSize(best.1.clientMemory)))"
            reason = "\(ties.count) cells' intervals overlap the best (\(best.1.label), \(mbps(best.1.median)) MB/s); chose the one with "
                + "the fewest requests per object (\(String(format: "%.1f", chosen.1.requestsPerObject)) vs \(String(format: "%.1f", best.1.requestsPerObject))) "
                + memory
        }

        let cell = chosen.0.cell
        let evidence = "\(chosen.1.label): \(options.objective.rawValue) median \(mbps(chosen.1.median)) MB/s (95% CI \(mbps(chosen.1.low))–\(mbps(chosen.1.high))) over \(chosen.1.trials) trials"
            + (runnerUp.map { "; runner-up \($0.1.label): \(mbps($0.1.median)) MB/s (CI \(mbps($0.1.low))–\(mbps($0.1.high)))" } ?? "; no runner-up")
        let connect = connectAdvice(analysis)
        let read = readAdvice(analysis)
        let profile = cell.knobs.blockSize.map { azureSettings(cell, blockSize: $0, evidence: evidence) }
            ?? s3Settings(analysis, cell: cell, evidence: evidence, connect: connect)
        let properties = profile.properties + [
            Setting(name: "client.connectTimeoutSeconds", value: "\(max(1, connect.milliseconds / 1000))",
                    evidence: cell.knobs.blockSize == nil ? "as UPLOAD_CONNECTION_TIMEOUT" : connect.evidence),
            Setting(name: "client.readTimeoutSeconds", value: "\(read.seconds)", evidence: read.evidence),
        ]
        return Recommendation(runId: analysis.run.id, scenario: analysis.run.scenarioName, mode: analysis.run.mode,
                              endpoint: analysis.run.backendEndpoint, server: analysis.run.backendServer, objective: options.objective,
                              chosen: chosen.1, best: best.1, runnerUp: runnerUp?.1, reason: reason, excluded: excluded,
                              settings: profile.settings, clientProperties: properties,
                              notes: edgeNotes(analysis, chosen: chosen.0) + profile.notes + (analysis.run.status == .completed ? [] :
                                ["run \(analysis.run.id) is \(analysis.run.status.rawValue): only the cells it finished count"]),
                              profile: cell.knobs.blockSize == nil ? "s3" : "azure")
    }

    /// What one profile's fragment holds besides the client timeouts both share.
    struct ProfileSettings {
        var settings: [Setting]
        var properties: [Setting]
        var notes: [String]
    }

    /// GB of memory for the parts (or blocks and ranges) a client buffers at once, at least 1.
    static func memoryGiB(_ cell: CellRow) -> Int {
        max(1, Int((Double(cell.bufferSize) * Double(cell.knobs.parallel) / Double(1 << 30)).rounded(.up)))
    }

    static func s3Settings(_ analysis: RunAnalysis, cell: CellRow, evidence: String,
                           connect: (milliseconds: Int, evidence: String)) -> ProfileSettings {
        var settings = [Setting(name: "UPLOAD_PARTSIZE", value: "\(cell.knobs.uploadPartSize)", evidence: evidence)]
        if let download = cell.knobs.downloadPartSize {
            settings.append(Setting(name: "DOWNLOAD_PARTSIZE", value: "\(download)",
                                    evidence: "same cell; note Score's S3 download path ignores it and follows the upload layout"))
        }
        let retry = retryAdvice(analysis)
        settings.append(Setting(name: "UPLOAD_RETRY_LIMIT", value: "\(retry.value)", evidence: retry.evidence))
        let binding = "Spring binds UPLOAD_CONNECTION_TIMEOUT to upload.connection.timeout; the documented UPLOAD_CONNECTIONTIMEOUT binds to a property nothing reads, so both are set"
        settings.append(Setting(name: "UPLOAD_CONNECTION_TIMEOUT", value: "\(connect.milliseconds)", evidence: connect.evidence + ". " + binding))
        settings.append(Setting(name: "UPLOAD_CONNECTIONTIMEOUT", value: "\(connect.milliseconds)", evidence: "the same value under the documented name"))
        let properties = [
            Setting(name: "transport.parallel", value: "\(cell.knobs.parallel)", evidence: "parts in flight per object in the chosen cell"),
            Setting(name: "transport.memory", value: "\(memoryGiB(cell))",
                    evidence: "GB for memory-mapped parts: \(cell.knobs.parallel) × \(Units.formatSize(cell.knobs.uploadPartSize)) must fit, else fewer parts fly"),
        ]
        return ProfileSettings(settings: settings, properties: properties, notes: [])
    }

    /// The Azure profile (docs/score.md): UPLOAD_PARTSIZE sets only the download range size; the
    /// upload block size and parallelism are score-client properties; the S3 SDK's retry limit and
    /// connect timeout do not apply.
    static func azureSettings(_ cell: CellRow, blockSize: Int64, evidence: String) -> ProfileSettings {
        let settings = [Setting(name: "UPLOAD_PARTSIZE", value: "\(cell.knobs.uploadPartSize)",
                                evidence: "on Azure the download range size (Score's server divides downloads into parts of exactly this); uploads ignore it (Score issue #308). " + evidence)]
        let properties = [
            Setting(name: "azure.blockSize", value: "\(blockSize)",
                    evidence: "upload block size of the chosen cell (\(Units.formatSize(blockSize))); env AZURE_BLOCKSIZE for the client's container"),
            Setting(name: "transport.parallel", value: "\(cell.knobs.parallel)", evidence: "blocks (upload) and ranges (download) in flight per object"),
            Setting(name: "transport.memory", value: "\(memoryGiB(cell))",
                    evidence: "GB for buffered blocks and ranges: \(cell.knobs.parallel) × \(Units.formatSize(cell.bufferSize)) must fit"),
        ]
        return ProfileSettings(settings: settings, properties: properties, notes: [
            "UPLOAD_RETRY_LIMIT and UPLOAD_CONNECTION_TIMEOUT configure Score's S3 client and do nothing on Azure; keep BUCKET_POLICY_UPLOAD / BUCKET_POLICY_DOWNLOAD as `scoretune check` passed them",
        ])
    }

    static func choice(_ stats: CellStatistics, _ objective: RecommendOptions.Objective) -> Choice? {
        let label = "cell \(stats.cell.id) (\(stats.knobs.label))"
        func make(_ median: Double, _ low: Double, _ high: Double, _ trials: Int) -> Choice {
            Choice(cellId: stats.cell.id, label: label, median: median, low: low, high: high, trials: trials,
                   clientMemory: stats.clientMemory, requestsPerObject: stats.requestsPerObject)
        }
        switch objective {
        case .upload:
            return stats.upload.map { make($0.median, $0.low, $0.high, $0.samples.count) }
        case .download:
            return stats.download.map { make($0.median, $0.low, $0.high, $0.samples.count) }
        case .both:
            guard let u = stats.upload, let d = stats.download else { return nil }
            func harmonic(_ a: Double, _ b: Double) -> Double { 2 / (1 / a + 1 / b) }
            return make(harmonic(u.median, d.median), harmonic(u.low, d.low), harmonic(u.high, d.high), u.samples.count + d.samples.count)
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
        let connects = analysis.attempts.filter { $0.errorClass == nil && !$0.reused && $0.connect > 0 }.map(\.connect)
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
        let gets = healthy.filter { $0.method == "GET" && $0.phase == .parts }.map(\.firstByte)
        let calls = healthy.filter { !$0.operation.isPartUpload && !($0.method == "GET" && $0.phase == .parts) }.map(\.total)
        let longest = (gets + calls).max() ?? 0
        let seconds = max(10, Int((longest * 4).rounded(.up)))
        let stalls = analysis.attempts.filter { $0.errorClass == .stallTimeout }.count
        let injected = analysis.faults.filter { $0.kind == .stall }.count
        return (seconds, "longest healthy wait for an answer \(String(format: "%.3f", longest)) s (first byte of a ranged GET, or a whole server call); 4× that, at least 10 s, cuts stalls sooner than the default 60 s"
            + (stalls > 0 ? "; \(stalls) stall timeouts were seen" : "")
            + (injected > 0 ? "; the proxy injected \(injected) stalls, which a timeout this short cuts instead of waiting them out" : ""))
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
