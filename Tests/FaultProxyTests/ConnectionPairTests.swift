import Dispatch
@testable import FaultProxy
import Model
import NIOCore
import NIOEmbedded
import XCTest

/// The proxy's per-connection logic on NIO's EmbeddedChannel: no sockets, no store; bytes in on
/// one side, what comes out on the other, time advanced by hand.
final class ConnectionPairTests: XCTestCase {
    struct Wired {
        let loop: EmbeddedEventLoop
        let client: EmbeddedChannel
        let store: EmbeddedChannel
        let pair: ConnectionPair
        let faults: FaultLog
    }

    final class FaultLog: @unchecked Sendable {  // Sendable: touched only on the embedded loop's thread (the test's)
        var kinds: [InjectedFault.Kind] = []
    }

    func wire(_ profile: NetworkProfile) throws -> Wired {
        let loop = EmbeddedEventLoop()
        let faults = FaultLog()
        let pair = ConnectionPair(id: 1, profile: profile, shared: SharedLinks(profile.bandwidthTotal), dice: FaultDice(seed: 1),
                                  eventLoop: loop, onFault: { faults.kinds.append($0.kind) })
        let client = EmbeddedChannel(loop: loop)
        let store = EmbeddedChannel(loop: loop)
        try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try store.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2)).wait()
        pair.attach(client: client, store: store)
        return Wired(loop: loop, client: client, store: store, pair: pair, faults: faults)
    }

    func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let chunk = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: chunk) }
        return text
    }

    /// Moves the embedded loop's clock — the one the pair reads — `milliseconds` on, running what
    /// it scheduled until then. No test sleeps: time passes only when a test says so.
    func advance(_ loop: EmbeddedEventLoop, milliseconds: Double) {
        loop.advanceTime(by: .nanoseconds(Int64(milliseconds * 1e6)))
    }

    let request = "PUT /b/k HTTP/1.1\r\nHost: s\r\nContent-Length: 5\r\n\r\nhello"

    /// A pair whose profile answers some requests itself (its request framer made) goes away once
    /// nothing holds it: the framer's decision held it strongly, and every such connection, its
    /// channels and their buffers stayed for good (found by the soak: 3 MiB a second).
    func testAPairWithARequestFramerIsReleased() throws {
        var profile = NetworkProfile()
        profile.faults.slowDownPerRequest = 0.5
        weak var released: ConnectionPair?
        try {
            let loop = EmbeddedEventLoop()
            let pair = ConnectionPair(id: 1, profile: profile, shared: SharedLinks(nil), dice: FaultDice(seed: 1), eventLoop: loop, onFault: { _ in })
            let client = EmbeddedChannel(loop: loop), store = EmbeddedChannel(loop: loop)
            try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            try store.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2)).wait()
            pair.attach(client: client, store: store)
            for _ in 0..<4 { pair.received(ByteBuffer(string: request), from: .client) }
            advance(loop, milliseconds: 10)
            pair.failed()
            _ = try client.finish(acceptAlreadyClosed: true)
            _ = try store.finish(acceptAlreadyClosed: true)
            released = pair
        }()
        XCTAssertNil(released, "nothing holds the pair once its channels are closed")
    }

    func testWithoutAProfileBytesPassBothWaysAtOnce() throws {
        let w = try wire(NetworkProfile())
        w.pair.received(buffer(request), from: .client)
        XCTAssertEqual(try written(w.store), request)
        w.pair.received(buffer("HTTP/1.1 200 OK\r\n\r\n"), from: .store)
        XCTAssertEqual(try written(w.client), "HTTP/1.1 200 OK\r\n\r\n")
        XCTAssertEqual(w.faults.kinds, [])
    }

    // The pair reads its event loop's clock, which the embedded loop advances only when told:
    // the times below are exact, whatever the machine is doing.

    /// A new connection's first bytes wait for its handshake: one round trip, then half of one.
    func testAFreshConnectionWaitsForItsHandshake() throws {
        var profile = NetworkProfile()
        profile.rttMilliseconds = 400
        let w = try wire(profile)
        w.pair.received(buffer(request), from: .client)
        advance(w.loop, milliseconds: 599)
        XCTAssertEqual(try written(w.store), "", "nothing leaves before the handshake's round trip and half another")
        advance(w.loop, milliseconds: 1)
        XCTAssertEqual(try written(w.store), request, "at 600 ms exactly")
    }

    /// Once the connection is up, bytes take half the round trip.
    func testDelayHoldsBytesForHalfTheRoundTrip() throws {
        var profile = NetworkProfile()
        profile.rttMilliseconds = 400
        let w = try wire(profile)
        w.pair.received(buffer(request), from: .client)
        advance(w.loop, milliseconds: 650)
        XCTAssertEqual(try written(w.store), request)
        w.pair.received(buffer(request), from: .client)
        advance(w.loop, milliseconds: 199)
        XCTAssertEqual(try written(w.store), "", "nothing leaves before half the round trip")
        advance(w.loop, milliseconds: 1)
        XCTAssertEqual(try written(w.store), request, "200 ms later exactly")
    }

    /// Slow start: the first window (10 segments) goes at once; the next 2 windows a round trip later.
    func testSlowStartOpensTheWindowOneRoundTripAtATime() throws {
        var profile = NetworkProfile()
        profile.rttMilliseconds = 400
        let w = try wire(profile)
        let window = Int(ConnectionPair.initialWindow)
        w.pair.received(ByteBuffer(repeating: 0x61, count: window), from: .client)
        w.pair.received(ByteBuffer(repeating: 0x62, count: 2 * window), from: .client)
        advance(w.loop, milliseconds: 600)
        XCTAssertEqual(try written(w.store).count, window, "the first window after the handshake (600 ms)")
        advance(w.loop, milliseconds: 399)
        XCTAssertEqual(try written(w.store).count, 0, "three windows' bytes need a second round trip")
        advance(w.loop, milliseconds: 1)
        XCTAssertEqual(try written(w.store).count, 2 * window, "…and leave 400 ms after the first")
    }

    func testSlowDownIsAnsweredByTheProxyAndNeverReachesTheStore() throws {
        var profile = NetworkProfile()
        profile.faults.slowDownPerRequest = 1
        let w = try wire(profile)
        w.pair.received(buffer(request), from: .client)
        advance(w.loop, milliseconds: 10)
        XCTAssertEqual(try written(w.store), "")
        let answer = try written(w.client)
        XCTAssertTrue(answer.hasPrefix("HTTP/1.1 503 Slow Down\r\n"), answer)
        XCTAssertTrue(answer.contains("<Code>SlowDown</Code>"), answer)
        XCTAssertEqual(w.faults.kinds, [.slowDown])
    }

    func testLostAnswerReachesTheStoreButNeverTheClient() throws {
        var profile = NetworkProfile()
        profile.faults.lostAnswerPerRequest = 1
        let w = try wire(profile)
        w.pair.received(buffer(request), from: .client)
        XCTAssertEqual(try written(w.store), request, "the store gets the request")
        w.pair.received(buffer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), from: .store)
        w.loop.run()
        XCTAssertEqual(try written(w.client), "", "its answer is lost")
        XCTAssertFalse(w.client.isActive, "the client's connection is reset")
        XCTAssertEqual(w.faults.kinds, [.lostAnswer])
    }
}
