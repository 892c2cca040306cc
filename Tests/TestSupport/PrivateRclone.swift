import Foundation

/// An `rclone serve s3` of a test's own, on a free port, that the test may kill and restart by pid
/// (the shared backends must stay up for the other tests).
public final class PrivateRclone {
    public let folder: URL
    public let port: UInt16
    public private(set) var process: Process?
    public var envPath: String { folder.appendingPathComponent(".env.score").path }

    public init() throws {
        try LocalBackend.skipUnlessServersWanted()  // a real server of the test's own
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-rclone-\(UUID().uuidString.prefix(8))")
        port = try closedLoopbackPort()
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("score-object/data"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: data.appendingPathComponent("score-state"), withIntermediateDirectories: true)
        try Data("sentinel".utf8).write(to: data.appendingPathComponent("score-object/data/heliograph"))
        try """
        S3_ENDPOINT=http://127.0.0.1:\(port)
        S3_ACCESSKEY=private-rclone
        S3_SECRETKEY=private-rclone-secret-42
        BUCKET_NAME_OBJECT=score-object
        BUCKET_NAME_STATE=score-state
        UPLOAD_CONNECTION_TIMEOUT=2000

        """.write(toFile: envPath, atomically: true, encoding: .utf8)
        try start()
    }

    /// Starts (or restarts) the server and waits until it answers.
    public func start() throws {
        let rclone = LocalBackend.packageRoot.appendingPathComponent(".scoretune/venv/bin/rclone")
        let process = Process()
        process.executableURL = rclone
        process.arguments = ["serve", "s3", "--config", "/dev/null", "--addr", "127.0.0.1:\(port)",
                             "--auth-key", "private-rclone,private-rclone-secret-42", folder.appendingPathComponent("data").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<200 {
            if isListening() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw NSError(domain: "PrivateRclone", code: 1, userInfo: [NSLocalizedDescriptionKey: "rclone did not listen on \(port)"])
    }

    /// kill -9, as a crashed store.
    public func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public func remove() {
        kill()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Files the server holds under `bucket` (rclone stores objects as plain files).
    public func files(_ bucket: String) -> [String] {
        let root = folder.appendingPathComponent("data/\(bucket)")
        let items = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return items.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
    }

    private func isListening() -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
