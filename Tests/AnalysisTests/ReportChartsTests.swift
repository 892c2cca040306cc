@testable import Analysis
import Foundation
import Model
import Reports
import Results
import XCTest

/// The HTML report draws one network at a time, and plots a clients sweep on the aggregate axis
/// with the USL curve through it. Hand-built analyses, no store.
final class ReportChartsTests: XCTestCase {
    func section(_ html: String, network: String) throws -> Substring {
        let start = try XCTUnwrap(html.range(of: "data-network=\"\(network)\""), "a section for \(network)")
        let end = try XCTUnwrap(html[start.upperBound...].range(of: "</section>"))
        return html[start.upperBound..<end.lowerBound]
    }

    func chart(_ section: Substring, _ name: String) throws -> Substring {
        let start = try XCTUnwrap(section.range(of: "data-chart=\"\(name)\""), "chart \(name)")
        let end = try XCTUnwrap(section[start.upperBound...].range(of: "</svg>"))
        return section[start.upperBound..<end.lowerBound]
    }

    func marks(_ chart: Substring) -> Int { chart.components(separatedBy: "class=\"mark\"").count - 1 }

    func testEachNetworkHasItsOwnCharts() throws {
        let analysis = AnswerTests.analysis([
            .init(part: 20 << 20, network: "lan", up: [500, 505, 498], down: [700, 710, 690]),
            .init(part: 64 << 20, network: "lan", up: [450, 452, 449], down: [650, 655, 640]),
            .init(part: 20 << 20, network: "wan", up: [30, 31, 29], down: [40, 41, 39]),
        ])
        let html = HTMLReport(analysis: analysis, recommendations: []).html
        let lan = try section(html, network: "lan"), wan = try section(html, network: "wan")
        for name in ["upload-heatmap", "download-bars", "time-series-upload", "time-series-download", "latency", "breakdown"] {
            XCTAssertGreaterThan(marks(try chart(lan, name)), 0, name)
            XCTAssertGreaterThan(marks(try chart(wan, name)), 0, name)
        }
        XCTAssertEqual(marks(try chart(wan, "time-series-upload")), 3, "the WAN cell's 3 uploads, no LAN point")
        XCTAssertEqual(marks(try chart(wan, "time-series-download")), 3)
        XCTAssertEqual(marks(try chart(lan, "time-series-upload")), 6)
        let wanHeatmap = try chart(wan, "upload-heatmap")
        XCTAssertTrue(wanHeatmap.contains("30.0 MB/s"), String(wanHeatmap))
        XCTAssertFalse(wanHeatmap.contains("500"), "no LAN figure on the WAN's chart")
        XCTAssertTrue(try chart(wan, "download-bars").contains("on network wan"))
        XCTAssertNil(html.range(of: "data-chart=\"scalability-upload\""), "no clients sweep, no scalability chart")
    }

    func testTheBreakdownShowsFourSpansThatAddUp() throws {
        let analysis = AnswerTests.analysis([.init(up: [100, 101, 99], down: [100, 101, 99])])
        let breakdown = try chart(try section(HTMLReport(analysis: analysis, recommendations: []).html, network: ""), "breakdown")
        for span in ["connect", "send", "wait", "receive"] { XCTAssertTrue(breakdown.contains(span), span) }
        // The hand-built requests: sent at 5 ms, answered at 10 ms, done at 100 ms; each row's total is printed.
        XCTAssertTrue(breakdown.contains(">100 ms<"), String(breakdown))
    }

    func testAClientsSweepIsPlottedOnTheAggregateAxisWithItsFit() throws {
        // The hand-built trials each make a repetition of their own: their rates are the aggregate
        // figures, rising then falling over clients 1, 2, 4, 8.
        let analysis = AnswerTests.analysis([
            .init(clients: 1, up: [100, 101, 99]),
            .init(clients: 2, up: [180, 181, 179]),
            .init(clients: 4, up: [260, 262, 258]),
            .init(clients: 8, up: [240, 241, 239]),
        ])
        let html = HTMLReport(analysis: analysis, recommendations: []).html
        let chart = try chart(try section(html, network: ""), "scalability-upload")
        XCTAssertEqual(marks(chart), 4, "one point per client level")
        XCTAssertTrue(chart.contains("class=\"fit\""), "the USL curve is drawn through them")
        XCTAssertTrue(chart.contains("USL λ"), String(chart.prefix(400)))
    }

    /// A search's course, cells × decisions, in its network's section: one mark per verdict after
    /// trials, the choice starred, labels naming only the knobs that vary.
    func testASearchIsDrawnAsCellsByDecisions() throws {
        var analysis = AnswerTests.analysis([
            .init(part: 20 << 20, parallel: 4, up: [100, 101, 99]),
            .init(part: 20 << 20, parallel: 8, up: [150, 151, 149]),
            .init(part: 64 << 20, parallel: 8, up: [120]),
        ])
        analysis.run.searchStrategy = .halving
        func verdict(_ cell: Int64, _ rung: Int, _ rounds: Int, _ verdict: SearchVerdict, _ median: Double) -> SearchVerdictRow {
            SearchVerdictRow(runId: 1, cellId: cell, rung: rung, rounds: rounds, verdict: verdict, reason: "r", median: median,
                             low: median - 1, high: median + 1, level: 0.75, decidedAt: 0)
        }
        analysis.searchVerdicts = [verdict(1, 1, 1, .kept, 100), verdict(2, 1, 1, .kept, 150), verdict(3, 1, 1, .dropped, 120),
                                   verdict(1, 2, 3, .dropped, 100), verdict(2, 2, 3, .kept, 150)]
        let chart = try chart(try section(HTMLReport(analysis: analysis, recommendations: []).html, network: ""), "search")
        XCTAssertEqual(marks(chart), 5)
        XCTAssertTrue(chart.contains("cell 2 part=20MiB par=8 ★"), String(chart))
        XCTAssertFalse(chart.contains("retry="), "knobs that do not vary are not named")
        XCTAssertTrue(chart.contains("decision 2 (3 rd)"))
    }
}
