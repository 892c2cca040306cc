@testable import Analysis
import Foundation
import Model
@testable import Reports
import Results
import XCTest

/// Every caution has its own badge on the decision page, by what it is, not by its wording: one
/// sample per case (a new case without one fails `testEveryKindHasASample`), and the saturated run
/// that used to show only a generic "caution" now shows "client saturated".
final class CautionBadgeTests: XCTestCase {
    static let saturation = ClientSaturation(hostCPU: 0.97, runnablePerCore: 2.5)

    /// One of each case, with the badge text and tone it must get.
    static let samples: [(Caution, text: String, tone: DecisionBlock.Tone)] = [
        (.incompleteRun(runId: 3, status: .interrupted, cellsDone: 1, cells: 4), "incomplete run", .bad),
        (.loopbackKept(LoopbackEvidence(connectMedian: 0.0001, connections: 12, loopbackHost: "127.0.0.1"), source: "my.env"),
         "loopback: retry and timeouts kept", .warn),
        (.faultFreeKept(attempts: 640, network: "wan", source: "my.env"), "no fault seen: retry and timeouts kept", .warn),
        (.searchFallback, "chosen among set-aside cells", .bad),
        (.clientSaturated(cells: [1, 2], worst: saturation, worstCell: 2, storeOnThisMachine: "127.0.0.1"), "client saturated", .bad),
        (.drift(Drift(direction: .upload, firstRound: 0, lastRound: 2, change: -0.4, cells: 4, agreeing: 4, noise: 0.05)), "drift", .bad),
        (.resumed([.init(session: 1, cells: [1]), .init(session: 2, cells: [2])]), "resumed across sessions", .warn),
    ]

    func testEveryKindHasASample() {
        XCTAssertEqual(Set(Self.samples.map(\.0.kind)), Set(Caution.Kind.allCases))
    }

    /// A recommendation from a plain two-cell run, to carry the findings under test.
    static func recommendation(with findings: [Caution]) throws -> Recommendation {
        var recommendation = try Recommendation.make(MeasurementHygieneTests.analysis([
            .init(cell: 1, round: 0, rate: 100), .init(cell: 1, round: 1, rate: 101),
            .init(cell: 2, round: 0, rate: 80), .init(cell: 2, round: 1, rate: 81),
        ]), options: RecommendOptions())
        recommendation.findings = findings
        return recommendation
    }

    func testEachCautionShowsItsOwnBadge() throws {
        for (caution, text, tone) in Self.samples {
            let block = DecisionBlock(network: nil, recommendation: .success(try Self.recommendation(with: [caution])), runStatus: .completed)
            let badges = block.badges(try Self.recommendation(with: [caution]))
            XCTAssertEqual(badges.count, 2, "the run's status and the caution: \(badges)")
            XCTAssertEqual(badges.last, DecisionBlock.Badge(text: text, kind: tone, tip: caution.text, caution: caution.kind))
            // In the page: the badge names its caution, so the page can be read by what it says.
            XCTAssertTrue(block.html.contains("<span class=\"badge \(tone.rawValue)\" data-caution=\"\(caution.kind.rawValue)\""), "\(caution.kind)")
            XCTAssertTrue(block.html.contains(">\(SVG.escape(text))</span>"), "\(caution.kind)")
            XCTAssertFalse(block.html.contains(">caution</span>"), "no generic badge for \(caution.kind)")
        }
    }

    func testNoCautionIsSaidToo() throws {
        let badges = DecisionBlock(network: nil, recommendation: .success(try Self.recommendation(with: [])), runStatus: .completed)
            .badges(try Self.recommendation(with: []))
        XCTAssertEqual(badges.map(\.text), ["run completed", "no caution"])
    }

    /// The saturated run end to end: its analysis finds the saturation, the recommendation carries
    /// it, and the page's badge says so (it used to fall through to a generic "caution").
    func testASaturatedRunShowsTheClientSaturatedBadge() throws {
        let analysis = MeasurementHygieneTests.analysis([
            .init(cell: 1, round: 0, rate: 100, hostCPU: 0.99, runnable: 4), .init(cell: 1, round: 1, rate: 101, hostCPU: 0.99, runnable: 4),
            .init(cell: 2, round: 0, rate: 80, hostCPU: 0.99, runnable: 4), .init(cell: 2, round: 1, rate: 81, hostCPU: 0.99, runnable: 4),
        ])
        let recommendation = try Recommendation.make(analysis, options: RecommendOptions())
        let html = DecisionBlock(network: nil, recommendation: .success(recommendation), runStatus: .completed).html
        XCTAssertTrue(html.contains("data-caution=\"client-saturated\""), html)
        XCTAssertTrue(html.contains(">client saturated</span>"), html)
    }

    /// JSON carries each finding's kind and severity beside its sentence, and the old `cautions` list.
    func testJSONCarriesKindSeverityAndText() throws {
        let recommendation = try Self.recommendation(with: Self.samples.map(\.0))
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(recommendation)) as! [String: Any]
        let findings = try XCTUnwrap(object["findings"] as? [[String: String]])
        XCTAssertEqual(findings.map { $0["kind"] }, Self.samples.map(\.0.kind.rawValue))
        XCTAssertEqual(findings.map { $0["severity"] }, Self.samples.map(\.0.severity.rawValue))
        XCTAssertEqual(object["cautions"] as? [String], findings.map { $0["text"]! })
    }

    /// The "Set these" box marks kept and modelled values apart from the measured ones: a played
    /// network that showed no fault keeps the file's retry limit and timeouts, and the page says so;
    /// a faulty path's retry limit is marked modelled.
    func testTheSetTheseBoxMarksKeptAndModelledValuesApart() throws {
        var options = RecommendOptions(objective: .upload, current: .init(source: "my.env", retryLimit: 7, connectTimeoutMilliseconds: 20_000))
        var wan = NetworkProfile()
        wan.rttMilliseconds = 80
        options.playedNetworks = ["wan": wan]
        let kept = try Recommendation.make(AnswerTests.analysis([AnswerTests.Cell(network: "wan", up: [200, 201, 199])]), options: options)
        let html = DecisionBlock(network: nil, recommendation: .success(kept), runStatus: .completed).html
        XCTAssertTrue(html.contains("<span class=\"setting kept\" data-basis=\"kept\" title=\"no evidence covers it\">UPLOAD_RETRY_LIMIT=7</span><span class=\"basis kept\">  # kept</span>"), html)
        XCTAssertTrue(html.contains("<span class=\"setting\" data-basis=\"measured\">UPLOAD_PARTSIZE="), html)
        XCTAssertTrue(html.contains("data-basis=\"kept\" title=\"no evidence covers it\">client.readTimeoutSeconds=60</span>"), html)
        XCTAssertTrue(html.contains("data-caution=\"fault-free-kept\""), html)

        let modelled = try Recommendation.make(RiskModelTests.faultyAnalysis(), options: options)
        let page = DecisionBlock(network: nil, recommendation: .success(modelled), runStatus: .completed).html
        XCTAssertTrue(page.contains("data-basis=\"modelled\" title=\"sized from the path's measured failure rate against the stated risk\">UPLOAD_RETRY_LIMIT="), page)
        XCTAssertTrue(page.contains("Marked <span class=\"basis modelled\">modelled</span>"), page)
    }
}
