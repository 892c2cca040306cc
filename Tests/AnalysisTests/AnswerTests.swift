@testable import Analysis
import Foundation
import Model
import Results
import Scenario
import ScoreConfig
import XCTest

/// The answers an operator acts on, on analyses built by hand with known right answers: merged
/// floor cells, effective memory, every compare verdict, the tie rule, loopback caution, honest
/// intervals. No store, no database.
final class AnswerTests: XCTestCase {
    struct Cell {
        var part: Int64 = 64 << 20
        var download: Int64? = nil
        var parallel = 4
        var clients = 1
        var network: String? = nil
        var up: [Double] = []
        var down: [Double] = []
        /// HTTP requests each trial made (attempts are generated to match); a direction's own count
        /// wins where it is given.
        var requestsPerTrial = 5
        var uploadRequests: Int? = nil
        var downloadRequests: Int? = nil

        func requests(_ direction: Direction) -> Int {
            (direction == .upload ? uploadRequests : downloadRequests) ?? requestsPerTrial
        }
        /// Seconds of each new connection's connect.
        var connect = 0.0002
    }

    static let objectSize: Int64 = 100_000_000

    static func analysis(_ specs: [Cell], runId: Int64 = 1, mode: Mode = .score, status: RunStatus = .completed,
                         server: String = "SeaweedFS", text: String = "same") -> RunAnalysis {
        withAttempts(specs, runId: runId, mode: mode, status: status, server: server, text: text).analysis
    }

    /// The hand-made run and the attempts its analysis digested (to edit and digest again).
    static func withAttempts(_ specs: [Cell], runId: Int64 = 1, mode: Mode = .score, status: RunStatus = .completed,
                             server: String = "SeaweedFS", text: String = "same") -> (analysis: RunAnalysis, attempts: [AttemptRow]) {
        var run = RunRow(scenarioName: "hand", scenarioPath: "hand.yaml", scenarioText: text, envPath: "/nonexistent/.env.score",
                         mode: mode, toolVersion: "test", host: "h", backendEndpoint: "http://127.0.0.1:1", backendServer: server,
                         configHash: "x", orderSeed: 1, startedAt: 0, status: status)
        run.id = runId
        var nextTrial: Int64 = 1
        var cells: [CellRow] = []
        var allTrials: [TrialRow] = []
        var allAttempts: [AttemptRow] = []
        for (index, spec) in specs.enumerated() {
            let knobs = Knobs(uploadPartSize: spec.part, downloadPartSize: spec.download, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                              stallTimeoutMilliseconds: 60_000, parallel: spec.parallel, clients: spec.clients, network: spec.network)
            var cell = CellRow(runId: runId, position: index, knobs: knobs, status: .done)
            cell.id = Int64(index + 1)
            var trials: [TrialRow] = []
            var attempts: [AttemptRow] = []
            for (direction, rates) in [(Direction.upload, spec.up), (.download, spec.down)] {
                for (repetition, rate) in rates.enumerated() {
                    let part = direction == .download ? (spec.download ?? spec.part) : spec.part
                    trials.append(TrialRow(id: nextTrial, runId: runId, cellId: cell.id, repetition: repetition, warmup: false,
                                           direction: direction, objectIndex: 0, objectKey: "data/x", objectSize: objectSize,
                                           partSize: part, parts: Int((objectSize + part - 1) / part), startedAt: Double(nextTrial),
                                           duration: Double(objectSize) / (rate * 1e6), errorClass: nil, error: nil, retries: 0))
                    for request in 0..<spec.requests(direction) {
                        attempts.append(AttemptRow(runId: runId, cellId: cell.id, trialId: nextTrial, phase: .parts,
                                                   operation: direction == .upload ? .uploadPart : .getObject, method: direction == .upload ? .put : .get,
                                                   bucket: "b", key: "k", partNumber: request + 1, attempt: 1, status: 200, errorClass: nil,
                                                   bytesSent: 0, bytesReceived: 0, dns: 0, connect: request == 0 ? spec.connect : 0, tls: 0,
                                                   sent: 0.005, firstByte: 0.01, total: 0.1, reused: request != 0, startedAt: Double(nextTrial)))
                    }
                    nextTrial += 1
                }
            }
            cells.append(cell)
            allTrials += trials
            allAttempts += attempts
        }
        return (RunAnalysis(run: run, cells: cells, trials: allTrials, attempts: allAttempts), allAttempts)
    }

    let steady: [Double] = [200, 204, 198, 202, 201, 199]

    // MARK: effective knobs

    func testPartSizesUnderScoresFloorAreMergedIntoTheFloor() {
        let merged = ScoreEffectiveParts(configured: [8 << 20, 16 << 20, 20 << 20, 64 << 20], objectSizes: [100_000_000, 1 << 30])
        XCTAssertEqual(merged.values, [20 << 20, 64 << 20], "8, 16 and 20 MiB all run as 20 MiB parts")
        XCTAssertEqual(merged.notes.count, 2)
        XCTAssertTrue(merged.notes[0].contains("8MiB") && merged.notes[0].contains("20MiB floor"), merged.notes[0])
    }

    func testPartSizesUnderTheTenThousandPartCapAreMergedForHugeObjects() {
        // 300 GB / 10,000 + 1 = 30,000,001 bytes: 20 MiB and 25 MiB give the same parts; 30 MiB does not.
        let merged = ScoreEffectiveParts(configured: [20 << 20, 25 << 20, 30 << 20], objectSizes: [300_000_000_000])
        XCTAssertEqual(merged.values, [20 << 20, 30 << 20])
        XCTAssertTrue(merged.notes.first?.contains("same parts for every object") == true, "\(merged.notes)")
        // With a small object beside it, 25 MiB differs again (the small object's parts are 25 MiB).
        XCTAssertEqual(ScoreEffectiveParts(configured: [20 << 20, 25 << 20], objectSizes: [300_000_000_000, 1 << 30]).values, [20 << 20, 25 << 20])
    }

    func testMemoryCountsThePartsReallyMovedAndTheBudgetsEffectiveParallelism() {
        // A cell labelled 8 MiB whose trials moved 20 MiB parts (an old run, before merging).
        let analysis = Self.analysis([Cell(part: 8 << 20, parallel: 4, up: steady)])
        var stats = analysis.cells[0]
        stats.effectivePartSize[.upload] = 20 << 20
        XCTAssertEqual(stats.memory(for: .upload), 80 << 20, "4 × 20 MiB, not 4 × 8 MiB")
        XCTAssertEqual(stats.effectiveParallel(memoryBudget: 40 << 20, direction: .upload), 3, "40 MiB ÷ 20 MiB + 1 parts fly")
        XCTAssertEqual(stats.effectiveParallel(memoryBudget: 1 << 30, direction: .upload), 4)
    }

    /// A recommended fragment appended to the operator's file passes `config` with no word about
    /// the recommended variables, for both modes, even from cells under Score's floor.
    func testTheRecommendationIsASettingScoreHonours() throws {
        let base = "S3_ENDPOINT=http://127.0.0.1:8333\nS3_ACCESSKEY=a\nS3_SECRETKEY=b\nOBJECT_BUCKET=o\nSTATE_BUCKET=s\n"
        for mode in [Mode.score, .multipart] {
            let analysis = Self.analysis([Cell(part: 8 << 20, download: mode == .multipart ? 32 << 20 : nil, up: steady, down: steady)], mode: mode)
            let recommendation = try Recommendation.make(analysis, options: RecommendOptions(objective: .both))
            let file = try EnvFile(path: "appended.env", text: base + recommendation.envFragment)
            let settings = ScoreSettings(file: file)
            let recommended = Set(recommendation.settings.map(\.name.description))
            let about = settings.diagnostics.filter { $0.variable.map(recommended.contains) ?? false }
            XCTAssertEqual(about, [], "\(mode): \(about)")
            XCTAssertEqual(recommendation.settings.first { $0.name == .score(.uploadPartSize) }?.value, "20971520")
            XCTAssertFalse(recommendation.settings.contains { $0.name == .score(.downloadPartSize) }, "Score does not read it")
        }
    }

    // MARK: compare

    func testEveryCompareVerdict() throws {
        let baseline = Self.analysis([Cell(up: steady)])
        func verdict(_ up: [Double]) throws -> Comparison.Row {
            try XCTUnwrap(try Comparison.make(baseline: baseline, candidate: Self.analysis([Cell(up: up)], runId: 2), threshold: 0.1)
                .rows.first { $0.direction == .upload })
        }
        XCTAssertEqual(try verdict([140, 142, 138, 141, 139, 143]).verdict, .regressed, "30% slower, every sample")
        XCTAssertEqual(try verdict([260, 262, 258, 261, 259, 263]).verdict, .improved, "30% faster")
        XCTAssertEqual(try verdict([200, 203, 199, 201, 202, 198]).verdict, .unchanged, "the same, shown within ±10%")
        // −19% on the median with a wide spread: beyond the threshold, not confirmed.
        let noisy = try verdict([162, 120, 250, 140, 210, 175])
        XCTAssertEqual(noisy.verdict, .inconclusive)
        XCTAssertNotNil(noisy.trialsNeeded)
        XCTAssertTrue(noisy.reason?.contains("beyond the threshold") == true, "\(noisy.reason ?? "")")
        let few = try verdict([140, 141, 139])
        XCTAssertEqual(few.verdict, .inconclusive, "three samples cannot reach 95%")
        XCTAssertTrue(few.reason?.contains("fewer than 4") == true)
    }

    func testRunsWithNoCellInCommonCannotPass() {
        let a = Self.analysis([Cell(part: 64 << 20, up: steady)])
        let b = Self.analysis([Cell(part: 32 << 20, up: steady)], runId: 2)
        XCTAssertThrowsError(try Comparison.make(baseline: a, candidate: b, threshold: 0.1)) { error in
            XCTAssertTrue(error is Comparison.NothingInCommon)
        }
    }

    func testADifferentStoreOrNetworkIsStatedAndCellsMatchAcrossOneNetworkEach() throws {
        let direct = Self.analysis([Cell(up: steady)])
        let wan = Self.analysis([Cell(network: "wan", up: [20, 21, 19, 20, 22, 18])], runId: 2, server: "Ceph")
        let comparison = try Comparison.make(baseline: direct, candidate: wan, threshold: 0.1)
        XCTAssertEqual(comparison.rows.first?.verdict, .regressed)
        XCTAssertEqual(Set(comparison.differences.map(\.what)), ["store", "played network"])
        XCTAssertTrue(comparison.table.hasPrefix("NOTE: store differs"), comparison.table)
        XCTAssertTrue(comparison.junit.contains("<skipped") == false && comparison.junit.contains("<failure"))
    }

    func testJUnitHasOneCasePerCellAndDirectionAndSkipsInconclusive() throws {
        let baseline = Self.analysis([Cell(up: steady, down: steady)])
        let candidate = Self.analysis([Cell(up: [140, 141, 139], down: steady)], runId: 2)
        let junit = try Comparison.make(baseline: baseline, candidate: candidate, threshold: 0.1).junit
        XCTAssertTrue(junit.contains("tests=\"2\""), junit)
        XCTAssertTrue(junit.contains("skipped=\"1\""), junit)
        XCTAssertTrue(junit.contains("<skipped message=\"inconclusive: fewer than 4"), junit)
    }

    // MARK: recommendation

    func testOverlappingCellsAreDecidedByACostThatDiffers() throws {
        // Same speed; 64 MiB parts need fewer requests per GiB than 32 MiB ones.
        let fewer = Cell(part: 64 << 20, parallel: 4, up: steady, requestsPerTrial: 3)
        let more = Cell(part: 32 << 20, parallel: 4, up: [201, 205, 199, 203, 202, 200], requestsPerTrial: 5)
        let upload = try Recommendation.make(Self.analysis([more, fewer]), options: RecommendOptions(objective: .upload))
        XCTAssertEqual(upload.chosen.cellId, 2, upload.reason)
        XCTAssertTrue(upload.reason.contains("fewest requests per GiB"), upload.reason)
        XCTAssertEqual(upload.runnerUp?.cellId, 1, "the next by the same rule")

        // Same speed, same requests: less memory decides (parallel 1 against 4).
        let small = Cell(part: 64 << 20, parallel: 1, up: steady)
        let large = Cell(part: 64 << 20, parallel: 4, up: [201, 205, 199, 203, 202, 200])
        let byMemory = try Recommendation.make(Self.analysis([large, small]), options: RecommendOptions(objective: .upload))
        XCTAssertEqual(byMemory.chosen.cellId, 2)
        XCTAssertTrue(byMemory.reason.contains("least client memory"), byMemory.reason)

        // Nothing differs: equivalent, and the median decides.
        let twin = Cell(part: 64 << 20, parallel: 4, up: [201, 205, 199, 203, 202, 200])
        let equivalent = try Recommendation.make(Self.analysis([Cell(part: 64 << 20, parallel: 4, up: steady), twin]),
                                                 options: RecommendOptions(objective: .upload))
        XCTAssertEqual(equivalent.chosen.cellId, 2, "the better median")
        XCTAssertTrue(equivalent.reason.contains("equivalent"), equivalent.reason)
    }

    func testDownloadTiesCountDownloadRequestsNotUploadOnes() throws {
        // Tied on download speed. Cell 2 uploads in many requests but downloads in few; cell 1 the
        // other way round. For downloads cell 2 is the cheaper: counting upload requests (or both
        // together, 10 against 8) would choose cell 1.
        var a = Cell(part: 64 << 20, parallel: 4, up: steady, down: steady)
        var b = Cell(part: 64 << 20, parallel: 4, up: steady, down: [201, 205, 199, 203, 202, 200])
        (a.uploadRequests, a.downloadRequests) = (8, 2)
        (b.uploadRequests, b.downloadRequests) = (2, 6)
        let download = try Recommendation.make(Self.analysis([b, a]), options: RecommendOptions(objective: .download))
        XCTAssertEqual(download.chosen.cellId, 2, download.reason)
        let upload = try Recommendation.make(Self.analysis([b, a]), options: RecommendOptions(objective: .upload))
        XCTAssertEqual(upload.chosen.cellId, 1, "for uploads the same tie goes the other way: \(upload.reason)")
    }

    func testALoopbackRunKeepsTheFilesRetryLimitAndTimeouts() throws {
        let current = RecommendOptions.CurrentSettings(source: "my.env", retryLimit: 7, connectTimeoutMilliseconds: 20_000)
        let loopback = try Recommendation.make(Self.analysis([Cell(up: steady)]), options: RecommendOptions(objective: .upload, current: current))
        XCTAssertEqual(loopback.settings.first { $0.name == .score(.uploadRetryLimit) }?.value, "7")
        XCTAssertEqual(loopback.settings.first { $0.name == .score(.uploadConnectionTimeout) }?.value, "20000")
        XCTAssertEqual(loopback.findings.map(\.kind), [.loopbackKept], "\(loopback.cautions)")
        XCTAssertTrue(loopback.envFragment.hasPrefix("# CAUTION:"), loopback.envFragment)

        XCTAssertEqual(loopback.settings.first { $0.name == .score(.uploadRetryLimit) }?.basis, .kept)
    }

    /// A played 80 ms network that injected no fault and saw none is no evidence about retries or
    /// timeouts: every one is kept as the file has it, and says so (issue #24).
    func testAPlayedNetworkWithoutFaultsKeepsTheFilesRetryLimitAndTimeouts() throws {
        let current = RecommendOptions.CurrentSettings(source: "my.env", retryLimit: 7, connectTimeoutMilliseconds: 20_000)
        var options = RecommendOptions(objective: .upload, current: current)
        var wan = NetworkProfile()
        wan.rttMilliseconds = 80
        options.playedNetworks = ["wan": wan]
        // The proxy answers the handshake locally (0.1 ms), and a run at parallel 1 may open no new connection at all.
        for connect in [0.0001, 0] {
            let r = try Recommendation.make(Self.analysis([Cell(network: "wan", up: steady, connect: connect)]), options: options)
            let all = r.settings + r.clientProperties
            func setting(_ name: SettingName) -> Recommendation.Setting? { all.first { $0.name == name } }
            XCTAssertEqual(setting(.score(.uploadRetryLimit))?.value, "7")
            XCTAssertEqual(setting(.score(.uploadConnectionTimeout))?.value, "20000")
            XCTAssertEqual(setting(.client(.readTimeoutSeconds))?.value, "60", "score-client's default")
            for name in [SettingName.score(.uploadRetryLimit), .score(.uploadConnectionTimeout), .client(.connectTimeoutSeconds), .client(.readTimeoutSeconds)] {
                XCTAssertEqual(setting(name)?.basis, .kept, "\(name)")
            }
            XCTAssertEqual(setting(.score(.uploadPartSize))?.basis, .measured)
            XCTAssertEqual(r.findings.map(\.kind), [.faultFreeKept], "not a loopback store: \(r.cautions)")
            XCTAssertEqual(r.decision.bases.retryLimit, .kept)
            XCTAssertNil(r.pathRisk)
            XCTAssertTrue(r.envFragment.contains("UPLOAD_RETRY_LIMIT: kept from my.env"), r.envFragment)
        }
    }

    func testAnUnfinishedRunSaysSoFirst() throws {
        let run = try Recommendation.make(Self.analysis([Cell(up: steady)], status: .interrupted), options: RecommendOptions())
        XCTAssertEqual(run.findings.first, .incompleteRun(runId: 1, status: .interrupted, cellsDone: 1, cells: 1))
        XCTAssertTrue(run.envFragment.hasPrefix("# CAUTION: run 1 is interrupted"), run.envFragment)
    }

    // MARK: intervals

    func testMedianIntervalsSayTheLevelTheyReallyReach() throws {
        let three = try XCTUnwrap(Statistics.medianInterval([1, 2, 3]))
        XCTAssertEqual(three.level, 0.75, accuracy: 1e-12, "min–max of 3 covers the median 75% of the time")
        XCTAssertFalse(three.reachesRequested)
        XCTAssertEqual(Statistics.intervalName(three.level), "75% interval")
        let six = try XCTUnwrap(Statistics.medianInterval([6, 1, 5, 2, 4, 3]))
        XCTAssertEqual(six.level, 1 - 2.0 / 64, accuracy: 1e-12)
        XCTAssertEqual(six.low, 1)
        XCTAssertEqual(six.high, 6)
        let twenty = try XCTUnwrap(Statistics.medianInterval((1...20).map(Double.init)))
        XCTAssertEqual(twenty.low, 6, "ranks 6 and 15 for n = 20 at 95%")
        XCTAssertEqual(twenty.high, 15)
        XCTAssertGreaterThanOrEqual(twenty.level, 0.95)
        XCTAssertEqual(Statistics.samplesForMedianInterval(), 6)
    }

    /// Calibration by simulation: for samples drawn from known distributions, the share of
    /// intervals that hold the true median is the stated level, within ±3 points.
    func testIntervalCoverageMatchesTheStatedLevel() {
        var random = SplitMix64(seed: 20261201)
        func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        let distributions: [(name: String, median: Double, draw: () -> Double)] = [
            ("exponential", log(2.0), { -log(1 - uniform()) }),
            ("uniform", 0.5, { uniform() }),
            ("log-normal", 1.0, {
                let z = (-2 * log(1 - uniform())).squareRoot() * cos(2 * Double.pi * uniform())
                return exp(0.5 * z)
            }),
        ]
        for (name, median, draw) in distributions {
            for n in [3, 5, 8, 20] {
                let rounds = 4000
                var covered = 0
                var level = 0.0
                for _ in 0..<rounds {
                    let interval = Statistics.medianInterval((0..<n).map { _ in draw() })!
                    level = interval.level
                    if interval.low <= median && median <= interval.high { covered += 1 }
                }
                XCTAssertEqual(Double(covered) / Double(rounds), level, accuracy: 0.03, "\(name), n = \(n)")
            }
        }
    }

    // MARK: capacity

    func testPlanRefusesARunThatDoesNotSweepClients() {
        let analysis = Self.analysis([Cell(part: 64 << 20, up: steady), Cell(part: 32 << 20, up: steady)])
        XCTAssertThrowsError(try CapacityPlan.make(analysis, direction: .upload, datasetBytes: 1 << 40, windowSeconds: 86_400, objectSize: nil)) { error in
            XCTAssertTrue(error is CapacityPlan.NeedsClientsSweep, "\(error)")
            XCTAssertTrue("\(error)".contains("grid.clients"), "\(error)")
        }
    }

    func testPlanNamesOnePeakAndCarriesItsNumbers() throws {
        let cells = [(1, 100.0), (2, 180.0), (4, 300.0), (8, 280.0)].map { clients, rate in
            Cell(parallel: 4, clients: clients, up: [rate, rate * 1.01, rate * 0.99, rate])
        }
        let plan = try CapacityPlan.make(Self.analysis(cells), direction: .upload, datasetBytes: 2 << 40, windowSeconds: 86_400, objectSize: nil)
        XCTAssertEqual(plan.requiredRate, Double(2 << 40) / 1e6 / 86_400, accuracy: 1e-9)
        XCTAssertGreaterThan(plan.peakClients, 2)
        XCTAssertGreaterThan(plan.peakThroughput, 250)
        XCTAssertEqual(plan.measuredClients, 8)
        let text = plan.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("peaks at \(plan.peakClients) concurrent"), text)
        XCTAssertFalse(text.contains("model's best"), "one peak, named once: \(text)")
        XCTAssertEqual(plan.feasible, plan.clientsNeeded != nil)
        XCTAssertEqual(plan.feasible, plan.peakThroughput >= plan.requiredRate)
    }

    func testWindowsAcceptWhatPlanPrints() {
        XCTAssertEqual(try Units.parseSpan("2d00h").get(), 172_800_000)
        XCTAssertEqual(try Units.parseSpan(Units.humanDuration(seconds: 200_000)).get(), 198_000_000, "2d07h")
        XCTAssertEqual(try Units.parseSpan("1h30m").get(), 5_400_000)
        XCTAssertEqual(try Units.parseSpan("48h").get(), 172_800_000)
        for bad in ["", "2", "h", "2x", "1.5h", "99999999999999d"] {
            XCTAssertThrowsError(try Units.parseSpan(bad).get(), bad)
        }
    }
}
