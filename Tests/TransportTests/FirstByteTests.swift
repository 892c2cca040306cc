import Foundation
import TestSupport
import Transport
import XCTest

/// First-byte time is the arrival of the answer's first byte, for uploads too: a server that waits
/// 0.5 s after the body before answering shows ≥ 0.5 s (libcurl's start-transfer time would show
/// when sending began, about 0).
final class FirstByteTests: XCTestCase {
    let transport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    func testUploadFirstByteWaitsForTheAnswer() async throws {
        let server = try SlowAnswerServer(delay: 0.5)
        let body = [UInt8](repeating: 7, count: 1 << 20)
        let response = try await transport.send(HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(server.port)/object",
                                                             body: .bytes(body), timeouts: Timeouts(connect: .seconds(5), stall: .seconds(5))))
        XCTAssertEqual(response.status, 200)
        XCTAssertGreaterThanOrEqual(response.metrics.firstByteTime, 0.5, "\(response.metrics)")
        XCTAssertGreaterThanOrEqual(response.metrics.totalTime, response.metrics.firstByteTime)
        // The body went before the server's wait: sending ends ≥ 0.5 s ahead of the answer.
        XCTAssertGreaterThan(response.metrics.sentTime, 0, "\(response.metrics)")
        XCTAssertLessThanOrEqual(response.metrics.sentTime + 0.5, response.metrics.firstByteTime, "\(response.metrics)")
    }

    func testARequestWithoutABodyIsSentWhenItStarts() async throws {
        let server = try SlowAnswerServer(delay: 0.5)
        let response = try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/object",
                                                             timeouts: Timeouts(connect: .seconds(5), stall: .seconds(5))))
        XCTAssertGreaterThan(response.metrics.sentTime, 0, "\(response.metrics)")
        XCTAssertLessThanOrEqual(response.metrics.sentTime + 0.5, response.metrics.firstByteTime, "\(response.metrics)")
    }
}
