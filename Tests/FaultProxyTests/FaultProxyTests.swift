import FaultProxy
import Foundation
import Model
import ObjectStore
import TestSupport
import Transport
import XCTest

/// The proxy in front of the real SeaweedFS: added latency, bandwidth caps and faults, measured.
final class FaultProxyTests: XCTestCase {
    let transport = CurlTransport()
    override func tearDown() { transport.shutdown() }

    /// A proxy to the local SeaweedFS and an S3 client that goes through it.
    func throughProxy(_ profile: NetworkProfile, timeouts: Timeouts = Timeouts(connect: .seconds(5), stall: .seconds(30)),
                      onFault: @escaping @Sendable (InjectedFault) -> Void = { _ in })
        async throws -> (FaultProxy, S3Client, S3Client, String) {
        let (direct, settings) = try LocalBackend.seaweedfs.client(transport: transport)
        let endpoint = S3Endpoint(settings.endpoint)!
        let proxy = FaultProxy(profile: profile, upstreamHost: endpoint.host, upstreamPort: endpoint.port, onFault: onFault)
        let port = try await proxy.start()
        let signer = S3Signer(credentials: S3Credentials(accessKey: settings.accessKey, secretKey: settings.secretKey), mode: .v4(region: "us-east-1"))
        let proxied = S3Client(endpoint: S3Endpoint("http://127.0.0.1:\(port)")!, signer: signer, transport: transport, timeouts: timeouts)
        return (proxy, direct, proxied, settings.objectBucket)
    }

    func testRoundTripTimeAddsToTheFirstByte() async throws {
        var profile = NetworkProfile()
        profile.rttMilliseconds = 100
        let (proxy, direct, proxied, bucket) = try await throughProxy(profile)
        defer { Task { try? await proxy.stop() } }
        func firstBytes(_ s3: S3Client) async throws -> Double {
            _ = try await s3.getObject(bucket: bucket, key: "data/heliograph")  // connection set up
            var times: [Double] = []
            for _ in 0..<5 { times.append(try await s3.getObject(bucket: bucket, key: "data/heliograph").metrics.firstByteTime) }
            return times.sorted()[2]
        }
        let added = try await firstBytes(proxied) - (try await firstBytes(direct))
        XCTAssertEqual(added * 1000, 100, accuracy: 10, "the configured RTT, within 10%")
    }

    func testBandwidthCapPerConnectionAndShared() async throws {
        let key = testPrefix() + "64MiB"
        let (_, setup) = try LocalBackend.seaweedfs.client(transport: transport)
        let (direct, _) = try LocalBackend.seaweedfs.client(transport: transport)
        try await direct.putObject(bucket: setup.objectBucket, key: key, body: testBytes(count: 40 << 20, seed: 1))
        addTeardownBlock { [transport] in
            let (s3, settings) = try LocalBackend.seaweedfs.client(transport: transport)
            try await s3.deleteObject(bucket: settings.objectBucket, key: key)
        }
        func rate(_ profile: NetworkProfile, streams: Int) async throws -> Double {
            let (proxy, _, proxied, bucket) = try await throughProxy(profile)
            defer { Task { try? await proxy.stop() } }
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<streams {
                    group.addTask { _ = try await proxied.getObject(bucket: bucket, key: key, sink: DiscardingSink()) }
                }
                try await group.waitForAll()
            }
            let elapsed = started.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return Double(streams * (40 << 20)) / seconds / 1e6
        }
        var capped = NetworkProfile()
        capped.bandwidthPerConnection = 50e6
        let one = try await rate(capped, streams: 1)
        XCTAssertTrue((45...52).contains(one), "one stream at a 50 MB/s cap: \(one) MB/s")
        let two = try await rate(capped, streams: 2)
        XCTAssertTrue((88...104).contains(two), "two streams scale: \(two) MB/s")
        capped.bandwidthTotal = 60e6
        let shared = try await rate(capped, streams: 2)
        XCTAssertTrue((54...63).contains(shared), "two streams under a 60 MB/s shared cap: \(shared) MB/s")
    }

    func testResetAndRefuseAreInjectedAndLogged() async throws {
        let log = FaultLog()
        var resets = NetworkProfile()
        resets.faults.resetPerMiB = 1
        let key = testPrefix() + "8MiB"
        let (proxy, direct, proxied, bucket) = try await throughProxy(resets, onFault: log.add)
        try await direct.putObject(bucket: bucket, key: key, body: testBytes(count: 8 << 20, seed: 2))
        do {
            _ = try await proxied.getObject(bucket: bucket, key: key, sink: DiscardingSink())
            XCTFail("a reset per MiB let 8 MiB through")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .connectionReset, "\(error)")
        }
        try await direct.deleteObject(bucket: bucket, key: key)
        try await proxy.stop()
        XCTAssertEqual(log.events.map(\.kind), [.reset])

        var refusals = NetworkProfile()
        refusals.faults.refusePerConnection = 1
        let (refusing, _, refused, _) = try await throughProxy(refusals, onFault: log.add)
        do {
            _ = try await refused.getObject(bucket: bucket, key: "data/heliograph")
            XCTFail("a refused connection answered")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .connectionReset, "\(error)")
        }
        try await refusing.stop()
        XCTAssertEqual(log.events.last?.kind, .refuse)

        var holes = NetworkProfile()
        holes.faults.blackholePerConnection = 1
        let (hole, _, waiting, _) = try await throughProxy(holes, timeouts: Timeouts(connect: .seconds(2), stall: .milliseconds(500)),
                                                           onFault: log.add)
        do {
            _ = try await waiting.getObject(bucket: bucket, key: "data/heliograph")
            XCTFail("a black hole answered")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .stallTimeout, "connected, then nothing: \(error)")
        }
        try await hole.stop()
        XCTAssertEqual(log.events.last?.kind, .blackhole)
    }

    func testStallDelaysTheTransferPastAStallTimeout() async throws {
        var stalls = NetworkProfile()
        stalls.faults.stallPerMiB = 1
        stalls.faults.stallMilliseconds = [3_000]
        let key = testPrefix() + "4MiB"
        let (proxy, direct, impatient, bucket) = try await throughProxy(stalls, timeouts: Timeouts(connect: .seconds(5), stall: .seconds(1)))
        defer { Task { try? await proxy.stop() } }
        try await direct.putObject(bucket: bucket, key: key, body: testBytes(count: 4 << 20, seed: 3))
        addTeardownBlock { try await direct.deleteObject(bucket: bucket, key: key) }
        do {
            _ = try await impatient.getObject(bucket: bucket, key: key, sink: DiscardingSink())
            XCTFail("a 3 s stall passed a 1 s stall timeout")
        } catch let error as TransportError {
            XCTAssertEqual(error.kind, .stallTimeout, "\(error)")
        }
    }

    func testSlowDownAndInternalErrorAnswersAreS3Errors() async throws {
        let log = FaultLog()
        var profile = NetworkProfile()
        profile.faults.slowDownPerRequest = 1
        let (proxy, _, proxied, bucket) = try await throughProxy(profile, onFault: log.add)
        do {
            // A PUT with a body: the proxy swallows the body and answers for the store.
            try await proxied.putObject(bucket: bucket, key: testPrefix() + "never", body: testBytes(count: 300_000, seed: 4))
            XCTFail("a 503 profile let a PUT through")
        } catch let error as S3Error {
            XCTAssertEqual(error.status, 503)
            XCTAssertEqual(error.code, "SlowDown")
        }
        try await proxy.stop()
        var errors = NetworkProfile()
        errors.faults.errorPerRequest = 1
        let (failing, _, failed, _) = try await throughProxy(errors, onFault: log.add)
        do {
            _ = try await failed.getObject(bucket: bucket, key: "data/heliograph")
            XCTFail("a 500 profile let a GET through")
        } catch let error as S3Error {
            XCTAssertEqual(error.status, 500)
            XCTAssertEqual(error.code, "InternalError")
        }
        try await failing.stop()
        XCTAssertEqual(log.events.map(\.kind), [.slowDown, .serverError])
    }
}

final class FaultLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [InjectedFault] = []
    var events: [InjectedFault] { lock.withLock { stored } }
    func add(_ event: InjectedFault) { lock.withLock { stored.append(event) } }
}
