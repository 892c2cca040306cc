import Foundation
import Model
import Results

/// The faults and waits a run measured on its path to the store: what retries and timeouts are
/// sized from (`RiskModel`) and what `scoretune network --from-run` writes as a profile to play.
///
/// It reads the requests that crossed the path: every request of the run's trials when the client
/// makes them all (multipart mode, or Score's server behind the same network), otherwise the part
/// transfers (PUTs and ranged GETs), which are the client's: Score's server sits beside its store,
/// and its ListParts checks and markers never cross the played network.
public struct PathFaults: Sendable {
    /// Attempts read.
    public var attempts: Int
    /// Distinct requests per object moved (retries not counted): what one object risks.
    public var requestsPerObject: Double
    /// Attempts that failed, by class (only the classes a path causes: no 4xx, no cancellation).
    public var failures: [ErrorClass: Int]
    /// Answers 503 and other 5xx among the attempts.
    public var slowDowns: Int
    public var serverErrors: Int
    /// Connections opened (attempts on a new connection), and connects that failed.
    public var newConnections: Int
    public var connectFailures: Int
    /// Healthy new connects, seconds, with the played network's round trip added (the proxy
    /// answers the handshake on this machine: the played path's own handshake is one RTT more).
    public var connects: [Double]
    /// The played network's round trip, seconds (0 for a real path).
    public var playedRoundTrip: Double
    /// Silences, stalls and fast failures per attempt, for sizing the timeouts.
    public var silences: RiskModel.Silences
    /// A silence this long, or longer, in a request of its operation counts as a stall.
    var stallThresholds: [StoreOperation: Double]
    /// MiB moved both ways by the attempts read.
    public var mebibytes: Double
    /// Resets seen (connection-reset attempts).
    public var resets: Int
    /// Faults the run's proxy logged (0 on a real path).
    public var injected: Int
    /// Healthy GETs' wait for the first byte once sent, seconds: the round trip plus the store's time.
    public var answerWaits: [Double]
    /// Per-connection rates of healthy part transfers, bytes per second.
    public var transferRates: [Double]

    /// Every request of the trials was read (not only the part transfers): Score's server calls
    /// crossed the path too.
    public var allRequests: Bool
    /// Seconds per GiB of the run's successful measured transfers on this path: what redoing a
    /// failed object costs.
    public var objectSecondsPerGiB: Double

    /// The retry back-off, seconds: the first wait and the most any wait grows to (it doubles).
    public var backoff: (base: Double, max: Double)

    /// The client saw something a retry or a timeout is for: a failed attempt or a stall. (The
    /// proxy's own log does not count: an operator's real path has none.)
    public var sawFaults: Bool { !failures.isEmpty || !silences.stalls.isEmpty || silences.censoredStalls > 0 }

    /// A stall is a silence over five times its operation's median silence, and at least half a second.
    public static let stallFactor = 5.0
    public static let stallMinimum = 0.5

    /// The path of one network's cells (nil: straight to the store): the played profile, when the
    /// run played one, says its round trip and whether Score's server calls crossed it too.
    public static func of(_ analysis: RunAnalysis, network: String?, options: RecommendOptions) -> PathFaults {
        let profile = network.flatMap { options.playedNetworks[$0] }
        return PathFaults(analysis.restricted(toNetwork: network), playedRoundTrip: (profile?.rttMilliseconds ?? 0) / 1000,
                          allRequests: analysis.run.mode == .multipart || profile == nil || profile!.carriesServerCalls,
                          backoffSeconds: Double(options.backoffBaseMilliseconds) / 1000, backoffMaxSeconds: Double(options.backoffMaxMilliseconds) / 1000)
    }

    /// - Parameters:
    ///   - playedRoundTrip: the played network's RTT in seconds (0 for a real path).
    ///   - allRequests: whether every request crossed the path, not only the part transfers.
    ///   - backoffSeconds: the back-off a retry pays first; `backoffMaxSeconds` the most it grows to.
    public init(_ analysis: RunAnalysis, playedRoundTrip: Double, allRequests: Bool, backoffSeconds: Double, backoffMaxSeconds: Double = 5) {
        backoff = (backoffSeconds, max(backoffSeconds, backoffMaxSeconds))
        let read = analysis.attempts.filter { row in
            guard row.trialId != nil, row.errorClass != .cancelled, row.errorClass != .clientError else { return false }
            return allRequests || (row.operation.isPartTransfer && row.phase == .parts)
        }
        attempts = read.count
        self.allRequests = allRequests
        self.playedRoundTrip = playedRoundTrip
        let moved = analysis.trials.filter { !$0.warmup && $0.succeeded }
        let gib = Double(moved.reduce(Int64(0)) { $0 + $1.objectSize }) / Double(1 << 30)
        objectSecondsPerGiB = gib > 0 ? moved.reduce(0) { $0 + $1.duration } / gib : 0
        injected = analysis.faults.count
        var requests = Set<String>()
        var objects = Set<Int64>()
        for row in read {
            requests.insert("\(row.trialId!)|\(row.operation.rawValue)|\(row.partNumber ?? 0)|\(row.key ?? "")")
            objects.insert(row.trialId!)
        }
        requestsPerObject = objects.isEmpty ? 0 : Double(requests.count) / Double(objects.count)
        failures = Dictionary(grouping: read.compactMap(\.errorClass), by: { $0 }).mapValues(\.count)
        slowDowns = read.filter { $0.status == 503 }.count
        serverErrors = read.filter { $0.status >= 500 && $0.status != 503 }.count
        resets = failures[.connectionReset] ?? 0
        let fresh = read.filter { !$0.reused }
        newConnections = fresh.count
        connectFailures = (failures[.connectTimeout] ?? 0) + (failures[.connectionRefused] ?? 0)
        connects = fresh.filter { $0.errorClass == nil && $0.connect > 0 }.map { $0.connect + playedRoundTrip }
        mebibytes = Double(read.reduce(Int64(0)) { $0 + $1.bytesSent + $1.bytesReceived }) / Double(1 << 20)
        answerWaits = read.filter { $0.errorClass == nil && $0.method == .get && $0.firstByte > 0 }
            .map { max(0, $0.firstByte - ($0.sent ?? 0)) }
        transferRates = read.filter { $0.errorClass == nil && $0.operation.isPartTransfer && $0.total > 0 }.compactMap { row in
            let bytes = row.bytesSent + row.bytesReceived
            let moving = row.total - (row.operation.isPartDownload ? row.firstByte : 0)
            return bytes >= 1 << 20 && moving > 0 ? Double(bytes) / moving : nil
        }

        // A request's silence: its longest gap once connected; rows before v10 have only the wait
        // for the answer.
        func silence(_ row: AttemptRow) -> Double { row.silence ?? max(0, row.firstByte - (row.sent ?? 0)) }
        var thresholds: [StoreOperation: Double] = [:]
        for (operation, rows) in Dictionary(grouping: read, by: \.operation) {
            let median = Percentile.median(rows.filter { $0.errorClass == nil }.map(silence)) ?? 0
            thresholds[operation] = max(Self.stallMinimum, Self.stallFactor * median)
        }
        stallThresholds = thresholds
        var healthy: [Double] = [], stalls: [Double] = []
        var fast = 0, blackHoles = 0
        var cutAt: [Double] = []
        // Each attempt counts once: a failure by what ended it, a success by its silence.
        for row in read {
            let quiet = silence(row)
            switch row.errorClass {
            case .stallTimeout?, .totalTimeout?:
                cutAt.append(quiet)  // cut by the run's own timeout: only "longer than that" is known
            case .connectTimeout?:
                blackHoles += 1
            case .some:
                fast += 1
            case nil where quiet >= thresholds[row.operation] ?? Self.stallMinimum:
                stalls.append(quiet)
            case nil:
                healthy.append(quiet)
            }
        }
        let attemptSeconds = Percentile.median(read.filter { $0.errorClass == nil }.map(\.total)) ?? 0
        silences = RiskModel.Silences(healthy: healthy, stalls: stalls, censoredLengths: cutAt, attempts: read.count,
                                      fastFailures: fast, connectTimeouts: blackHoles, attemptSeconds: attemptSeconds, backoffSeconds: backoffSeconds)
    }
}
