import Foundation
import GRDB
import Results
import Runner
import TestSupport
import ScoreConfig
import XCTest

/// On a real run against SeaweedFS: the recommendation is a `.env.score` fragment `check` accepts,
/// its evidence numbers match the database, and the HTML report renders in headless Chromium.
final class RecommendAndReportTests: XCTestCase {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-analysis-\(UUID().uuidString.prefix(8))")
    static var database: String { folder.appendingPathComponent("results.sqlite").path }
    nonisolated(unsafe) static var runId: Int64?

    /// One small grid, run once for the whole class.
    func run() async throws -> Int64 {
        if let id = Self.runId { return id }
        let id = try await ClassRun.make(folder: Self.folder, database: Self.database, yaml: """
            name: analysis-grid
            mode: score
            objects: {sizes: [24MiB, 48MiB], count: 2, seed: 31}
            grid: {UPLOAD_PARTSIZE: [20MiB, 24MiB], parallel: [1, 3]}
            repetitions: 3
            warmup: 1
            """, store: .seaweedfs)
        Self.runId = id
        return id
    }

    override class func tearDown() { try? FileManager.default.removeItem(at: folder) }

    func sql<T: DatabaseValueConvertible>(_ query: String, _ arguments: StatementArguments = []) throws -> [T] {
        try DatabaseQueue(path: Self.database).read { db in try T.fetchAll(db, sql: query, arguments: arguments) }
    }

    func testFragmentPassesCheckAndItsEvidenceMatchesTheDatabase() async throws {
        let runId = try await run()
        let result = try ScoretuneBinary.run(["recommend", "\(runId)", "--db", Self.database])
        XCTAssertEqual(result.status, 0, result.err)
        let fragment = result.out
        let settings = Dictionary(fragment.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("=") }.map { line -> (String, String) in
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts[1])
        }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(settings["UPLOAD_CONNECTION_TIMEOUT"], settings["UPLOAD_CONNECTIONTIMEOUT"], "both spellings, same value")

        // The fragment on top of the store's own file is a .env.score that check passes.
        let merged = Self.folder.appendingPathComponent("merged.env.score").path
        let base = try String(contentsOfFile: try LocalBackend.seaweedfs.settings().path, encoding: .utf8)
        try (base + "\n" + fragment).write(toFile: merged, atomically: true, encoding: .utf8)
        let check = try ScoretuneBinary.run(["check", "--env", merged])
        XCTAssertEqual(check.status, 0, check.out + check.err)

        // UPLOAD_PARTSIZE's evidence: the chosen cell's median, interval bounds and trial count.
        let evidence = fragment.split(separator: "\n").first { $0.hasPrefix("# UPLOAD_PARTSIZE:") }.map(String.init) ?? ""
        let cellId = Int64(try XCTUnwrap(capture(evidence, #"# UPLOAD_PARTSIZE: cell (\d+) "#)))!
        let rates: [Double] = try sql("""
            SELECT object_size / duration / 1e6 FROM trials
            WHERE cell_id = ? AND direction = 'upload' AND warmup = 0 AND outcome = 'ok' ORDER BY 1
            """, [cellId])
        let median = rates.count % 2 == 1 ? rates[rates.count / 2] : (rates[rates.count / 2 - 1] + rates[rates.count / 2]) / 2
        XCTAssertEqual(capture(evidence, #"upload median ([\d.]+) MB/s"#), String(format: "%.1f", median), evidence)
        XCTAssertEqual(capture(evidence, #"over (\d+) trials"#), "\(rates.count)")
        let low = Double(try XCTUnwrap(capture(evidence, #"\d+% (?:CI|interval) ([\d.]+)–"#)))!
        let high = Double(try XCTUnwrap(capture(evidence, #"\d+% (?:CI|interval) [\d.]+–([\d.]+)\)"#)))!
        XCTAssertTrue(low >= rates.first! - 0.05 && high <= rates.last! + 0.05, "an order-statistic interval of the median lies within the samples")
        let partSize: [Int64] = try sql("SELECT upload_part_size FROM cells WHERE id = ?", [cellId])
        XCTAssertEqual(settings["UPLOAD_PARTSIZE"], "\(partSize[0])")

        // A loopback run sizes no retry limit or timeout: it keeps what the run's .env.score says,
        // and its evidence names the connects it measured (median and count, from the database).
        XCTAssertTrue(fragment.hasPrefix("# CAUTION: this run reached its store on this machine (127.0.0.1)"), fragment)
        let env = try ScoreSettings.load(path: LocalBackend.seaweedfs.envPath, environment: [:])
        XCTAssertEqual(settings["UPLOAD_RETRY_LIMIT"], "\(env.retryLimit)")
        XCTAssertEqual(settings["UPLOAD_CONNECTION_TIMEOUT"], "\(env.connectTimeoutMilliseconds)")
        let retry = fragment.split(separator: "\n").first { $0.hasPrefix("# UPLOAD_RETRY_LIMIT:") }.map(String.init) ?? ""
        XCTAssertTrue(retry.contains("kept from \(LocalBackend.seaweedfs.envPath)"), retry)
        let connects: [Double] = try sql("SELECT connect_s FROM attempts WHERE run_id = ? AND error_class IS NULL AND reused = 0 AND connect_s > 0", [runId])
        let sortedConnects = connects.sorted()
        let middle = sortedConnects.count % 2 == 1 ? sortedConnects[sortedConnects.count / 2]
            : (sortedConnects[sortedConnects.count / 2 - 1] + sortedConnects[sortedConnects.count / 2]) / 2
        XCTAssertEqual(capture(retry, #"in ([\d.]+) ms per connect"#), String(format: "%.2f", middle * 1000), retry)
        XCTAssertEqual(capture(retry, #"median of (\d+)\)"#), "\(connects.count)", retry)
        XCTAssertNil(settings["client.readTimeoutSeconds"], "no read timeout sized from loopback")

        let json = try ScoretuneBinary.run(["recommend", "\(runId)", "--db", Self.database, "--format", "json", "--objective", "both"])
        XCTAssertEqual(json.status, 0, json.err)
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        XCTAssertEqual(object?["objective"] as? String, "both")
        XCTAssertNotNil((object?["chosen"] as? [String: Any])?["median"])

        let impossible = try ScoretuneBinary.run(["recommend", "\(runId)", "--db", Self.database, "--max-memory", "1MiB"])
        XCTAssertEqual(impossible.status, 1)
        XCTAssertTrue(impossible.err.contains("no cell meets the constraints"), impossible.err)
    }

    func testHTMLReportRendersItsChartsInChromium() async throws {
        let runId = try await run()
        let html = Self.folder.appendingPathComponent("report.html").path
        let png = Self.folder.appendingPathComponent("report.png").path
        let result = try ScoretuneBinary.run(["report", "\(runId)", "--db", Self.database, "--html", html,
                                              "--md", Self.folder.appendingPathComponent("report.md").path,
                                              "--csv", Self.folder.appendingPathComponent("cells.csv").path])
        XCTAssertEqual(result.status, 0, result.err)
        let text = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertFalse(text.contains("<script"), "self-contained: no scripts")
        XCTAssertNil(text.range(of: #"(src|href)\s*=\s*["']?(https?:)?//"#, options: .regularExpression), "no resource fetched from a network")
        XCTAssertFalse(text.contains("<link"), "no external resources")
        // Every request of the run knows when it was sent; a part PUT is sent after it connects and
        // before its answer starts (SeaweedFS answers once it has the whole part).
        XCTAssertEqual(try sql("SELECT count(*) FROM attempts WHERE run_id = ? AND sent_s IS NULL", [runId]) as [Int], [0])
        let puts: [Int] = try sql("SELECT count(*) FROM attempts WHERE run_id = ? AND operation = 'UploadPart' AND status = 200", [runId])
        let ordered: [Int] = try sql("""
            SELECT count(*) FROM attempts WHERE run_id = ? AND operation = 'UploadPart' AND status = 200
            AND sent_s >= connect_s AND sent_s <= first_byte_s AND first_byte_s <= total_s
            """, [runId])
        XCTAssertGreaterThan(puts[0], 0)
        XCTAssertEqual(ordered, puts, "connect ≤ sent ≤ first byte ≤ total for every part PUT")
        let csv = try String(contentsOfFile: Self.folder.appendingPathComponent("cells.csv").path, encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + 4, "header and one row per cell")

        let chromium = try XCTUnwrap(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                     "chromium is installed by scripts/bootstrap chromium")
        let dom = try runTool(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://\(html)"])
        // The decision page: the recommended cell is the one `recommend` chooses, and every chart
        // of cells outlines it; every chart with an axis labels its ticks.
        let recommended = try ScoretuneBinary.run(["recommend", "\(runId)", "--db", Self.database, "--json"])
        let chosenId = try XCTUnwrap(((try JSONSerialization.jsonObject(with: Data(recommended.out.utf8)) as? [String: Any])?["chosen"] as? [String: Any])?["cellId"] as? Int)
        XCTAssertNotNil(dom.range(of: "<section class=\"decision\" data-chosen-cell=\"\(chosenId)\">"), "the decision comes first, for the chosen cell")
        XCTAssertLessThan(try XCTUnwrap(dom.range(of: "class=\"decision\"")).lowerBound, try XCTUnwrap(dom.range(of: "class=\"facts\"")).lowerBound)
        XCTAssertNotNil(capture(dom, #"<pre class="settings"><span class="setting[^"]*" data-basis="(?:measured|kept)"[^>]*>(UPLOAD_PARTSIZE=\d+)</span>"#),
                        "a copyable block of settings, each marked with where it comes from")
        XCTAssertNotNil(dom.range(of: "data-basis=\"kept\" title=\"no evidence covers it\">UPLOAD_RETRY_LIMIT="), "a loopback run's retry limit is marked kept")
        XCTAssertNotNil(dom.range(of: "<tr data-cell=\"\(chosenId)\" class=\"chosen\">"), "the cells table marks the chosen row")
        for chart in ["upload-heatmap", "download-bars", "time-series-upload", "time-series-download", "latency", "breakdown"] {
            let start = try XCTUnwrap(dom.range(of: "data-chart=\"\(chart)\""), "chart \(chart) is in the rendered DOM")
            let end = dom[start.upperBound...].range(of: "</svg>")!.lowerBound
            let svg = dom[start.upperBound..<end]
            XCTAssertGreaterThan(svg.components(separatedBy: "class=\"mark\"").count - 1, 0, "chart \(chart) draws data")
            if chart != "upload-heatmap" {
                XCTAssertGreaterThanOrEqual(svg.components(separatedBy: "class=\"tick\"").count - 1, 5, "chart \(chart) labels its axis ticks")
            }
            if !["latency", "breakdown"].contains(chart) {
                XCTAssertTrue(svg.contains("class=\"chosen\""), "chart \(chart) outlines the recommended cell")
            }
        }
        XCTAssertTrue(dom.contains("class=\"interval\""), "download bars carry their intervals")
        XCTAssertTrue(dom.contains("part PUT, 20MiB parts") && dom.contains("part PUT, 24MiB parts"), "latency by operation and part size")
        // No element makes the page wider than the window, at 800 and 1400 px (a probe script is
        // added to a copy: the report itself has none).
        let probe = Self.folder.appendingPathComponent("probe.html").path
        try text.replacingOccurrences(of: "</body>", with: """
            <script>window.addEventListener('load', () => { const w = document.documentElement.clientWidth;
            document.body.setAttribute('data-overflow', document.documentElement.scrollWidth > w ? 'yes' : 'no'); });</script></body>
            """).write(toFile: probe, atomically: true, encoding: .utf8)
        for width in [800, 1400] {
            let probed = try runTool(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=\(width),2000",
                                                "--virtual-time-budget=3000", "--dump-dom", "file://\(probe)"])
            XCTAssertTrue(probed.contains("data-overflow=\"no\""), "at \(width) px the page does not scroll sideways")
        }
        _ = try runTool(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--screenshot=\(png)",
                                   "--window-size=1280,3200", "file://\(html)"])
        // Pixels in the charts' own colours: the darkest heatmap cell, upload dots, download bars and dots.
        let python = LocalBackend.packageRoot.appendingPathComponent(".scoretune/venv/bin/python").path
        let script = LocalBackend.packageRoot.appendingPathComponent("scripts/png-colors.py").path
        let counts = try JSONSerialization.jsonObject(with: Data(try runTool(python, [script, png, "#08306b", "#e7298a", "#ff7f0e"]).utf8)) as? [String: Int]
        XCTAssertGreaterThan(counts?["#08306b"] ?? 0, 1000, "the best heatmap cell is painted")
        XCTAssertGreaterThan(counts?["#e7298a"] ?? 0, 500, "the recommended cell's outlines are painted")
        XCTAssertGreaterThan(counts?["#ff7f0e"] ?? 0, 2000, "download bars are painted")
    }

    func capture(_ text: String, _ pattern: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }

    func runTool(_ path: String, _ arguments: [String]) throws -> String {
        let result = try TestSupport.runTool(URL(fileURLWithPath: path), arguments)
        XCTAssertEqual(result.status, 0, "\(path) \(arguments)")
        return result.out
    }
}
