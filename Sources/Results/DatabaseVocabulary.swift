import GRDB
import Model

// The shared vocabulary as SQLite values: each enum is stored as its raw string, so the file
// reads the same in the sqlite3 CLI, and can be compared in queries (`Column("status") == RunStatus.done`).
extension Mode: DatabaseValueConvertible {}
extension TrialOrder: DatabaseValueConvertible {}
extension ConnectionReuse: DatabaseValueConvertible {}
extension RunStatus: DatabaseValueConvertible {}
extension CellStatus: DatabaseValueConvertible {}
extension Direction: DatabaseValueConvertible {}
extension Outcome: DatabaseValueConvertible {}
extension TransferPhase: DatabaseValueConvertible {}
extension StoreOperation: DatabaseValueConvertible {}
extension HTTPMethod: DatabaseValueConvertible {}
extension ErrorClass: DatabaseValueConvertible {}
extension InjectedFault.Kind: DatabaseValueConvertible {}
extension CreationKind: DatabaseValueConvertible {}
