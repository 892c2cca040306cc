@testable import Analysis
import Model
import Results
import XCTest

/// Connect, send, wait and receive add up to each request's total, whatever order the milestones
/// came in, and their means add up to the mean total.
final class TimeBreakdownTests: XCTestCase {
    func attempt(connect: Double = 0, tls: Double = 0, sent: Double?, firstByte: Double, total: Double) -> AttemptRow {
        AttemptRow(runId: 1, cellId: 1, trialId: 1, phase: .parts, operation: .uploadPart, method: .put, bucket: "b", key: "k",
                   partNumber: 1, attempt: 1, status: 200, errorClass: nil, bytesSent: 0, bytesReceived: 0, dns: 0,
                   connect: connect, tls: tls, sent: sent, firstByte: firstByte, total: total, reused: connect == 0, startedAt: 0)
    }

    func testAnUploadSpendsItsTimeSendingThenWaiting() {
        let spans = TimeBreakdown(attempt(connect: 0.08, tls: 0.02, sent: 0.6, firstByte: 1.1, total: 1.12))
        XCTAssertEqual(spans.connect, 0.10, accuracy: 1e-9)
        XCTAssertEqual(spans.send, 0.50, accuracy: 1e-9)
        XCTAssertEqual(spans.wait, 0.50, accuracy: 1e-9, "the store's 0.5 s before answering is waiting, not transfer")
        XCTAssertEqual(spans.receive, 0.02, accuracy: 1e-9)
        XCTAssertEqual(spans.total, 1.12, accuracy: 1e-9)
    }

    func testMilestonesOutOfOrderStillAddUp() {
        // An early answer (a 403 before the body is all sent), a failure with no answer, an old row without a send time.
        for row in [attempt(sent: 0.9, firstByte: 0.2, total: 1.0), attempt(connect: 0.1, sent: 0.5, firstByte: 0, total: 2.0),
                    attempt(connect: 0.1, sent: nil, firstByte: 0.3, total: 0.4), attempt(connect: 0.5, sent: 0.2, firstByte: 0.1, total: 0.3)] {
            let spans = TimeBreakdown(row)
            XCTAssertEqual(spans.total, row.total, accuracy: 1e-9, "\(row)")
            XCTAssertTrue([spans.connect, spans.send, spans.wait, spans.receive].allSatisfy { $0 >= 0 }, "\(spans)")
        }
        let failed = TimeBreakdown(attempt(connect: 0.1, sent: 0.5, firstByte: 0, total: 2.0))
        XCTAssertEqual(failed.wait, 1.5, accuracy: 1e-9, "no answer: waited until the end")
    }

    func testMeansAddUpToTheMeanTotal() throws {
        let rows = [attempt(connect: 0.1, sent: 0.3, firstByte: 0.5, total: 0.9), attempt(sent: 0.2, firstByte: 0.25, total: 0.3),
                    attempt(sent: 0.1, firstByte: 0.7, total: 0.8)]
        let mean = try XCTUnwrap(TimeBreakdown.mean(rows))
        XCTAssertEqual(mean.total, (0.9 + 0.3 + 0.8) / 3, accuracy: 1e-9)
        XCTAssertEqual(mean.wait, (0.2 + 0.05 + 0.6) / 3, accuracy: 1e-9)
    }
}
