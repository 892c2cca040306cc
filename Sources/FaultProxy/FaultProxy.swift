import Foundation
import Model
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP proxy on 127.0.0.1 that plays a network between a client and its store: one-way delay
/// (RTT/2 each way, jitter without reordering), bandwidth per connection and shared, and faults
/// (reset, stall, refuse) drawn from a seeded generator. It owns one event-loop thread; every
/// connection pair lives on it.
public final class FaultProxy: Sendable {
    public let profile: NetworkProfile
    public let upstreamHost: String
    public let upstreamPort: Int
    private let group: MultiThreadedEventLoopGroup
    private let state: NIOLockedValueBox<(channel: Channel?, connections: Int)>
    private let shared: SharedLinks
    private let onFault: @Sendable (InjectedFault) -> Void

    public init(profile: NetworkProfile, upstreamHost: String, upstreamPort: Int,
                onFault: @escaping @Sendable (InjectedFault) -> Void = { _ in }) {
        self.profile = profile
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
        self.onFault = onFault
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        state = NIOLockedValueBox((nil, 0))
        shared = SharedLinks(profile.bandwidthTotal)
    }

    /// Reads grow up to 1 MiB: at GB/s, NIO's default 64 KiB ceiling means a read call per 64 KiB.
    static let reads = AdaptiveRecvByteBufferAllocator(minimum: 64 << 10, initial: 256 << 10, maximum: 1 << 20)

    /// Listens on 127.0.0.1 (port 0: any free port); returns the port.
    public func start(port: Int = 0) async throws -> Int {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: FaultProxy.reads)
            .childChannelInitializer { [self] inbound in
                let id = state.withLockedValue { $0.connections += 1; return $0.connections }
                return accept(inbound, id: id)
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        state.withLockedValue { $0.channel = channel }
        return channel.localAddress?.port ?? port
    }

    /// The listening port once started.
    public var port: Int? { state.withLockedValue { $0.channel?.localAddress?.port } }

    public func stop() async throws {
        let channel = state.withLockedValue { $0.channel }
        try? await channel?.close().get()
        try await group.shutdownGracefully()
    }

    private func accept(_ inbound: Channel, id: Int) -> EventLoopFuture<Void> {
        var dice = FaultDice(seed: profile.seed &+ UInt64(id) &* 0x9E37_79B9)
        if profile.faults.refusePerConnection > 0, dice.roll() < profile.faults.refusePerConnection {
            onFault(InjectedFault(time: Date().timeIntervalSince1970, connection: id, kind: .refuse, bytesMoved: 0))
            resetAndClose(inbound)
            return inbound.eventLoop.makeSucceededVoidFuture()
        }
        if profile.faults.blackholePerConnection > 0, dice.roll() < profile.faults.blackholePerConnection {
            // Accepted, never read, never forwarded, never closed by us: the client's timeouts decide.
            onFault(InjectedFault(time: Date().timeIntervalSince1970, connection: id, kind: .blackhole, bytesMoved: 0))
            return inbound.eventLoop.makeSucceededVoidFuture()
        }
        let pair = ConnectionPair(id: id, profile: profile, shared: shared, dice: dice, eventLoop: inbound.eventLoop, onFault: onFault)
        return ClientBootstrap(group: inbound.eventLoop)
            .channelOption(.autoRead, value: false)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: FaultProxy.reads)
            .connectTimeout(.seconds(10))
            .channelInitializer { outbound in
                outbound.pipeline.addHandler(RelayHandler(pair: pair, side: .store))
            }
            .connect(host: upstreamHost, port: upstreamPort)
            .flatMap { outbound in
                pair.attach(client: inbound, store: outbound)
                return inbound.pipeline.addHandler(RelayHandler(pair: pair, side: .client))
            }
            .flatMapError { _ in inbound.close() }
    }
}

/// The shared caps, one per direction.
final class SharedLinks: Sendable {
    let toStore: Pacer?
    let toClient: Pacer?
    init(_ bytesPerSecond: Double?) {
        toStore = bytesPerSecond.map(Pacer.init)
        toClient = bytesPerSecond.map(Pacer.init)
    }
}
