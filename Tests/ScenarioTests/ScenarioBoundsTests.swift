import Model
import Scenario
import XCTest

/// Every number a scenario gives is bounded to what the runner can do: the values that crashed
/// the runner (negative or enormous delays, zero bandwidth, sizes near Int64.max, a billion
/// objects, a 660-million-cell grid) are refused by the checker with the bound named.
final class ScenarioBoundsTests: XCTestCase {
    func parse(_ text: String) throws -> Scenario { try ScenarioLoader.parse(text: text, path: "b.yaml") }

    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        scenarioError(text, path: "b.yaml", file: file, line: line)
    }

    let objects = "objects: {sizes: [8MiB], count: 2}\n"

    func testRefusedValuesNameLineKeyAndBound() {
        let cases: [(String, String)] = [
            ("objects: {sizes: [9223372036854775807]}\n", "objects.sizes: 9223372036854775807B is above 5TiB"),
            ("objects: {sizes: [-5]}\n", "must be above 0"),
            ("objects: {sizes: [8MiB], count: 1000000000}\n", "objects.count: must be 1 to 100000"),
            ("objects: {sizes: [5TiB, 5TiB], count: 100}\n", "more than 100TiB per repetition"),
            (objects + "repetitions: 100000000\n", "repetitions: must be 1 to 1000"),
            (objects + "warmup: -1\n", "warmup: must be 0 to 100"),
            (objects + "budget: -5\n", "budget: must be above 0"),
            (objects + "backoff: {base: 9223372036854775807}\n", "backoff.base: must be 1ms to 1h"),
            (objects + "network: {rtt: -100}\n", "network.rtt: must be 0 to 1h"),
            (objects + "network: {rtt: 9223372036854775807}\n", "network.rtt: must be 0 to 1h"),
            (objects + "network: {jitter: -1}\n", "network.jitter: must be 0 to 1h"),
            (objects + "network: {bandwidth_per_connection: 0}\n", "network.bandwidth_per_connection: must be from 1KB/s"),
            (objects + "network: {bandwidth_per_connection: -5}\n", "must be from 1KB/s"),
            (objects + "network: {bandwidth_total: 0.001}\n", "network.bandwidth_total: must be from 1KB/s"),
            (objects + "network: {bandwidth_total: .inf}\n", "network.bandwidth_total"),
            (objects + "network: {faults: {stall: 0.1, stall_for: -30000}}\n", "network.faults.stall_for: must be 0 to 1h"),
            (objects + "network: {faults: {reset: .nan}}\n", "a probability is 0 to 1"),
            (objects + "network: {faults: {stall: 0.1, stall_for: [1s, -2]}}\n", "network.faults.stall_for[1]: must be 0 to 1h"),
            (objects + "network: {faults: {stall: 0.1, stall_for: []}}\n", "network.faults.stall_for: needs 1 to 10000 durations"),
            (objects + "network: {server_calls: 3}\n", "network.server_calls"),
            (objects + "grid: {stall_timeout: [-1]}\n", "grid.stall_timeout[0]: must be 1ms to 1h"),
            (objects + "grid: {UPLOAD_CONNECTIONTIMEOUT: 9223372036854775807}\n", "must be 1ms to 1h"),
            (objects + "grid: {network: []}\n", "grid.network: needs at least one value"),
            (objects + "grid: {parallel: []}\n", "grid.parallel: needs at least one value"),
            (objects + "grid: {parallel: 256, clients: 256}\n", "more than the 1024 connections"),
            ("mode: multipart\nobjects: {sizes: [5TiB]}\ngrid: {DOWNLOAD_PARTSIZE: 64KiB, UPLOAD_PARTSIZE: 5GiB}\n", "a run allows 100000 per object"),
        ]
        for (text, expected) in cases {
            let shown = error(text)
            XCTAssertTrue(shown.hasPrefix("b.yaml:"), shown)
            XCTAssertTrue(shown.contains(expected), "\(shown) lacks \(expected)")
        }
    }

    func testHugeGridIsRefusedBeforeExpansion() {
        let list = "[" + (1...100).map(String.init).joined(separator: ", ") + "]"
        let text = objects + """
        grid: {UPLOAD_RETRY_LIMIT: \(list), parallel: \(list), clients: [1, 2, 3], UPLOAD_CONNECTIONTIMEOUT: [1s, 2s]}
        """
        XCTAssertTrue(error(text).contains("more than 10000 cells"), error(text))
    }

    func testDuplicateGridValuesAreMergedWithANote() throws {
        let scenario = try parse(objects + "grid: {parallel: [2, 4, 2, 4], UPLOAD_PARTSIZE: [8MiB, 8388608]}\n")
        XCTAssertEqual(scenario.grid.parallel, [2, 4])
        XCTAssertEqual(scenario.grid.uploadPartSize, [8 << 20])
        XCTAssertEqual(scenario.warnings.count, 2, "\(scenario.warnings)")
        XCTAssertTrue(scenario.warnings.contains { $0.contains("grid.parallel: 2 repeated value(s) merged") })
        let defaults = Knobs(uploadPartSize: 20 << 20, downloadPartSize: nil, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                             stallTimeoutMilliseconds: 60_000, parallel: 6, clients: 1)
        XCTAssertEqual(try scenario.cells(defaults: defaults).count, 2)
    }

    func testAzureRangesFromTheEnvFileAreBounded() throws {
        let scenario = try parse("objects: {sizes: [5TiB]}\n")
        var defaults = Knobs(uploadPartSize: 1, downloadPartSize: nil, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                             stallTimeoutMilliseconds: 60_000, parallel: 6, clients: 1)
        defaults.blockSize = 4000 << 20
        XCTAssertThrowsError(try scenario.cells(defaults: defaults)) { error in
            XCTAssertTrue("\(error)".contains("a run allows 100000 per object"), "\(error)")
        }
    }

    /// A measured path's stall lengths (`network --from-run` writes a list) and a server far from
    /// its store read as the proxy and the runner will use them.
    func testStallLengthListsAndServerCallsRead() throws {
        let scenario = try parse(objects + "network: {rtt: 1s, server_calls: true, faults: {stall: 0.1, stall_for: [1500ms, 2s]}}\n")
        let profile = try XCTUnwrap(scenario.networks["network"])
        XCTAssertEqual(profile.faults.stallMilliseconds, [1500, 2000])
        XCTAssertTrue(profile.carriesServerCalls)
        XCTAssertEqual(try XCTUnwrap(parse(objects + "network: {faults: {stall: 0.1}}\n").networks["network"]).faults.stallMilliseconds, [30_000],
                       "one stall length, 30 s, unless given")
        XCTAssertFalse(try XCTUnwrap(parse(objects + "network: {rtt: 1s}\n").networks["network"]).carriesServerCalls)
    }

    func testLimitsStillAcceptTheEdges() throws {
        _ = try parse("objects: {sizes: [5TiB], count: 20}\nnetwork: {rtt: 1h, bandwidth_per_connection: 1KB/s}\ngrid: {parallel: 4, clients: 256}\n")
        _ = try parse(objects + "repetitions: 1000\nwarmup: 100\nbudget: 720h\n")
    }

    /// Found by fuzzing: a YAML 1.1 base-60 number trapped inside Yams (unchecked arithmetic), and
    /// nested aliases made the reader's walk exponential. Both are refused before decoding.
    func testBaseSixtyNumbersAndAliasBombsAreRefused() {
        for text in ["repetitions: 1:0:0:0:0:0:0:0:0:0:0\n", "objects: {sizes: [1:0:0:0:0:0:0:0:0:0:0]}\n",
                     "# link tha\n\nrepetitions: 32222222222222222:222:2222222\nwarmup: 0\nbudget: 15m\n",
                     "repetitions: 1:0:0:0:0:0:0:0:-10:0:0\n", "objects: {sizes: [8MiB], count: +1:1e5:9}\n",
                     "repetitions: 1_0:0:0:0:0:0:0:0:0:0:0\n"] {
            XCTAssertTrue(error(text).contains("base-60 number"), error(text))
        }
        let levels = (1..<9).map { i in ", &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ",") + "]" }.joined()
        let bomb = "name: [&a0 [x,x,x,x,x,x,x,x,x,x]\(levels)]\nobjects: {sizes: [1]}\n"
        XCTAssertTrue(error(bomb).contains("expands to more than 100000 values"), error(bomb))
        XCTAssertNoThrow(try parse("name: \"1:30\"\nobjects: {sizes: [8MiB]}\n"), "a quoted one is text")
    }
}
