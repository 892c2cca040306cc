@testable import Analysis
import Foundation
import Model
import Results
import Runner
import Scenario
import TestSupport
import XCTest

/// A soak through a played fault model on the real SeaweedFS measures the faults from the
/// client's side alone (attempts and their silences, never the proxy's log); the profile
/// `network --from-run` writes from it plays back rates whose intervals hold the originals (#24).
final class MeasuredNetworkTests: XCTestCase {
    /// The played rates must lie in the measured ones' 99.9% intervals: the proxy's dice fall on
    /// whichever connection carries a MiB, so the counts vary from run to run like any sample's, and
    /// six checks at 95% would fail one run in four.
    static let level = 0.999

    /// The shortest stall the first soak plays, seconds (the second plays the lengths the first
    /// measured, which may be shorter: there the check is only looser).
    static let playedStallAtLeast = 1.0

    /// Resets and stalls per MiB, 503s per request: what the first soak plays.
    static let played = (reset: 0.01, stall: 0.01, slowDown: 0.03)

    static func soak(network: String) -> String {
        """
        mode: multipart
        objects: {sizes: [40MiB], count: 5, seed: 21}
        networks:
          path:
        \(network.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        grid: {network: path, UPLOAD_PARTSIZE: 5MiB, DOWNLOAD_PARTSIZE: 5MiB, parallel: 4, UPLOAD_RETRY_LIMIT: 10, stall_timeout: 30s}
        backoff: {base: 5ms, max: 50ms}
        repetitions: 2
        warmup: 0
        """
    }

    func measured(_ folder: URL, _ yaml: String) async throws -> MeasuredNetwork {
        let database = folder.appendingPathComponent("results.sqlite").path
        let runId = try await ClassRun.make(folder: folder, database: database, yaml: yaml, store: .seaweedfs)
        let results = try ResultsDatabase(path: database)
        let analysis = try await RunAnalysis.load(database: results, runId: runId)
        var options = RecommendOptions()
        options.playedNetworks = try ScenarioLoader.parse(text: analysis.run.scenarioText, path: "soak.yaml").networks
        XCTAssertGreaterThan(analysis.faults.count, 0, "the proxy injected faults")
        let measured = MeasuredNetwork(PathFaults.of(analysis, network: "path", options: options), runId: runId, mode: analysis.run.mode)
        // The client sees only what the proxy did (a fault outside any trial's requests, or two
        // stalls in one request, go unseen; a store's own hiccup may add one), and most of it.
        let injected = Dictionary(grouping: analysis.faults, by: \.kind).mapValues(\.count)
        // A pause of the store or of a loaded machine (half a second or more) is a stall to the
        // client, which can tell it from a played one only by its length: only stalls as long as
        // the played ones (`playedStallAtLeast`, less 10%) are held to the proxy's count.
        for (kind, seen) in [(InjectedFault.Kind.reset, measured.reset), (.stall, measured.stall), (.slowDown, measured.slowDown)] {
            let count = injected[kind] ?? 0
            let held = kind == .stall ? measured.stallLengths.filter { $0 >= Self.playedStallAtLeast * 0.9 }.count : seen.events
            XCTAssertLessThanOrEqual(held, count + 1, "\(kind): the proxy injected \(count), the client measured \(held) (\(seen.events) in all; stalls \(measured.stallLengths))")
            XCTAssertGreaterThan(seen.events, 0, "\(kind): the proxy injected \(count), the client measured none")
        }
        return measured
    }

    func testASoakMeasuresThePlayedFaultsAndItsProfilePlaysThemBack() async throws {
        try LocalBackend.skipUnlessServersWanted()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-measured-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        let played = Self.played
        let first = try await measured(root.appendingPathComponent("first"), Self.soak(network: """
            rtt: 10ms
            faults: {reset: \(played.reset), stall: \(played.stall), stall_for: [1s, 2s], slowdown_503: \(played.slowDown)}
            seed: 11
            """))
        for (name, rate, original) in [("reset", first.reset, played.reset), ("stall", first.stall, played.stall), ("503", first.slowDown, played.slowDown)] {
            XCTAssertTrue(rate.interval(level: Self.level).contains(original), "\(name): played \(original), measured \(rate.events) in \(rate.exposure) \(rate.unit) (\(rate.interval(level: Self.level)))")
            XCTAssertGreaterThan(rate.events, 0, "\(name) was seen")
        }
        XCTAssertEqual(first.serverError.events, 0, "no 500 was played")
        let median = try XCTUnwrap(Percentile.median(first.stallLengths))
        XCTAssertTrue((0.8...2.3).contains(median), "stalls of 1 s and 2 s measured with a median of \(median) s")
        let roundTrip = try XCTUnwrap(first.roundTrip)
        XCTAssertTrue((0.009...0.1).contains(roundTrip), "a 10 ms round trip measured as \(roundTrip) s")

        // The written profile reads back as the proxy will play it.
        let file = root.appendingPathComponent("measured.yaml").path
        try first.yaml().write(toFile: file, atomically: true, encoding: .utf8)
        let profile = try NetworkProfileFile.load(path: file)
        XCTAssertEqual(profile.faults.resetPerMiB, first.reset.estimate, accuracy: first.reset.estimate * 1e-5)
        XCTAssertEqual(profile.faults.stallMilliseconds, first.stallLengths.map { ($0 * 1000).rounded() })
        XCTAssertEqual(profile.faults.slowDownPerRequest, first.slowDown.estimate, accuracy: first.slowDown.estimate * 1e-5)
        XCTAssertFalse(profile.carriesServerCalls, "a multipart client's path: no Score server")
        let stressed = root.appendingPathComponent("stressed.yaml").path
        try first.yaml(stress: 10).write(toFile: stressed, atomically: true, encoding: .utf8)
        let harsher = try NetworkProfileFile.load(path: stressed)
        XCTAssertEqual(harsher.faults.resetPerMiB, min(1, first.reset.estimate * 10), accuracy: 1e-6)
        XCTAssertEqual(harsher.faults.slowDownPerRequest, min(1, first.slowDown.estimate * 10), accuracy: 1e-6)
        XCTAssertEqual(harsher.rttMilliseconds, profile.rttMilliseconds, "stress multiplies the faults, not the delay")

        // Played back, the measured profile's faults are measured again within the intervals of the originals.
        let again = try await measured(root.appendingPathComponent("again"), Self.soak(network: first.yaml() + "seed: 12"))
        for (name, rate, original) in [("reset", again.reset, played.reset), ("stall", again.stall, played.stall), ("503", again.slowDown, played.slowDown)] {
            XCTAssertTrue(rate.interval(level: Self.level).contains(original),
                          "\(name) played back: original \(original), measured \(rate.events) in \(rate.exposure) \(rate.unit) (\(rate.interval(level: Self.level)))")
        }
    }
}
