import GRDB
import Model

/// One `attempts` row: one HTTP request and its timings, retries included.
public struct AttemptRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "attempts"

    public var runId: Int64
    /// nil for the run's own requests outside any cell (probes, the final clean-up).
    public var cellId: Int64?
    public var trialId: Int64?
    public var phase: TransferPhase?
    public var operation: StoreOperation
    public var method: HTTPMethod
    public var bucket: String?
    public var key: String?
    public var partNumber: Int?
    /// 1 for the first try.
    public var attempt: Int
    /// HTTP status; 0 when no answer came.
    public var status: Int
    /// nil on success.
    public var errorClass: ErrorClass?
    public var bytesSent: Int64
    public var bytesReceived: Int64
    /// Seconds from the request's start: name lookup, TCP connect and TLS done (0 on a reused connection).
    public var dns: Double
    public var connect: Double
    public var tls: Double
    /// Seconds from the request's start until its last byte was handed to the connection: the
    /// body's last byte, or the headers' for a request without a body (nil before v7).
    public var sent: Double?
    /// Seconds from the request's start to the first byte of the answer (its status line).
    public var firstByte: Double
    public var total: Double
    /// The longest time, once connected, no byte moved either way (seconds; nil before v10): the
    /// store's answer wait or a stall, what a read timeout would have to outlast.
    public var silence: Double?
    /// The request went over a connection already open.
    public var reused: Bool
    /// Seconds since 1970.
    public var startedAt: Double

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", cellId = "cell_id", trialId = "trial_id", phase, operation, method, bucket, key
        case partNumber = "part_number", attempt, status, errorClass = "error_class", bytesSent = "bytes_sent"
        case bytesReceived = "bytes_received", dns = "dns_s", connect = "connect_s", tls = "tls_s", sent = "sent_s", firstByte = "first_byte_s"
        case total = "total_s", silence = "longest_silence_s", reused, startedAt = "started_at"
    }

    public init(runId: Int64, cellId: Int64?, trialId: Int64?, phase: TransferPhase?, operation: StoreOperation, method: HTTPMethod,
                bucket: String?, key: String?, partNumber: Int?, attempt: Int, status: Int, errorClass: ErrorClass?,
                bytesSent: Int64, bytesReceived: Int64, dns: Double, connect: Double, tls: Double, sent: Double?, firstByte: Double,
                total: Double, silence: Double? = nil, reused: Bool, startedAt: Double) {
        (self.runId, self.cellId, self.trialId, self.phase, self.operation, self.method) = (runId, cellId, trialId, phase, operation, method)
        (self.bucket, self.key, self.partNumber, self.attempt, self.status) = (bucket, key, partNumber, attempt, status)
        (self.errorClass, self.bytesSent, self.bytesReceived) = (errorClass, bytesSent, bytesReceived)
        (self.dns, self.connect, self.tls, self.sent, self.firstByte, self.total, self.silence) = (dns, connect, tls, sent, firstByte, total, silence)
        (self.reused, self.startedAt) = (reused, startedAt)
    }
}
