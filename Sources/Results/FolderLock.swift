import Foundation

/// Serialises the opening of results databases in one folder across processes. Two runs that
/// create one new file at once would both write its schema (one of them then fails with
/// `duplicate column name` or `database is locked`); under this lock the second finds the schema
/// written and goes on to the lease, which names the holder. An advisory lock on the folder
/// itself (flock), so nothing is created and nothing is left behind, whatever ends the process.
enum FolderLock {
    /// Runs `body` holding the folder's lock; without it when the folder cannot be opened (the
    /// open that follows then says why).
    static func around<T>(folder: String, _ body: () throws -> T) rethrows -> T {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        // Interrupted by a signal: try again (the wait is bounded by the other process's open).
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
