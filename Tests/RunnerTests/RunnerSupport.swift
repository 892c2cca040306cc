import Foundation
import GRDB
import MemoryStore
import ObjectStore
import Results
import Runner
import TestSupport
import Transport
import XCTest

/// What a store holds where scoretune may write: every key of both buckets and every multipart
/// upload in progress. Equal before and after means nothing was left and nothing else touched.
struct StoreSnapshot: Equatable, CustomStringConvertible {
    var objects: Set<String>
    var uploads: Set<String>

    static func take(_ backend: LocalBackend, transport: any HTTPTransport) async throws -> StoreSnapshot {
        let (s3, settings) = try backend.client(transport: transport)
        var objects = Set<String>(), uploads = Set<String>()
        for bucket in [settings.objectBucket, settings.stateBucket] {
            for object in try await s3.listObjects(bucket: bucket) { objects.insert("\(bucket)/\(object.key)") }
            for upload in try await s3.listMultipartUploads(bucket: bucket) { uploads.insert("\(bucket)/\(upload.key)#\(upload.uploadId)") }
        }
        return StoreSnapshot(objects: objects, uploads: uploads)
    }

    var description: String { "\(objects.count) objects, \(uploads.count) uploads" }

    func difference(from before: StoreSnapshot) -> String {
        "added: \(objects.subtracting(before.objects).sorted()) \(uploads.subtracting(before.uploads).sorted()); " +
            "removed: \(before.objects.subtracting(objects).sorted())"
    }
}

/// A scenario written to a temporary folder with its own results database.
struct TemporaryRun {
    let folder: URL
    var scenario: String { folder.appendingPathComponent("scenario.yaml").path }
    var database: String { folder.appendingPathComponent("results.sqlite").path }

    init(_ backend: LocalBackend, _ yaml: String) throws {
        try self.init(env: { _ in try backend.settings().path }, yaml)
    }

    /// A scenario whose `.env.score` `env` writes into the run's folder (an in-memory store's).
    init(env: (URL) throws -> String, _ yaml: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("scoretune-run-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = try env(folder)
        try ("env: \(path)\n" + yaml).write(toFile: scenario, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    func open() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: database, configuration: configuration)
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try open().read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    func rows(_ sql: String) throws -> [Row] {
        try open().read { db in try Row.fetchAll(db, sql: sql) }
    }

    func strings(_ sql: String) throws -> [String] {
        try open().read { db in try String.fetchAll(db, sql: sql) }
    }
}

extension TemporaryRun {
    /// Options that run this scenario (or `resume` a run of it) in this process against `store`.
    func options(on store: MemoryStore, resume: Int64? = nil, envPath: String? = nil, database: String? = nil) -> RunOptions {
        var options = RunOptions(scenarioPath: resume == nil ? scenario : nil, envPath: envPath, databasePath: database ?? self.database, resume: resume)
        options.makeTransport = { store.transport(options: $0) }
        return options
    }

    /// Runs it to its end, quietly, in this process against `store`.
    func run(on store: MemoryStore, resume: Int64? = nil, envPath: String? = nil, database: String? = nil) async throws -> RunResult {
        try await ScenarioRunner(options: options(on: store, resume: resume, envPath: envPath, database: database), progress: RunProgress(style: .quiet)).run()
    }
}
