import Foundation
import Model
import Results
import ScoreConfig

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
        /// Objective `aggregate`: one object's MB/s beside the fleet's (the same directions'
        /// combination), and which fleet figure stood for each direction.
        public var perObjectMedian: Double?
        public var fleet: [FleetChoice]?

        var interval: String { "\(Statistics.intervalName(level)) \(Units.formatMBps(low))–\(Units.formatMBps(high))" }
    }

    /// Which fleet figure stood for one direction of the chosen cell, and why.
    public struct FleetChoice: Sendable, Encodable {
        public var direction: Direction
        public var lead: DistributedThroughput.Lead
        public var workers: Int
        public var reason: DistributedThroughput.LeadReason
    }

    public struct Setting: Sendable, Encodable {
        public var name: SettingName
        public var value: String
        public var evidence: String
        /// Measured, modelled or kept, and why.
        public var basis: Basis = .measured
        public var why: String = "the grid varied it and the outcomes chose it"
        /// For a value sized against the path's faults: its cost beside the file's value's.
        public var risk: RiskComparison?

        init(name: SettingName, value: String, evidence: String, basis: Basis = .measured,
             why: String = "the grid varied it and the outcomes chose it", risk: RiskComparison? = nil) {
            (self.name, self.value, self.evidence, self.basis, self.why, self.risk) = (name, value, evidence, basis, why, risk)
        }

        init(name: SettingName, value: String, advice: Advice) {
            self.init(name: name, value: value, evidence: advice.evidence + (advice.risk.map { "; " + $0.text } ?? ""),
                      basis: advice.basis, why: advice.why, risk: advice.risk)
        }
    }

    /// Where each value of the decision comes from.
    public struct Bases: Sendable, Encodable, Equatable {
        public var partSize = Basis.measured
        public var parallel = Basis.measured
        public var retryLimit: Basis
        public var connectTimeout: Basis
        public var stallTimeout: Basis
        public var readTimeout: Basis

        /// "measured: …; modelled: …; kept: …", for an export's header.
        public var summary: String {
            let named: [(String, Basis)] = [("part size", partSize), ("parallelism", parallel), ("retry limit", retryLimit),
                                            ("connect timeout", connectTimeout), ("stall timeout", stallTimeout), ("read timeout", readTimeout)]
            return Basis.allCases.compactMap { basis in
                let names = named.filter { $0.1 == basis }.map(\.0)
                return names.isEmpty ? nil : "\(basis.rawValue): " + names.joined(separator: ", ")
            }.joined(separator: "; ")
        }
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
        /// Measured, modelled or kept, value by value.
        public var bases: Bases
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
    /// The path's cost at the recommended retry limit and timeouts, and at the file's (nil when
    /// they were kept).
    public var pathRisk: RiskComparison?
    /// Failed objects per object the retry limit and timeouts were sized against.
    public var risk: Double = RiskModel.defaultRisk

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
        let evidence = Self.evidence(chosen.1, runnerUp: runnerUp?.1, axis: analysis.axis, objective: options.objective)
        let path = PathAdvice.make(analysis, chosen: chosen.0, options: options)
        // score-client has one read timeout, for parts and finalize alike: decided first, it is the
        // timeout in force that the retry limit and the costs are sized at. A plain client
        // (multipart mode) sets its data timeout on its own.
        var (read, finalizeNotes) = readTimeout(analysis, path: path, cell: cell.knobs, options: options)
        let inForce = analysis.run.mode == .score ? read.value : path.dataTimeout.value
        var retry = path.retry(at: Double(inForce))
        let pathRisk = path.comparison(retryLimit: retry.value, timeout: Double(inForce))
        var connect = path.connect
        var stall = path.dataTimeout
        stall.value = inForce
        func price(_ advice: inout Advice) { if advice.basis == .modelled { advice.risk = pathRisk } }
        price(&retry)
        price(&connect)
        price(&read)
        price(&stall)
        let profile = cell.knobs.blockSize.map { azureSettings(chosen.0, blockSize: $0, evidence: evidence) }
            ?? s3Settings(analysis, chosen: chosen.0, evidence: evidence, connect: connect, retry: retry)
        // score-client's connect timeout in whole seconds, rounded up as every export rounds it.
        let connectSeconds = "\(ClientExport.seconds(connect.value))"
        var properties = profile.properties + [
            cell.knobs.blockSize == nil
                ? Setting(name: .client(.connectTimeoutSeconds), value: connectSeconds, evidence: "as UPLOAD_CONNECTION_TIMEOUT",
                          basis: connect.basis, why: connect.why, risk: connect.risk)
                : Setting(name: .client(.connectTimeoutSeconds), value: connectSeconds, advice: connect),
        ]
        properties.append(Setting(name: .client(.readTimeoutSeconds), value: "\(read.value)", advice: read))
        var findings: [Caution] = []
        if analysis.run.status != .completed {
            findings.append(.incompleteRun(runId: analysis.run.id, status: analysis.run.status,
                                           cellsDone: analysis.cells.filter { $0.cell.status == .done }.count, cells: analysis.cells.count))
        }
        switch path.kept {
        case .loopback(let loopback)?: findings.append(.loopbackKept(loopback, source: options.current?.source ?? "Score's defaults"))
        case .faultFree(let attempts, let played)?:
            findings.append(.faultFreeKept(attempts: attempts, network: played ? cell.knobs.network : nil, source: options.current?.source ?? "Score's defaults"))
        case nil: break
        }
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
                               clients: cell.knobs.clients, retryLimit: retry.value, connectTimeoutMilliseconds: connect.value,
                               stallTimeoutMilliseconds: Int64(stall.value) * 1000,
                               readTimeoutSeconds: read.value, memoryGiB: memoryGiB(chosen.0),
                               bases: Bases(partSize: knobBasis(analysis, \.uploadPartSize), parallel: knobBasis(analysis, \.parallel),
                                            retryLimit: retry.basis, connectTimeout: connect.basis,
                                            stallTimeout: analysis.run.mode == .score ? read.basis : stall.basis, readTimeout: read.basis)),
            profile: cell.knobs.blockSize == nil ? .s3 : .azure)
        recommendation.findings = findings
        recommendation.pathRisk = pathRisk
        recommendation.risk = options.risk
        return recommendation
    }

    /// measured when the grid tried more than one value of the knob; otherwise the run's one value
    /// stands unchosen.
    static func knobBasis<Value: Hashable>(_ analysis: RunAnalysis, _ knob: KeyPath<Knobs, Value>) -> Basis {
        Set(analysis.cells.map { $0.cell.knobs[keyPath: knob] }).count > 1 ? .measured : .kept
    }

    /// score-client's one read timeout: it bounds the data requests and Score's finalize alike, so
    /// it is the longer of the data timeout the path asks for and what finalize needs: the
    /// finalize predicted for the named object sizes (`--object-size`), else the longest this run
    /// measured; never below score-client's default unless a finalize prediction and a modelled
    /// data timeout both size it.
    static func readTimeout(_ analysis: RunAnalysis, path: PathAdvice, cell: Knobs, options: RecommendOptions) -> (Advice, [String]) {
        let scoreS3 = cell.blockSize == nil && analysis.run.mode == .score
        let byDefault = path.current.readSeconds
        let data = path.dataTimeout
        var notes: [String] = []
        if !options.objectSizes.isEmpty, !scoreS3 {
            notes = ["--object-size predicts Score's S3 finalize (ListParts and CompleteMultipartUpload) from a score-mode S3 run; "
                     + (cell.blockSize != nil ? "this Azure run's Put Block List is not that call" : "this multipart-mode run's finalize is a plain client's")]
        } else if !options.objectSizes.isEmpty {
            let finalize = finalizeAdvice(analysis, uploadPartSize: max(cell.uploadPartSize, PartCalculator.minimumPartSize), sizes: options.objectSizes)
            notes = finalize.notes
            if let needed = finalize.readTimeout {
                // The data side kept means the default stands for it; modelled, its own value.
                if data.basis == .kept, byDefault >= needed {
                    return (Advice(value: byDefault, evidence: "score-client's default, kept: it outlasts what finalize needs. " + finalize.evidence,
                                   basis: .kept, why: "the default already outlasts the predicted finalize"), notes)
                }
                let floor = data.basis == .kept ? byDefault : data.value
                return (Advice(value: max(needed, floor),
                               evidence: finalize.evidence + (floor > needed ? "; the data requests' \(floor) s is longer and stands" : ""),
                               basis: .modelled, why: "sized from the run's finalize fit for the named object sizes"), notes)
            }
        }
        var read = data
        if read.basis == .modelled, read.value < byDefault {
            // Without the finalize it must outlast, score-client's one read timeout is not lowered.
            read = Advice(value: byDefault,
                          evidence: "score-client's default, kept: the path alone would take \(read.value) s, but the same timeout bounds Score's finalize, "
                            + "which grows with the parts of the largest object; name it with --object-size to size this from the finalize fit",
                          basis: .kept, why: "the finalize it must outlast is unknown without --object-size")
        }
        if scoreS3, let measured = measuredFinalizeAdvice(analysis), measured.value > read.value {
            read = measured
        }
        return (read, notes)
    }
}
