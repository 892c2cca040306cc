import Foundation

/// Serialises the opening of results databases in one folder across processes. Two runs that
/// create one new file at once would both write its schema (one of them then fails with
/// `duplicate column name` or `database is locked`); under this lock the second finds the schema
/// written and goes on to the lease, which names the holder. An advisory lock on the folder
/// itself (flock), so nothing is created and nothing is left behind, whatever ends the process.
enum FolderLock {
    /// How long an open waits for another process's open (a schema migration of a large file
    /// takes seconds; a holder stopped with Ctrl-Z must not hang every command for good).
    static let patience: TimeInterval = 30

    /// Runs `body` holding the folder's lock; without it when the folder cannot be opened (the
    /// open that follows then says why). `path`: the database, for the message when the lock
    /// stays taken past `patience`.
    static func around<T>(folder: String, path: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        let deadline = Date().addingTimeInterval(patience)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { return try body() }
            guard Date() < deadline else {
                throw ResultsDatabase.OpenError(description: "\(path): another process has been opening a database in its folder for \(Int(patience)) s (a stopped scoretune?); try again once it is done")
            }
            usleep(20_000)
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
