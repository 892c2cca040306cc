@testable import Analysis
import Foundation
import Model
@testable import Reports
import Results
import XCTest

/// The report's pieces without a run: the decision block's paragraph and its failure form, compact
/// labels from the knob table, and the request kinds latencies are grouped by.
final class ReportPiecesTests: XCTestCase {
    static func knobs(part: Int64 = 20 << 20, parallel: Int = 4, block: Int64? = nil, network: String? = nil, workers: Int? = nil) -> Knobs {
        var knobs = Knobs(uploadPartSize: part, downloadPartSize: nil, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                          stallTimeoutMilliseconds: 60_000, parallel: parallel, clients: 1)
        (knobs.blockSize, knobs.network, knobs.workers) = (block, network, workers)
        return knobs
    }

    func testCompactLabelsNameOnlyWhatVaries() {
        let cells = [Self.knobs(part: 5 << 20, parallel: 1), Self.knobs(part: 5 << 20, parallel: 4), Self.knobs(part: 20 << 20, parallel: 4)]
        let labels = CompactLabels(cells)
        XCTAssertEqual(cells.map(labels.label), ["part=5MiB par=1", "part=5MiB par=4", "part=20MiB par=4"])
        XCTAssertEqual(CompactLabels([cells[0]]).label(cells[0]), "(the only cell)")
    }

    func testCompactLabelsSayDirectAndAzureRangesAndWorkers() {
        let cells = [Self.knobs(block: 8 << 20, network: nil, workers: 1), Self.knobs(block: 8 << 20, network: "wan", workers: 2)]
        let labels = CompactLabels(cells)
        XCTAssertEqual(cells.map(labels.label), ["net=direct workers=1", "net=wan workers=2"], "a workers sweep is told apart")
        let azure = [Self.knobs(part: 8 << 20, block: 4 << 20), Self.knobs(part: 16 << 20, block: 4 << 20)]
        XCTAssertEqual(azure.map(CompactLabels(azure).label), ["range=8MiB", "range=16MiB"], "on Azure UPLOAD_PARTSIZE is the download range")
    }

    func testRequestKindsFollowPhaseAndOperation() {
        XCTAssertEqual(RequestKind(phase: .parts, operation: .uploadPart), .partPut)
        XCTAssertEqual(RequestKind(phase: .parts, operation: .putBlock), .blockPut)
        XCTAssertEqual(RequestKind(phase: .parts, operation: .getBlob), .rangedGet)
        XCTAssertEqual(RequestKind(phase: .parts, operation: .listParts), .partCheck, "Score's server checks each part during the parts phase")
        XCTAssertEqual(RequestKind(phase: .finalize, operation: .completeMultipartUpload), .finalize)
        XCTAssertEqual(RequestKind(phase: nil, operation: .deleteObject), .cleanup)
        XCTAssertEqual(Set(RequestKind.allCases.map(\.rawValue)).count, RequestKind.allCases.count)
    }

    func testTheDecisionParagraphNamesTheCellItsIntervalAndTheRunnerUp() throws {
        let recommendation = try CautionBadgeTests.recommendation(with: [])
        let block = DecisionBlock(network: "wan", recommendation: .success(recommendation), runStatus: .completed)
        let reason = block.reason(recommendation)
        XCTAssertTrue(reason.hasPrefix("Cell \(recommendation.chosen.cellId)"), reason)
        XCTAssertTrue(reason.contains("chosen for upload"), reason)
        XCTAssertTrue(reason.contains("the runner-up, cell \(recommendation.runnerUp!.cellId)"), reason)
        XCTAssertTrue(reason.hasSuffix("."))
        XCTAssertTrue(block.html.contains("<h2>Set these on network wan</h2>"), block.html)
        XCTAssertTrue(block.html.contains("data-chosen-cell=\"\(recommendation.chosen.cellId)\""))
        XCTAssertTrue(block.html.contains("UPLOAD_PARTSIZE=\(recommendation.decision.partSize)"), "the copyable block holds the settings")
    }

    func testNoRecommendationSaysWhyInsteadOfSettings() {
        struct Why: Error, CustomStringConvertible { var description = "no cell meets the <constraints>" }
        let html = DecisionBlock(network: nil, recommendation: .failure(Why()), runStatus: .interrupted).html
        XCTAssertTrue(html.contains("<h2>No recommendation</h2>"), html)
        XCTAssertTrue(html.contains("no cell meets the &lt;constraints&gt;"), "escaped: \(html)")
        XCTAssertFalse(html.contains("Set these"))
    }

    func testEveryCautionHasASentenceFromItsValues() {
        for (caution, _, _) in CautionBadgeTests.samples {
            XCTAssertFalse(caution.text.isEmpty)
            XCTAssertFalse(caution.text.contains("\n"))
        }
        XCTAssertEqual(Caution.incompleteRun(runId: 3, status: .interrupted, cellsDone: 1, cells: 4).text,
                       "run 3 is interrupted: 1 of 4 cells completed their repetitions; the others count with the trials they have (finish with --resume 3)")
        XCTAssertTrue(Caution.clientSaturated(cells: [1, 2], worst: CautionBadgeTests.saturation, worstCell: 2, storeOnThisMachine: nil).text
            .hasPrefix("the client, not the store, may have been the limit in cells 1, 2: "))
    }
}

/// What the JSON documents carry stays as it was, with fields only added: setting names are the
/// names the files use, and a run's summary carries its findings beside their sentences.
final class TypedJSONTests: XCTestCase {
    func testSettingNamesEncodeAsTheFilesNames() throws {
        let recommendation = try CautionBadgeTests.recommendation(with: [])
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(recommendation)) as! [String: Any]
        let names = (object["settings"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        XCTAssertTrue(names.contains("UPLOAD_PARTSIZE") && names.contains("UPLOAD_CONNECTIONTIMEOUT"), "\(names)")
        let client = (object["clientProperties"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        XCTAssertTrue(client.contains("transport.parallel") && client.contains("client.connectTimeoutSeconds"), "\(client)")
        XCTAssertEqual(object["profile"] as? String, "s3")
        XCTAssertEqual(SettingName.client(.azureBlockSize).description, "azure.blockSize")
    }

    func testARunSummaryCarriesFindingsBesideItsCautions() throws {
        let analysis = MeasurementHygieneTests.analysis([
            .init(cell: 1, round: 0, rate: 100, session: 1), .init(cell: 2, round: 0, rate: 100, session: 2),
        ])
        let summary = RunSummary(analysis)
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as! [String: Any]
        XCTAssertEqual((object["findings"] as? [[String: String]])?.map { $0["kind"] }, ["resumed"])
        XCTAssertEqual(object["cautions"] as? [String], summary.findings.map(\.text))
    }
}
