import Foundation
@testable import MemoryStore
import Transport
import XCTest

/// The test double itself: the server-free tests are only as good as the store they run on, so its
/// wire answers, fault counting and timing are pinned here, against hand-written requests.
final class MemoryStoreTests: XCTestCase {
    let store = MemoryStore(.s3(accessKey: "KEY"))
    lazy var transport = store.transport()
    let auth = HTTPHeader("Authorization", "AWS4-HMAC-SHA256 Credential=KEY/20261207/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00")

    override func setUp() { store.createBucket("b") }

    func send(_ method: String, _ path: String, _ body: [UInt8] = [], headers: [HTTPHeader] = [],
              timeouts: Timeouts = Timeouts(connect: .seconds(1), stall: .seconds(5))) async throws -> HTTPResponse {
        try await transport.send(HTTPRequest(method: method, url: "http://127.0.0.1:9" + path, headers: headers + [auth],
                                             body: body.isEmpty ? .empty : .bytes(body), timeouts: timeouts), sink: nil)
    }

    func testRangesAreAnsweredAsS3Does() async throws {
        _ = try await send("PUT", "/b/k", Array(0..<100))
        let middle = try await send("GET", "/b/k", headers: [HTTPHeader("Range", "bytes=10-19")])
        XCTAssertEqual(middle.status, 206)
        XCTAssertEqual(middle.body, Array(10..<20))
        XCTAssertEqual(middle.header("content-range"), "bytes 10-19/100")
        let tail = try await send("GET", "/b/k", headers: [HTTPHeader("Range", "bytes=90-")])
        XCTAssertEqual(tail.body, Array(90..<100))
        let suffix = try await send("GET", "/b/k", headers: [HTTPHeader("Range", "bytes=-5")])
        XCTAssertEqual(suffix.body, Array(95..<100))
        let beyond = try await send("GET", "/b/k", headers: [HTTPHeader("Range", "bytes=100-200")])
        XCTAssertEqual(beyond.status, 416)
        XCTAssertEqual(ByteRange.parse("bytes=5-2", size: 10), nil)
        XCTAssertEqual(ByteRange.parse("items=1-2", size: 10), nil)
    }

    func testAnonymousAndUnknownKeysAreRefused() async throws {
        let anonymous = try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:9/b?list-type=2"), sink: nil)
        XCTAssertEqual(anonymous.status, 403)
        XCTAssertTrue(anonymous.bodyText.contains("<Code>AccessDenied</Code>"))
        let stranger = try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:9/b?list-type=2&X-Amz-Credential=OTHER%2F2026",
                                                            headers: []), sink: nil)
        XCTAssertTrue(stranger.bodyText.contains("<Code>InvalidAccessKeyId</Code>"), stranger.bodyText)
        let missing = try await send("GET", "/nobucket?list-type=2")
        XCTAssertEqual(missing.status, 404)
    }

    func testABadContentMD5IsBadDigestAndStoresNothing() async throws {
        let response = try await send("PUT", "/b/k", [1, 2, 3], headers: [HTTPHeader("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==")])
        XCTAssertEqual(response.status, 400)
        XCTAssertTrue(response.bodyText.contains("BadDigest"))
        XCTAssertNil(store.object("b", "k"))
    }

    func testFaultsCountEveryMatchingRequestAndFireInTurn() async throws {
        store.inject(MemoryFault(.slowDown, on: .putObject, times: 2, after: 1))
        store.inject(MemoryFault(.reset, on: .putObject, times: 1, after: 2))
        var outcomes: [String] = []
        for i in 0..<5 {
            do { outcomes.append("\(try await send("PUT", "/b/k\(i)", [1]).status)") } catch let error as TransportError {
                outcomes.append(error.kind.rawValue)
            }
        }
        // 1st passes; 2nd and 3rd are 503; the reset, due from the 3rd on, waits its turn (one fault
        // a request) and plays on the 4th; the 5th passes.
        XCTAssertEqual(outcomes, ["200", "503", "503", "connection-reset", "200"])
        XCTAssertEqual(store.log.map(\.operation), Array(repeating: .putObject, count: 5))
        XCTAssertEqual(store.log.compactMap(\.fault), [.slowDown, .slowDown, .reset])
        XCTAssertEqual(store.keys(in: "b"), ["k0", "k4"], "a 503 and a reset act on nothing")
    }

    func testALostAnswerActsAndAFrozenStoreWaitsForTheTimeout() async throws {
        store.inject(MemoryFault(.lostAnswer, on: .putObject))
        do {
            _ = try await send("PUT", "/b/lost", [7])
            XCTFail("the answer was not lost")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .connectionReset)
        }
        XCTAssertEqual(store.object("b", "lost"), [7], "the store acted before the answer was lost")

        store.inject(MemoryFault(.frozen, on: .getObject))
        let started = ContinuousClock.now
        do {
            _ = try await send("GET", "/b/lost", timeouts: Timeouts(connect: .seconds(1), stall: .milliseconds(150)))
            XCTFail("a frozen store answered")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .stallTimeout)
        }
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(150))
    }

    func testAFrozenRequestEndsWhenItsTaskIsCancelled() async throws {
        store.inject(MemoryFault.frozenForever)
        let transport = self.transport, auth = self.auth
        let task = Task {
            try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:9/b/x", headers: [auth],
                                                 timeouts: Timeouts(connect: nil, stall: nil, total: nil)), sink: nil)
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("answered")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .cancelled)
        }
    }

    func testConnectionsAreReusedWithinAPoolAndNotAcrossFreshOnes() async throws {
        _ = try await send("PUT", "/b/a", [1])
        let second = try await send("GET", "/b/a")
        XCTAssertTrue(second.metrics.reusedConnection)
        XCTAssertEqual(transport.connectionsOpened, 1)
        var fresh = TransportOptions()
        fresh.freshConnectionPerRequest = true
        let pool = store.transport(options: fresh)
        for _ in 0..<3 {
            let response = try await pool.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:9/b/a", headers: [auth]), sink: nil)
            XCTAssertFalse(response.metrics.reusedConnection)
        }
        XCTAssertEqual(pool.connectionsOpened, 3)
    }

    func testAPlayedPathTakesItsRoundTripAndBandwidth() async throws {
        store.path = MemoryStore.Path(roundTrip: .milliseconds(20), bytesPerSecond: 10e6)
        let started = ContinuousClock.now
        _ = try await send("PUT", "/b/big", [UInt8](repeating: 1, count: 1_000_000))
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(120), "20 ms + 1 MB at 10 MB/s")
    }
}
