import Model
@testable import Scenario
import XCTest

/// The knob table: one entry per knob, its names unique, its values read back as set, and the
/// grid expanded in its stated order (which the seeded shuffle of every scenario depends on).
final class KnobTableTests: XCTestCase {
    static let sample = Knobs(uploadPartSize: 20 << 20, downloadPartSize: 8 << 20, retryLimit: 3, connectTimeoutMilliseconds: 5_000,
                              stallTimeoutMilliseconds: 30_000, parallel: 4, clients: 2, network: "wan", blockSize: 4 << 20,
                              connections: .perRequest, workers: 2)

    func testNamesAreUniqueAndTheExpansionCoversEveryKnob() {
        XCTAssertEqual(Set(Knob.allCases.map(\.gridKey)).count, Knob.allCases.count)
        XCTAssertEqual(Set(Knob.allCases.map(\.column)).count, Knob.allCases.count)
        XCTAssertEqual(Set(Knob.allCases.map { $0.labelName(azure: false) }).count, Knob.allCases.count)
        XCTAssertEqual(Set(Knob.expansionOrder), Set(Knob.allCases))
        XCTAssertEqual(Knob.expansionOrder.count, Knob.allCases.count)
    }

    func testEveryKnobSetsWhatItReads() {
        for knob in Knob.allCases {
            var blank = Knobs(uploadPartSize: 1, downloadPartSize: nil, retryLimit: 0, connectTimeoutMilliseconds: 1,
                              stallTimeoutMilliseconds: 1, parallel: 1, clients: 1)
            knob.set(knob.value(in: Self.sample), in: &blank)
            XCTAssertEqual(knob.value(in: blank), knob.value(in: Self.sample), "\(knob)")
        }
    }

    func testLabelsFollowTheTable() {
        XCTAssertEqual(Self.sample.label, "net=wan block=4MiB range=20MiB dl=8MiB par=4 clients=2 retry=3 connect=5s stall=30s conn=per-request workers=2")
        var s3 = Self.sample
        (s3.blockSize, s3.network, s3.downloadPartSize, s3.connections, s3.workers) = (nil, nil, nil, .warm, nil)
        XCTAssertEqual(s3.label, "part=20MiB par=4 clients=2 retry=3 connect=5s stall=30s")
    }

    /// Outer knobs first: part size outermost, then (multipart) download size, retry, …, workers innermost.
    func testTheGridExpandsOuterKnobsFirst() throws {
        let scenario = try ScenarioLoader.parse(text: """
            mode: multipart
            objects: {sizes: [64MiB], count: 1}
            grid: {UPLOAD_PARTSIZE: [8MiB, 16MiB], UPLOAD_RETRY_LIMIT: [1, 2], parallel: [1, 2]}
            """, path: "order.yaml")
        let defaults = Knobs(uploadPartSize: 20 << 20, downloadPartSize: nil, retryLimit: 5, connectTimeoutMilliseconds: 15_000,
                             stallTimeoutMilliseconds: 60_000, parallel: 6, clients: 1)
        let cells = try scenario.cells(defaults: defaults)
        XCTAssertEqual(cells.map { "\($0.uploadPartSize >> 20)/\($0.retryLimit)/\($0.parallel)" },
                       ["8/1/1", "8/1/2", "8/2/1", "8/2/2", "16/1/1", "16/1/2", "16/2/1", "16/2/2"])
        XCTAssertEqual(cells.map(\.downloadPartSize), cells.map(\.uploadPartSize), "a plain client's ranges default to its part size")
    }
}
