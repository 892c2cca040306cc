import Foundation
import GRDB

/// What scoretune checks before it opens a results database, so that a file which is not its own
/// is never written to: a directory, a file that is not SQLite, an SQLite file with somebody
/// else's tables, one from a newer scoretune, one that cannot be written. Each is one line.
enum DatabaseFile {
    enum State {
        case absent
        /// scoretune's own (or an empty SQLite file); `current` when no migration is missing.
        case ours(current: Bool)
    }

    static func inspect(_ path: String) throws -> State {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .absent }
        if isDirectory.boolValue {
            throw ResultsDatabase.OpenError(description: "\(path): is a directory, not a results database (give a file with --db)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ResultsDatabase.OpenError(description: "\(path): cannot be read")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        if header.isEmpty { return .ours(current: false) }
        guard header == Data("SQLite format 3\u{0}".utf8) else {
            throw ResultsDatabase.OpenError(description: "\(path): is not an SQLite database, so not a scoretune results database (left untouched)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        // The run that wrote it may still hold its connections (or a writer may be mid-commit).
        configuration.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                if tables.isEmpty { return .ours(current: false) }
                guard tables.contains("grdb_migrations"), tables.contains("runs") else {
                    let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
                    throw ResultsDatabase.OpenError(description: "\(path): is not a scoretune results database (it holds tables \(shown)); left untouched")
                }
                let migrator = Schema.migrator
                if try migrator.hasBeenSuperseded(db) {
                    let unknown = try migrator.appliedIdentifiers(db).subtracting(Schema.identifiers).sorted()
                    throw ResultsDatabase.OpenError(description: "\(path): was written by a newer scoretune (schema \(unknown.joined(separator: ", ")) is unknown to this one, which knows up to \(Schema.identifiers.last ?? "")); use that version)")
                }
                return .ours(current: try migrator.hasCompletedMigrations(db))
            }
        } catch let error as ResultsDatabase.OpenError {
            throw error
        } catch {
            throw ResultsDatabase.OpenError(description: "\(path): cannot be read as an SQLite database (\(ResultsDatabase.OpenError.brief(error)))")
        }
    }

    /// Whether this process may write the file (and the folder, for SQLite's -wal and -shm files).
    /// access(2) also sees an immutable file or a read-only mount, which even root cannot write.
    static func isWritable(_ path: String) -> Bool {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return access(path, W_OK) == 0 && access(folder.isEmpty ? "." : folder, W_OK) == 0
    }
}
