@testable import Analysis
import Model
import Results
import XCTest

/// The three aggregate figures of a merged run, on hand-built transfers whose answers can be worked
/// out by hand, and the alignment on barrier releases that keeps a skewed clock out of them.
final class DistributedThroughputTests: XCTestCase {
    let cell: CellRow = {
        var cell = CellRow(runId: 1, position: 0, knobs: Knobs(uploadPartSize: 20 << 20, downloadPartSize: nil, retryLimit: 5,
                                                              connectTimeoutMilliseconds: 15_000, stallTimeoutMilliseconds: 60_000,
                                                              parallel: 4, clients: 1), status: .done)
        cell.id = 1
        return cell
    }()

    /// One upload of 10 MB by `worker` from `start` to `end` (seconds) in round 0.
    func transfer(_ worker: Int, _ start: Double, _ end: Double, id: Int) -> TrialRow {
        var row = TrialRow(id: Int64(id), runId: 1, cellId: 1, repetition: 1, warmup: false, direction: .upload, objectIndex: id,
                           objectKey: "k\(id)", objectSize: 10_000_000, partSize: 20 << 20, parts: 1, startedAt: start,
                           duration: end - start, errorClass: nil, error: nil, retries: 0)
        row.round = 0
        row.worker = worker
        return row
    }

    func barrier(_ worker: Int, offset: Double) -> BarrierRow {
        BarrierRow(runId: 1, worker: worker, name: "0.0", cellId: 1, arrivedAt: 0, releasedAt: offset, polls: 1, stop: false, offset: offset)
    }

    /// Two workers, two transfers each, back to back: worker 0 moves 10 MB in [0, 1] and [1, 2];
    /// worker 1 in [0, 2] and [2, 4]. The warp window runs from the last first finish (2) to the
    /// first last start (1): empty, so the all-active window [0, 2] is used: worker 0's 20 MB and
    /// worker 1's first 10 MB, 30 MB in 2 s. Stonewall: the fastest ends at 2, the same 15 MB/s.
    /// Pessimistic: 40 MB over 4 s.
    func testWindowStonewallAndPessimisticByHand() throws {
        let trials = [transfer(0, 0, 1, id: 1), transfer(0, 1, 2, id: 2), transfer(1, 0, 2, id: 3), transfer(1, 2, 4, id: 4)]
        let figures = try DistributedThroughput.figures(.memory(trials), barriers: [], cells: [cell])
        let upload = try XCTUnwrap(figures.first)
        XCTAssertEqual(upload.workers, 2)
        XCTAssertEqual(upload.windowRule, .allActive)
        XCTAssertEqual(try XCTUnwrap(upload.windowMBps), 15, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(upload.windowCoverage), 0.5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(upload.stonewallMBps), 15, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(upload.pessimisticMBps), 10, accuracy: 1e-9)
    }

    /// With three transfers each the warp window opens: worker 0 moves in [0,1], [1,2], [2,3];
    /// worker 1 in [0,1.5], [1.5,3], [3,4.5]. First finishes 1 and 1.5: from 1.5; last starts 2
    /// and 3: to 2. In that half second worker 0 moves half of its second object (5 MB) and worker 1
    /// a third of its second (10/3 MB).
    func testTheWarpWindowWhenEveryWorkerHasSeveralTransfers() throws {
        let trials = [transfer(0, 0, 1, id: 1), transfer(0, 1, 2, id: 2), transfer(0, 2, 3, id: 3),
                      transfer(1, 0, 1.5, id: 4), transfer(1, 1.5, 3, id: 5), transfer(1, 3, 4.5, id: 6)]
        let upload = try XCTUnwrap(try DistributedThroughput.figures(.memory(trials), barriers: [], cells: [cell]).first)
        XCTAssertEqual(upload.windowRule, .warp)
        XCTAssertEqual(try XCTUnwrap(upload.windowMBps), (5 + 10.0 / 3) / 0.5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(upload.windowCoverage), 0.5 / 4.5, accuracy: 1e-9)
    }

    /// Worker 1's clock runs 3 s ahead: its barrier release reads 3 s later. Aligned on the barrier,
    /// the figures are those of the first test; unaligned, the pessimistic span would be 7 s.
    func testAWorkersClockSkewIsTakenOutThroughItsBarrierOffset() throws {
        let trials = [transfer(0, 0, 1, id: 1), transfer(0, 1, 2, id: 2), transfer(1, 3, 5, id: 3), transfer(1, 5, 7, id: 4)]
        let aligned = try XCTUnwrap(try DistributedThroughput.figures(.memory(trials), barriers: [barrier(0, offset: 0), barrier(1, offset: 3)],
                                                                  cells: [cell]).first)
        XCTAssertEqual(try XCTUnwrap(aligned.pessimisticMBps), 10, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(aligned.windowMBps), 15, accuracy: 1e-9)
        let unaligned = try XCTUnwrap(try DistributedThroughput.figures(.memory(trials), barriers: [], cells: [cell]).first)
        XCTAssertEqual(try XCTUnwrap(unaligned.pessimisticMBps), 40.0 / 7, accuracy: 1e-9)
    }

    func testReleaseSkewIsTheSpreadOfReleasesPerBarrier() {
        let skew = DistributedThroughput.releaseSkew([barrier(0, offset: 10.0), barrier(1, offset: 10.08), barrier(2, offset: 10.02)])
        XCTAssertEqual(skew["0.0"] ?? -1, 0.08, accuracy: 1e-9)
    }
}
