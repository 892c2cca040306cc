/// Which connections a cell's client requests may reuse: the scenario's `connections` knob,
/// `cells.connections`. The store's own side (Score's server) always keeps its connections.
public enum ConnectionReuse: String, Codable, Sendable, CaseIterable, Comparable {
    /// One pool for the whole run: a long-lived client moving many objects (score-client with a
    /// manifest, a gateway). Leaves out connection set-up and TCP slow start.
    case warm
    /// Fresh connections for every object's transfer, reused among its parts: a score-client
    /// started per file, which pays set-up and slow start once per object.
    case perObject = "per-object"
    /// A fresh connection for every request: a client without keep-alive (curl per part).
    case perRequest = "per-request"

    public static func < (a: ConnectionReuse, b: ConnectionReuse) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
