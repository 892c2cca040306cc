@testable import Analysis
import Foundation
import Model
import Results
import XCTest

/// Known answers for the model that sizes retries and timeouts against a stated risk (issue #24):
/// the bounds against published values, limits and timeouts worked out by hand, and a whole
/// recommendation from fault statistics built by hand. No store, no database.
final class RiskModelTests: XCTestCase {
    // MARK: bounds

    func testZeroFailuresSeenIsNotZeroRisk() {
        // 1 − 0.05^(1/n): 0.2589 for n = 10 (the exact one-sided 95% bound), ≈ 3/n (the rule of three).
        XCTAssertEqual(RiskModel.upperBound(failures: 0, of: 10), 0.2589, accuracy: 1e-4)
        XCTAssertEqual(RiskModel.upperBound(failures: 0, of: 640), 0.004670, accuracy: 1e-6)
        XCTAssertEqual(RiskModel.upperBound(failures: 0, of: 640) * 640, 3, accuracy: 0.02, "the rule of three")
        XCTAssertEqual(RiskModel.upperBound(failures: 0, of: 0), 1, "nothing tried, nothing known")
    }

    func testClopperPearsonBoundsMatchPublishedValues() {
        // One-sided 95% Clopper–Pearson: 1 of 10 → 0.3942; 10 of 1006 → about the Poisson bound 16.96/1006.
        XCTAssertEqual(RiskModel.upperBound(failures: 1, of: 10), 0.3942, accuracy: 1e-4)
        XCTAssertEqual(RiskModel.upperBound(failures: 10, of: 1006), 16.96 / 1006, accuracy: 2e-4)
        XCTAssertEqual(RiskModel.upperBound(failures: 3, of: 100_000), 7.754e-5, accuracy: 1e-7, "Poisson's 7.754 for 3 seen")
        // The lower bound: 1 of 10 → 0.0051 (1 − 0.95^(1/10)).
        XCTAssertEqual(RiskModel.lowerBound(failures: 1, of: 10), 0.00512, accuracy: 1e-5)
        XCTAssertEqual(RiskModel.lowerBound(failures: 0, of: 10), 0)
        XCTAssertEqual(RiskModel.upperBound(failures: 10, of: 10), 1)
    }

    // MARK: retries

    func testTheSmallestLimitMeetsTheRisk() {
        // 10 requests per object, 1% per attempt: 10 × 0.01^(R+1) ≤ 10^-5 needs R + 1 = 3.
        XCTAssertEqual(RiskModel.smallestLimit(perAttempt: 0.01, requests: 10, risk: 1e-5), 2)
        XCTAssertEqual(RiskModel.objectFailure(perAttempt: 0.01, requests: 10, limit: 1), 1 - pow(1 - 1e-4, 10), accuracy: 1e-12)
        // Zero failures in 640 attempts: the bound 0.00467 still asks for 2 retries at 10 requests per object.
        XCTAssertEqual(RiskModel.smallestLimit(perAttempt: RiskModel.upperBound(failures: 0, of: 640), requests: 10, risk: 1e-5), 2)
        XCTAssertEqual(RiskModel.smallestLimit(perAttempt: 0, requests: 10, risk: 1e-5), 0)
        XCTAssertNil(RiskModel.smallestLimit(perAttempt: 1, requests: 1, risk: 1e-5), "a path that always fails has no limit")
    }

    func testARareFaultSeenOnceInTenAsksForTheBoundNotThePointEstimate() {
        // 1 failure in 10 attempts: the point estimate 0.1 would say 4 retries for one request at
        // 2·10^-5 (0.1^5 = 10^-5); the 95% bound 0.394 says 11 (0.394^12 = 1.4e-5 ≤ 2·10^-5 < 0.394^11 = 3.6e-5).
        XCTAssertEqual(RiskModel.smallestLimit(perAttempt: 0.1, requests: 1, risk: 2e-5), 4)
        XCTAssertEqual(RiskModel.smallestLimit(perAttempt: RiskModel.upperBound(failures: 1, of: 10), requests: 1, risk: 2e-5), 11)
    }

    // MARK: timeouts

    /// 10,000 attempts: healthy waits of 0.1 s, 90 stalls of 2 s and 10 of 600 s (a heavy tail).
    func silences(attemptSeconds: Double) -> RiskModel.Silences {
        RiskModel.Silences(healthy: Array(repeating: 0.1, count: 9_900), stalls: Array(repeating: 2, count: 90) + Array(repeating: 600, count: 10),
                           attempts: 10_000, fastFailures: 0, attemptSeconds: attemptSeconds, backoffSeconds: 0.1)
    }

    func testATailHeavyStallDistributionIsCutAtTheFloorWhenRetriesAreCheap() {
        // Retry cost 0.5 + 0.1 = 0.6 s. At 1 s: 100 × 1.6 s = 160 s lost, 1% fail → 0.01616 s per attempt.
        // At 2 s: 90 × 2 + 10 × 2.6 = 206 s → 0.0206. At 600 s: 90 × 2 + 10 × 600 → 0.618.
        let cheap = silences(attemptSeconds: 1)
        XCTAssertEqual(cheap.floor, 1)
        XCTAssertEqual(cheap.lostPerAttempt(at: 1), 160 / 10_000 / 0.99, accuracy: 1e-9)
        XCTAssertEqual(cheap.lostPerAttempt(at: 2), 206 / 10_000 / 0.999, accuracy: 1e-9)
        XCTAssertEqual(cheap.bestTimeout(ceiling: 3600), 1)
    }

    func testShortStallsAreWaitedOutWhenARetryCostsMore() {
        // A part takes 60 s: a retry costs 30.1 s. Cutting the 2 s stalls at 1 s loses 100 × 31.1 s;
        // waiting them out at 2 s loses 90 × 2 + 10 × 32.1.
        let slow = silences(attemptSeconds: 60)
        XCTAssertEqual(slow.bestTimeout(ceiling: 3600), 2)
        XCTAssertEqual(slow.failures(at: 2), 10)
        XCTAssertLessThan(slow.lostPerAttempt(at: 2), slow.lostPerAttempt(at: 600), "waiting out the 600 s stalls costs more than retrying")
    }

    func testTheFloorClearsTheHealthyTail() {
        // Under 1,000 waits the longest counts: one healthy 8 s wait makes the floor 16 s.
        let few = RiskModel.Silences(healthy: Array(repeating: 0.2, count: 499) + [8], stalls: [], attempts: 500,
                                     fastFailures: 0, attemptSeconds: 1, backoffSeconds: 0.1)
        XCTAssertEqual(few.floor, 16)
        // From 1,000 on, the 99.9th percentile: the one 8 s wait in 1,000 is the tail beyond it.
        let many = RiskModel.Silences(healthy: Array(repeating: 0.2, count: 999) + [8], stalls: [], attempts: 1_000,
                                      fastFailures: 0, attemptSeconds: 1, backoffSeconds: 0.1)
        XCTAssertEqual(many.healthyTail, 0.2)
        XCTAssertEqual(many.floor, 1)
    }

    // MARK: a whole recommendation from fault statistics built by hand

    /// 100 uploads of 10 parts of 8 MiB over a played 80 ms network: healthy waits 0.1 s, 4 stalls of
    /// 3 s waited out, 5 resets (each retried), 1 stall cut by the run's 60 s timeout.
    static func faultyAnalysis(mode: Mode = .score) -> RunAnalysis { faultyRun(mode: mode).analysis }

    /// The faulty run and the attempts its analysis digested.
    static func faultyRun(mode: Mode = .score) -> (analysis: RunAnalysis, attempts: [AttemptRow]) {
        let analysis = AnswerTests.analysis([AnswerTests.Cell(network: "wan", up: Array(repeating: 200, count: 100))], mode: mode)
        let trials = analysis.trialSample
        var attempts: [AttemptRow] = []
        func row(_ trial: TrialRow, part: Int, attempt: Int = 1, error: ErrorClass? = nil, silence: Double = 0.1, total: Double = 0.5) -> AttemptRow {
            AttemptRow(runId: 1, cellId: trial.cellId, trialId: trial.id, phase: .parts, operation: .uploadPart, method: .put, bucket: "b",
                       key: "k", partNumber: part, attempt: attempt, status: error == nil ? 200 : 0, errorClass: error,
                       bytesSent: error == nil ? 8 << 20 : 1 << 20, bytesReceived: 0, dns: 0, connect: part == 1 && attempt == 1 ? 0.0001 : 0, tls: 0,
                       sent: 0.4, firstByte: 0.45, total: total, silence: silence, reused: !(part == 1 && attempt == 1), startedAt: trial.startedAt)
        }
        for (t, trial) in trials.enumerated() {
            for part in 1...10 {
                if t < 5 && part == 2 { attempts.append(row(trial, part: part, error: .connectionReset, silence: 0.01, total: 0.2)) }
                if t == 5 && part == 3 { attempts.append(row(trial, part: part, error: .stallTimeout, silence: 60, total: 60.3)) }
                let retried = (t < 5 && part == 2) || (t == 5 && part == 3)
                let stalled = t >= 10 && t < 14 && part == 5
                attempts.append(row(trial, part: part, attempt: retried ? 2 : 1, silence: stalled ? 3 : 0.1, total: stalled ? 3.5 : 0.5))
            }
        }
        return (analysis.replacingAttempts(attempts), attempts)
    }

    func testAFaultyPathIsSizedFromItsBoundsAndSaysWhatEachValueCosts() throws {
        var options = RecommendOptions(objective: .upload, current: .init(source: "my.env", retryLimit: 5, connectTimeoutMilliseconds: 15_000))
        var wan = NetworkProfile()
        wan.rttMilliseconds = 80
        options.playedNetworks = ["wan": wan]
        let analysis = Self.faultyAnalysis()
        let path = PathFaults(analysis, playedRoundTrip: 0.08, allRequests: false, backoffSeconds: 0.1)
        XCTAssertEqual(path.attempts, 1006)
        XCTAssertEqual(path.silences.stalls.count, 4)
        XCTAssertEqual(path.silences.stalls.min, 3)
        XCTAssertEqual(path.silences.stalls.max, 3)
        XCTAssertEqual(path.silences.censoredStalls, 1)
        XCTAssertEqual(path.silences.fastFailures, 5)
        XCTAssertEqual(path.requestsPerObject, 10)

        // A plain client (multipart mode) sets its data timeout on its own.
        let plain = try Recommendation.make(Self.faultyAnalysis(mode: .multipart), options: options)
        func setting(_ r: Recommendation, _ name: SettingName) throws -> Recommendation.Setting {
            try XCTUnwrap((r.settings + r.clientProperties).first { $0.name == name }, "\(name)")
        }
        // At 1 s, 10 of 1006 attempts fail: the 95% bound 0.0169 needs R + 1 = 4 for 10 requests at
        // 10^-5 (the point estimate 0.0099 would have said 2).
        XCTAssertEqual(try setting(plain, .score(.uploadRetryLimit)).value, "3")
        XCTAssertEqual(try setting(plain, .score(.uploadRetryLimit)).basis, .modelled)
        // 0.1 ms to the proxy + the played 80 ms, + 3 s for two lost SYNs, rounded up: 4 s.
        XCTAssertEqual(try setting(plain, .score(.uploadConnectionTimeout)).value, "4000")
        XCTAssertEqual(plain.decision.stallTimeoutMilliseconds, 1000, "cutting 3 s stalls at 1 s costs less than waiting them out")
        XCTAssertEqual(plain.decision.bases.stallTimeout, .modelled)
        let risk = try XCTUnwrap(plain.pathRisk)
        XCTAssertLessThanOrEqual(risk.recommended.failedPer100k, 1, "meets one in 10^5")
        XCTAssertGreaterThan(risk.current.secondsPerGiB, risk.recommended.secondsPerGiB, "the file's 60 s waits the censored stall out")
        let evidence = try setting(plain, .score(.uploadRetryLimit)).evidence
        XCTAssertTrue(evidence.contains("at the file's"), evidence)
        XCTAssertEqual(plain.findings, [])

        // Score: score-client's one read timeout also bounds finalize, unknown without --object-size,
        // so it is not lowered; it is the timeout in force, and the limit is sized at it: 6 of 1006
        // fail at 60 s (5 resets, the stall the run cut), the bound 0.0118 needs R + 1 = 4 too.
        let score = try Recommendation.make(analysis, options: options)
        XCTAssertEqual(try setting(score, .client(.readTimeoutSeconds)).value, "60")
        XCTAssertEqual(try setting(score, .client(.readTimeoutSeconds)).basis, .kept)
        XCTAssertNil(try setting(score, .client(.readTimeoutSeconds)).risk, "a kept value carries no model's cost")
        XCTAssertEqual(score.decision.stallTimeoutMilliseconds, 60_000)
        XCTAssertEqual(try setting(score, .score(.uploadRetryLimit)).value, "3")
        XCTAssertTrue(try setting(score, .score(.uploadRetryLimit)).evidence.contains("6 of 1006 attempts over the path would fail with a 60 s timeout"))
        XCTAssertEqual(score.decision.bases.partSize, .kept, "one part size tried: nothing chose it")
    }

    /// Each value rests on its own evidence: fast failures alone size the retry limit, not a data
    /// timeout (no stall to weigh one against); a run that timed no connect keeps the connect timeout.
    func testEachValueNeedsItsOwnEvidence() throws {
        var (analysis, attempts) = AnswerTests.withAttempts([AnswerTests.Cell(network: "wan", up: Array(repeating: 200, count: 20))], mode: .multipart)
        for index in attempts.indices {
            attempts[index].connect = 0
            attempts[index].reused = true
        }
        var failed = attempts[0]
        (failed.errorClass, failed.status, failed.attempt) = (.slowDown, 503, 1)
        attempts[0].attempt = 2
        attempts.append(failed)
        analysis = analysis.replacingAttempts(attempts)
        let current = RecommendOptions.CurrentSettings(source: "my.env", retryLimit: 5, connectTimeoutMilliseconds: 15_000)
        let r = try Recommendation.make(analysis, options: RecommendOptions(objective: .upload, current: current))
        XCTAssertEqual(r.decision.bases.retryLimit, .modelled)
        XCTAssertEqual(r.decision.bases.connectTimeout, .kept, "no connect was timed")
        XCTAssertEqual(r.decision.connectTimeoutMilliseconds, 15_000)
        XCTAssertEqual(r.decision.bases.stallTimeout, .kept, "no stall was seen")
        XCTAssertEqual(r.decision.stallTimeoutMilliseconds, 60_000)
    }

    /// Score's server beside its store: its ListParts checks and markers (in the parts phase, never
    /// through the played network) are not the path. Read as the path, their 1 ms answers once
    /// passed for the round trip of a played 20 ms network.
    func testScoresServerCallsBesideTheStoreAreNotThePath() {
        var (analysis, attempts) = Self.faultyRun()
        let client = attempts.count
        for trial in analysis.trialSample {
            attempts.append(AttemptRow(runId: 1, cellId: trial.cellId, trialId: trial.id, phase: .parts, operation: .listParts, method: .get,
                                                bucket: "b", key: "k", partNumber: 1, attempt: 1, status: 200, errorClass: nil, bytesSent: 0,
                                                bytesReceived: 500, dns: 0, connect: 0, tls: 0, sent: 0.0001, firstByte: 0.001, total: 0.001,
                                                silence: 0.001, reused: true, startedAt: trial.startedAt))
        }
        analysis = analysis.replacingAttempts(attempts)
        let path = PathFaults(analysis, playedRoundTrip: 0.02, allRequests: false, backoffSeconds: 0.1)
        XCTAssertEqual(path.attempts, client)
        XCTAssertTrue(path.answerWaits.isEmpty, "no GET of a part in this upload-only run; the server's ListParts GETs are not waits on the path")
        XCTAssertEqual(PathFaults(analysis, playedRoundTrip: 0.02, allRequests: true, backoffSeconds: 0.1).attempts, client + analysis.trialSample.count,
                       "a server behind the same network: its calls are the path too")
    }
}
