@testable import Analysis
import XCTest

/// One network at a time: the run's summary names the best cells of each played network, never a
/// LAN cell as the best over WAN ones.
final class PerNetworkSummaryTests: XCTestCase {
    func testTheBestCellsArePerNetwork() throws {
        let analysis = AnswerTests.analysis([
            .init(part: 20 << 20, network: "lan", up: [500, 505, 498]),
            .init(part: 64 << 20, network: "lan", up: [450, 452, 449]),
            .init(part: 20 << 20, network: "wan", up: [30, 31, 29]),
            .init(part: 64 << 20, network: "wan", up: [60, 61, 59]),
        ])
        let summary = RunSummary(analysis)
        XCTAssertEqual(summary.networks, ["lan", "wan"])
        XCTAssertEqual(summary.bestUpload(network: "lan")?.cellId, 1)
        XCTAssertEqual(summary.bestUpload(network: "wan")?.cellId, 4, "the WAN's own best, though every LAN cell was faster")
        XCTAssertNil(summary.bestUpload, "no single best across networks")
        XCTAssertNil(summary.noBestReason)
    }
}
