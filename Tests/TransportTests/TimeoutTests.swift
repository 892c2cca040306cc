import Foundation
import TestSupport
import Transport
import XCTest

/// Each way a request can fail to get an answer surfaces as its own error kind, within its limit.
/// All against sockets on 127.0.0.1 made to misbehave.
final class TimeoutTests: XCTestCase {
    let transport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    func expectFailure(_ url: String, timeouts: Timeouts) async -> (TransportError?, Double) {
        let start = Date()
        do {
            _ = try await transport.send(HTTPRequest(method: "GET", url: url, timeouts: timeouts))
            return (nil, Date().timeIntervalSince(start))
        } catch {
            return (error as? TransportError, Date().timeIntervalSince(start))
        }
    }

    func testClosedPortIsRefused() async throws {
        let port = try closedLoopbackPort()
        let (error, elapsed) = await expectFailure("http://127.0.0.1:\(port)/", timeouts: Timeouts(connect: .seconds(5)))
        XCTAssertEqual(error?.kind, .connectionRefused, "\(String(describing: error))")
        XCTAssertLessThan(elapsed, 2)
    }

    func testSilentServerHitsTheStallTimeout() async throws {
        let server = try LoopbackListener()
        let (error, elapsed) = await expectFailure("http://127.0.0.1:\(server.port)/",
                                                   timeouts: Timeouts(connect: .seconds(5), stall: .milliseconds(600)))
        XCTAssertEqual(error?.kind, .stallTimeout, "\(String(describing: error))")
        XCTAssertGreaterThanOrEqual(elapsed, 0.55)
        XCTAssertLessThan(elapsed, 3)
    }

    func testOverallLimitIsItsOwnKind() async throws {
        let server = try LoopbackListener()
        let (error, elapsed) = await expectFailure("http://127.0.0.1:\(server.port)/",
                                                   timeouts: Timeouts(connect: .seconds(5), stall: nil, total: .milliseconds(700)))
        XCTAssertEqual(error?.kind, .totalTimeout, "\(String(describing: error))")
        XCTAssertGreaterThanOrEqual(elapsed, 0.65)
        XCTAssertLessThan(elapsed, 3)
    }

    func testFullAcceptQueueHitsTheConnectTimeout() async throws {
        let server = try LoopbackListener(backlog: 0)
        try XCTSkipUnless(server.fillAcceptQueue(), "the kernel kept accepting connections")
        let (error, elapsed) = await expectFailure("http://127.0.0.1:\(server.port)/",
                                                   timeouts: Timeouts(connect: .milliseconds(800), stall: .milliseconds(200)))
        XCTAssertEqual(error?.kind, .connectTimeout, "\(String(describing: error))")
        XCTAssertEqual(error?.metrics.connectTime, 0)
        XCTAssertGreaterThanOrEqual(elapsed, 0.75)
        XCTAssertLessThan(elapsed, 3)
    }

    func testCancellationEndsTheRequest() async throws {
        let server = try LoopbackListener()
        let task = Task { [transport] in
            try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/",
                                                 timeouts: Timeouts(connect: .seconds(5), stall: .seconds(30))))
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("a cancelled request returned")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .cancelled)
        }
    }
}
