import GRDB
import Model

/// One `cells` row: a grid point of a run, its knob values, and how far it got.
/// The knobs are the scenario's own `Knobs`, stored flat in the row's columns (one type from
/// scenario to row to report).
public struct CellRow: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "cells"

    private var rowID: Int64?
    public var id: Int64 { get { rowID ?? 0 } set { rowID = newValue } }
    public var runId: Int64
    /// Order of execution (seeded shuffle).
    public var position: Int
    public var knobs: Knobs
    public var status: CellStatus
    /// Seconds since 1970: when the cell last started and finished.
    public var startedAt: Double?
    public var finishedAt: Double?
    /// Measured repetitions complete (rounds, in interleaved order): a resumed run goes on from here.
    public var roundsDone: Int = 0

    public init(runId: Int64, position: Int, knobs: Knobs, status: CellStatus = .pending) {
        (self.runId, self.position, self.knobs, self.status) = (runId, position, knobs, status)
    }

    enum CodingKeys: String, CodingKey {
        case rowID = "id", runId = "run_id", position, status, startedAt = "started_at", finishedAt = "finished_at"
        case roundsDone = "rounds_done"
    }

    /// A knob's column, as the knob table names it (see Schema for units and meaning).
    struct KnobColumn: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ knob: Knob) { stringValue = knob.column }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }

        static let uploadPartSize = KnobColumn(.uploadPartSize), downloadPartSize = KnobColumn(.downloadPartSize)
        static let retryLimit = KnobColumn(.retryLimit), connectTimeout = KnobColumn(.connectTimeout)
        static let stallTimeout = KnobColumn(.stallTimeout), parallel = KnobColumn(.parallel), clients = KnobColumn(.clients)
        static let network = KnobColumn(.network), blockSize = KnobColumn(.blockSize), connections = KnobColumn(.connections)
        static let workers = KnobColumn(.workers)
    }

    public init(from decoder: Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        let k = try decoder.container(keyedBy: KnobColumn.self)
        rowID = try row.decodeIfPresent(Int64.self, forKey: .rowID)
        runId = try row.decode(Int64.self, forKey: .runId)
        position = try row.decode(Int.self, forKey: .position)
        status = try row.decode(CellStatus.self, forKey: .status)
        startedAt = try row.decodeIfPresent(Double.self, forKey: .startedAt)
        finishedAt = try row.decodeIfPresent(Double.self, forKey: .finishedAt)
        roundsDone = try row.decodeIfPresent(Int.self, forKey: .roundsDone) ?? 0
        knobs = Knobs(uploadPartSize: try k.decode(Int64.self, forKey: .uploadPartSize),
                      downloadPartSize: try k.decodeIfPresent(Int64.self, forKey: .downloadPartSize),
                      retryLimit: try k.decode(Int.self, forKey: .retryLimit),
                      connectTimeoutMilliseconds: try k.decode(Int64.self, forKey: .connectTimeout),
                      stallTimeoutMilliseconds: try k.decode(Int64.self, forKey: .stallTimeout),
                      parallel: try k.decode(Int.self, forKey: .parallel), clients: try k.decode(Int.self, forKey: .clients),
                      network: try k.decodeIfPresent(String.self, forKey: .network),
                      blockSize: try k.decodeIfPresent(Int64.self, forKey: .blockSize),
                      connections: try k.decodeIfPresent(ConnectionReuse.self, forKey: .connections) ?? .warm,
                      workers: try k.decodeIfPresent(Int.self, forKey: .workers))
    }

    public func encode(to encoder: Encoder) throws {
        var row = encoder.container(keyedBy: CodingKeys.self)
        try row.encodeIfPresent(rowID, forKey: .rowID)
        try row.encode(runId, forKey: .runId)
        try row.encode(position, forKey: .position)
        try row.encode(status, forKey: .status)
        try row.encodeIfPresent(startedAt, forKey: .startedAt)
        try row.encodeIfPresent(finishedAt, forKey: .finishedAt)
        try row.encode(roundsDone, forKey: .roundsDone)
        var k = encoder.container(keyedBy: KnobColumn.self)
        try k.encode(knobs.uploadPartSize, forKey: .uploadPartSize)
        try k.encode(knobs.downloadPartSize, forKey: .downloadPartSize)
        try k.encode(knobs.retryLimit, forKey: .retryLimit)
        try k.encode(knobs.connectTimeoutMilliseconds, forKey: .connectTimeout)
        try k.encode(knobs.stallTimeoutMilliseconds, forKey: .stallTimeout)
        try k.encode(knobs.parallel, forKey: .parallel)
        try k.encode(knobs.clients, forKey: .clients)
        try k.encode(knobs.network, forKey: .network)
        try k.encode(knobs.blockSize, forKey: .blockSize)
        try k.encode(knobs.connections, forKey: .connections)
        try k.encode(knobs.workers, forKey: .workers)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { rowID = inserted.rowID }

    /// Bytes one transfer in flight buffers: the part, or on Azure the larger of a block and a range.
    public var bufferSize: Int64 { max(knobs.uploadPartSize, knobs.blockSize ?? 0) }
}
