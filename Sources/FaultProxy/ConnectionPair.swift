import Foundation
import Model
import NIOCore

enum Side { case client, store }

/// One proxied connection: the client's channel and the store's, and everything the profile does
/// between them. Used on its event loop only, and each entry point checks that it is.
/// Sendable: every entry point checks it runs on `eventLoop` (`assertInEventLoop`), where all its state lives.
final class ConnectionPair: @unchecked Sendable {
    let id: Int
    private let profile: NetworkProfile
    private let eventLoop: EventLoop
    private let onFault: @Sendable (InjectedFault) -> Void
    private var dice: FaultDice
    private var client: Channel?
    private var store: Channel?
    private let ownToStore: Pacer?, ownToClient: Pacer?
    private let sharedToStore: Pacer?, sharedToClient: Pacer?
    /// Per direction (indexed by the side that sent): when its last chunk is due, bytes in flight.
    private var lastDue: [Side: UInt64] = [.client: 0, .store: 0]
    private var pending: [Side: Int] = [.client: 0, .store: 0]
    private var starved: [Side: Bool] = [.client: false, .store: false]
    private var stalledUntil: UInt64 = 0
    private var sinceRoll = 0
    private var moved: Int64 = 0
    private var closed = false
    /// A request went on to the store whose answer is to be lost.
    private var loseNextAnswer = false
    /// TCP's start on a played round trip (see `tcpStart`): when the client connected, and per
    /// direction when its first byte left and how many bytes have left since.
    private var openedAt: UInt64 = 0
    private var flowStarted: [Side: UInt64] = [:]
    private var flowBytes: [Side: Int] = [.client: 0, .store: 0]

    /// TCP's initial congestion window (RFC 6928: 10 segments of 1460 bytes).
    static let initialWindow = 10.0 * 1460

    /// Reading stops while this much is queued in one direction (the proxy's memory bound).
    static let highWater = 4 << 20
    static let mebibyte = 1 << 20

    init(id: Int, profile: NetworkProfile, shared: SharedLinks, dice: FaultDice, eventLoop: EventLoop,
         onFault: @escaping @Sendable (InjectedFault) -> Void) {
        self.id = id
        self.profile = profile
        self.dice = dice
        self.eventLoop = eventLoop
        self.onFault = onFault
        ownToStore = profile.bandwidthPerConnection.map(Pacer.init)
        ownToClient = profile.bandwidthPerConnection.map(Pacer.init)
        sharedToStore = shared.toStore
        sharedToClient = shared.toClient
    }

    func attach(client: Channel, store: Channel) {
        eventLoop.assertInEventLoop()
        self.client = client
        self.store = store
        openedAt = eventLoop.now.uptimeNanoseconds
    }

    /// The earliest a chunk can leave on a new TCP connection over the played round trip: not
    /// before the handshake's round trip is over, and in slow start — the window opens at
    /// `initialWindow` and doubles each round trip, so `n` bytes take log2(n / window + 1) round
    /// trips — until the bandwidth pacers take over. This is what a client starting fresh
    /// connections per object pays (connections: per-object) and a warm pool does not. (A real
    /// stack also restarts slow start after idle; that is left out.)
    func tcpStart(_ bytes: Int, from side: Side, due: UInt64) -> UInt64 {
        guard profile.rttMilliseconds > 0 else { return due }
        let rtt = profile.rttMilliseconds * 1e6
        var earliest = max(due, openedAt + UInt64(rtt * 1.5))
        let started = flowStarted[side] ?? earliest
        flowStarted[side] = started
        flowBytes[side]! += bytes
        let roundTrips = log2(Double(flowBytes[side]!) / Self.initialWindow + 1) - 1
        if roundTrips > 0 { earliest = max(earliest, started + UInt64(roundTrips * rtt)) }
        return earliest
    }

    private func channel(_ side: Side) -> Channel? { side == .client ? client : store }
    private func other(_ side: Side) -> Side { side == .client ? .store : .client }

    /// Bytes arrived from `side`. Requests the profile answers itself (503/500) are taken out here;
    /// the rest goes on toward the other side.
    func received(_ buffer: ByteBuffer, from side: Side) {
        eventLoop.assertInEventLoop()
        guard !closed else { return }
        if side == .store, loseNextAnswer {
            // The store has answered a request whose answer the network loses.
            log(.lostAnswer)
            reset()
            return
        }
        if side == .client, framer != nil {
            var forward = ByteBuffer()
            let answered = framer!.take(buffer, forwardInto: &forward)
            for kind in answered {
                if kind == .lostAnswer { loseNextAnswer = true } else { answer(kind) }
            }
            if forward.readableBytes > 0 { deliver(forward, from: side) } else { channel(side)?.read() }
            return
        }
        deliver(buffer, from: side)
    }

    /// The framer that finds request boundaries, when the profile answers some requests itself.
    /// Its decision holds the pair weakly: the pair holds the framer, and a strong hold back kept
    /// every such pair, its two channels and their receive buffers alive for good (found by the
    /// soak: memory grew 3 MiB a second on a path that resets and answers 503).
    private lazy var framer: RequestFramer? = {
        let faults = profile.faults
        guard faults.slowDownPerRequest > 0 || faults.errorPerRequest > 0 || faults.lostAnswerPerRequest > 0 else { return nil }
        return RequestFramer { [weak self] in
            guard let self else { return nil }
            let roll = self.dice.roll()
            if roll < faults.slowDownPerRequest { return .slowDown }
            if roll < faults.slowDownPerRequest + faults.errorPerRequest { return .serverError }
            if roll < faults.slowDownPerRequest + faults.errorPerRequest + faults.lostAnswerPerRequest { return .lostAnswer }
            return nil
        }
    }()

    /// Answers a swallowed request as S3 does, one round trip later.
    private func answer(_ kind: InjectedFault.Kind) {
        log(kind)
        let (status, code, message) = kind == .slowDown
            ? ("503 Slow Down", "SlowDown", "Please reduce your request rate.")
            : ("500 Internal Server Error", "InternalError", "We encountered an internal error. Please try again.")
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message><RequestId>scoretune-proxy-\(id)</RequestId></Error>"
        let head = "HTTP/1.1 \(status)\r\nContent-Type: application/xml\r\nContent-Length: \(body.utf8.count)\r\nx-amz-request-id: scoretune-proxy-\(id)\r\n\r\n"
        var written = ByteBuffer()
        written.writeString(head + body)
        let buffer = written
        let due = max(eventLoop.now.uptimeNanoseconds + UInt64(profile.rttMilliseconds * 1e6), lastDue[.store]!)
        lastDue[.store] = due
        eventLoop.scheduleTask(deadline: .uptimeNanoseconds(due)) { [self] in
            guard !closed else { return }
            client?.writeAndFlush(buffer, promise: nil)
        }
    }

    /// Sends bytes on toward the other side when the network says so.
    private func deliver(_ buffer: ByteBuffer, from side: Side) {
        guard let target = channel(other(side)) else { return }
        let now = eventLoop.now.uptimeNanoseconds
        let bytes = buffer.readableBytes
        var due = now + UInt64(profile.rttMilliseconds / 2 * 1e6)
        if profile.jitterMilliseconds > 0 { due += UInt64(dice.roll() * profile.jitterMilliseconds * 1e6) }
        due = max(due, stalledUntil)
        due = tcpStart(bytes, from: side, due: due)
        let own = side == .client ? ownToStore : ownToClient
        let shared = side == .client ? sharedToStore : sharedToClient
        // The chunk needs room on its own link and on the shared one at the same time (two token
        // buckets), both reserved from when it could first leave; bytes still leave in order.
        let start = due
        if let own { due = max(due, own.reserve(bytes, now: start)) }
        if let shared { due = max(due, shared.reserve(bytes, now: start)) }
        due = max(due, lastDue[side]!)
        lastDue[side] = due
        pending[side]! += bytes
        moved += Int64(bytes)

        if due <= now {
            target.writeAndFlush(buffer, promise: nil)
            delivered(bytes, from: side)
        } else {
            eventLoop.scheduleTask(deadline: .uptimeNanoseconds(due)) { [self] in
                guard !closed else { return }
                target.writeAndFlush(buffer, promise: nil)
                delivered(bytes, from: side)
            }
        }
        if pending[side]! < Self.highWater { channel(side)?.read() } else { starved[side] = true }
        rollFaults(bytes, now: now)
    }

    private func delivered(_ bytes: Int, from side: Side) {
        pending[side]! -= bytes
        if starved[side]!, pending[side]! < Self.highWater {
            starved[side] = false
            channel(side)?.read()
        }
    }

    private func rollFaults(_ bytes: Int, now: UInt64) {
        let faults = profile.faults
        guard faults.resetPerMiB > 0 || faults.stallPerMiB > 0 else { return }
        sinceRoll += bytes
        while sinceRoll >= Self.mebibyte && !closed {
            sinceRoll -= Self.mebibyte
            if faults.resetPerMiB > 0, dice.roll() < faults.resetPerMiB {
                log(.reset)
                reset()
                return
            }
            if faults.stallPerMiB > 0, dice.roll() < faults.stallPerMiB {
                log(.stall)
                let lengths = faults.stallMilliseconds
                let length = lengths.count > 1 ? lengths[min(lengths.count - 1, Int(dice.roll() * Double(lengths.count)))] : lengths.first ?? 0
                stalledUntil = max(stalledUntil, now) + UInt64(length * 1e6)
            }
        }
    }

    private func log(_ kind: InjectedFault.Kind) {
        onFault(InjectedFault(time: Date().timeIntervalSince1970, connection: id, kind: kind, bytesMoved: moved))
    }

    /// Both sides get an RST: SO_LINGER 0, then close.
    private func reset() {
        closed = true
        for channel in [client, store].compactMap({ $0 }) { resetAndClose(channel) }
    }

    /// One side closed: the other closes once what is already on its way has been delivered.
    func closedSide(_ side: Side) {
        eventLoop.assertInEventLoop()
        guard !closed else { return }
        let target = other(side)
        let due = lastDue[side]!
        let close: @Sendable () -> Void = { [self] in
            closed = true
            channel(target)?.close(promise: nil)
        }
        if due <= eventLoop.now.uptimeNanoseconds { close() } else {
            eventLoop.scheduleTask(deadline: .uptimeNanoseconds(due + 1)) { close() }
        }
    }

    func failed() {
        eventLoop.assertInEventLoop()
        guard !closed else { return }
        closed = true
        client?.close(promise: nil)
        store?.close(promise: nil)
    }
}

/// Hands what one channel reads to the pair.
/// Sendable: NIO calls it on its channel's event loop only, which is the pair's loop.
final class RelayHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let pair: ConnectionPair
    let side: Side

    init(pair: ConnectionPair, side: Side) {
        self.pair = pair
        self.side = side
    }

    /// Reading is manual (autoRead off): the first read once the channel is up, later ones as the
    /// queue toward the other side drains.
    func channelActive(context: ChannelHandlerContext) {
        context.read()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pair.received(unwrapInboundIn(data), from: side)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pair.closedSide(side)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        pair.failed()
    }
}

/// Closes with an RST instead of a FIN: SO_LINGER on with a zero timeout.
func resetAndClose(_ channel: Channel) {
    guard let provider = channel as? SocketOptionProvider else { return channel.close(promise: nil) }
    provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
}
