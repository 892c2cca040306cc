import GRDB
import Model

/// One `faults` row: a fault the proxy injected into a played network.
public struct FaultRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "faults"

    public var runId: Int64
    public var cellId: Int64?
    /// Seconds since 1970.
    public var time: Double
    /// The proxy's connection number within the cell.
    public var connection: Int
    public var kind: InjectedFault.Kind
    /// Bytes that connection had moved when it happened.
    public var bytesMoved: Int64

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", cellId = "cell_id", time, connection, kind, bytesMoved = "bytes_moved"
    }

    public init(runId: Int64, cellId: Int64?, time: Double, connection: Int, kind: InjectedFault.Kind, bytesMoved: Int64) {
        (self.runId, self.cellId, self.time, self.connection, self.kind, self.bytesMoved) = (runId, cellId, time, connection, kind, bytesMoved)
    }
}
