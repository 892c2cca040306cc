/// Plain rows, one struct per table, as the runner hands them over.

public struct RunRow: Sendable {
    public var id: Int64 = 0
    public var scenarioName: String
    public var scenarioPath: String
    public var scenarioText: String
    public var envPath: String
    public var mode: String
    public var toolVersion: String
    public var host: String
    public var backendEndpoint: String
    public var backendServer: String?
    public var configHash: String
    public var orderSeed: Int64
    public var startedAt: Double
    public var finishedAt: Double?
    public var status: String

    public init(scenarioName: String, scenarioPath: String, scenarioText: String, envPath: String, mode: String,
                toolVersion: String, host: String, backendEndpoint: String, backendServer: String?, configHash: String,
                orderSeed: Int64, startedAt: Double, status: String) {
        self.scenarioName = scenarioName
        self.scenarioPath = scenarioPath
        self.scenarioText = scenarioText
        self.envPath = envPath
        self.mode = mode
        self.toolVersion = toolVersion
        self.host = host
        self.backendEndpoint = backendEndpoint
        self.backendServer = backendServer
        self.configHash = configHash
        self.orderSeed = orderSeed
        self.startedAt = startedAt
        self.status = status
    }
}

public struct CellRow: Sendable, Equatable {
    public var id: Int64 = 0
    public var runId: Int64
    public var position: Int
    public var uploadPartSize: Int64
    public var downloadPartSize: Int64?
    public var retryLimit: Int
    public var connectTimeoutMs: Int64
    public var stallTimeoutMs: Int64
    public var parallel: Int
    public var clients: Int
    public var network: String?
    /// Azure only: the client's block size for uploads (S3 cells: nil).
    public var blockSize: Int64?
    public var status: String

    public init(runId: Int64, position: Int, uploadPartSize: Int64, downloadPartSize: Int64?, retryLimit: Int,
                connectTimeoutMs: Int64, stallTimeoutMs: Int64, parallel: Int, clients: Int, network: String? = nil,
                blockSize: Int64? = nil, status: String = "pending") {
        self.runId = runId
        self.position = position
        self.uploadPartSize = uploadPartSize
        self.downloadPartSize = downloadPartSize
        self.retryLimit = retryLimit
        self.connectTimeoutMs = connectTimeoutMs
        self.stallTimeoutMs = stallTimeoutMs
        self.parallel = parallel
        self.clients = clients
        self.network = network
        self.blockSize = blockSize
        self.status = status
    }
}

public struct TrialRow: Sendable {
    public var id: Int64
    public var runId: Int64
    public var cellId: Int64
    public var repetition: Int
    public var warmup: Bool
    public var direction: String
    public var objectIndex: Int
    public var objectKey: String
    public var objectSize: Int64
    public var partSize: Int64
    public var parts: Int
    public var startedAt: Double
    public var duration: Double
    public var outcome: String
    public var errorClass: String?
    public var error: String?
    public var retries: Int
    /// Phase times in seconds: upload (initiate, parts, finalize, state cleanup); download uses parts only.
    public var initiate: Double?
    public var partsTime: Double?
    public var finalize: Double?
    public var stateCleanup: Double?
    /// CPU seconds the whole process used while the trial ran (user, system).
    public var cpuUser: Double?
    public var cpuSystem: Double?

    public init(id: Int64, runId: Int64, cellId: Int64, repetition: Int, warmup: Bool, direction: String, objectIndex: Int,
                objectKey: String, objectSize: Int64, partSize: Int64, parts: Int, startedAt: Double, duration: Double,
                outcome: String, errorClass: String?, error: String?, retries: Int, initiate: Double?, partsTime: Double?,
                finalize: Double?, stateCleanup: Double?, cpuUser: Double? = nil, cpuSystem: Double? = nil) {
        self.id = id
        self.runId = runId
        self.cellId = cellId
        self.repetition = repetition
        self.warmup = warmup
        self.direction = direction
        self.objectIndex = objectIndex
        self.objectKey = objectKey
        self.objectSize = objectSize
        self.partSize = partSize
        self.parts = parts
        self.startedAt = startedAt
        self.duration = duration
        self.outcome = outcome
        self.errorClass = errorClass
        self.error = error
        self.retries = retries
        self.initiate = initiate
        self.partsTime = partsTime
        self.finalize = finalize
        self.stateCleanup = stateCleanup
        self.cpuUser = cpuUser
        self.cpuSystem = cpuSystem
    }
}

public struct AttemptRow: Sendable {
    public var runId: Int64
    public var cellId: Int64?
    public var trialId: Int64?
    public var phase: String?
    public var operation: String
    public var method: String
    public var bucket: String?
    public var key: String?
    public var partNumber: Int?
    public var attempt: Int
    public var status: Int
    public var errorClass: String?
    public var bytesSent: Int64
    public var bytesReceived: Int64
    public var dns: Double
    public var connect: Double
    public var tls: Double
    public var firstByte: Double
    public var total: Double
    public var reused: Bool
    public var startedAt: Double

    public init(runId: Int64, cellId: Int64?, trialId: Int64?, phase: String?, operation: String, method: String,
                bucket: String?, key: String?, partNumber: Int?, attempt: Int, status: Int, errorClass: String?,
                bytesSent: Int64, bytesReceived: Int64, dns: Double, connect: Double, tls: Double, firstByte: Double,
                total: Double, reused: Bool, startedAt: Double) {
        self.runId = runId
        self.cellId = cellId
        self.trialId = trialId
        self.phase = phase
        self.operation = operation
        self.method = method
        self.bucket = bucket
        self.key = key
        self.partNumber = partNumber
        self.attempt = attempt
        self.status = status
        self.errorClass = errorClass
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.firstByte = firstByte
        self.total = total
        self.reused = reused
        self.startedAt = startedAt
    }
}

/// Something the run created in the store (or is about to): what `clean` may remove.
public struct CreatedRow: Sendable, Equatable {
    public enum Kind: String, Sendable { case object, upload, prefix }
    public var id: Int64 = 0
    public var runId: Int64
    public var cellId: Int64?
    public var kind: Kind
    public var bucket: String
    public var key: String
    public var uploadId: String?

    public init(runId: Int64, cellId: Int64?, kind: Kind, bucket: String, key: String, uploadId: String? = nil) {
        self.runId = runId
        self.cellId = cellId
        self.kind = kind
        self.bucket = bucket
        self.key = key
        self.uploadId = uploadId
    }
}

/// A fault the proxy injected.
public struct FaultRow: Sendable {
    public var runId: Int64
    public var cellId: Int64?
    public var time: Double
    public var connection: Int
    public var kind: String
    public var bytesMoved: Int64

    public init(runId: Int64, cellId: Int64?, time: Double, connection: Int, kind: String, bytesMoved: Int64) {
        self.runId = runId
        self.cellId = cellId
        self.time = time
        self.connection = connection
        self.kind = kind
        self.bytesMoved = bytesMoved
    }
}
