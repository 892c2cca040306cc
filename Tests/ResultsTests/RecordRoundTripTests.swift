import Foundation
import GRDB
import Model
@testable import Results
import XCTest

/// Every record written and read back through a real SQLite file, and databases written by older
/// versions read by this one. No store needed.
final class RecordRoundTripTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testEveryRecordReadsBackAsWritten() async throws {
        let database = try ResultsDatabase(path: folder.appendingPathComponent("r.sqlite").path)
        let run = RunRow(scenarioName: "round trip", scenarioPath: "s.yaml", scenarioText: "name: x", envPath: ".env.score",
                         mode: .multipart, toolVersion: "9.9", host: "h", backendEndpoint: "http://127.0.0.1:9",
                         backendServer: "SeaweedFS", configHash: "abc", orderSeed: -7, startedAt: 1_700_000_000.5, status: .running)
        let runId = try await database.insertRun(run)
        try await database.setRunStatus(runId, .budgetExhausted, finished: true)
        let maybeRun = try await database.run(runId)
        let readRun = try XCTUnwrap(maybeRun)
        XCTAssertEqual(readRun.id, runId)
        XCTAssertEqual(readRun.mode, .multipart)
        XCTAssertEqual(readRun.status, .budgetExhausted)
        XCTAssertEqual(readRun.orderSeed, -7)
        XCTAssertEqual(readRun.backendServer, "SeaweedFS")
        XCTAssertNotNil(readRun.finishedAt)

        let azureKnobs = Knobs(uploadPartSize: 8 << 20, downloadPartSize: nil, retryLimit: 3, connectTimeoutMilliseconds: 1500,
                               stallTimeoutMilliseconds: 60_000, parallel: 4, clients: 2, network: "wan", blockSize: 4 << 20)
        let s3Knobs = Knobs(uploadPartSize: 20 << 20, downloadPartSize: 50 << 20, retryLimit: 0, connectTimeoutMilliseconds: 15_000,
                            stallTimeoutMilliseconds: 5_000, parallel: 1, clients: 1)
        let cells = try await database.insertCells([CellRow(runId: runId, position: 0, knobs: azureKnobs),
                                                    CellRow(runId: runId, position: 1, knobs: s3Knobs)])
        XCTAssertNotEqual(cells[0].id, cells[1].id)
        try await database.setCellStatus(cells[0].id, .running)
        try await database.setCellStatus(cells[0].id, .done)
        let readCells = try await database.cells(run: runId)
        XCTAssertEqual(readCells.map(\.knobs), [azureKnobs, s3Knobs], "knobs, nil and non-nil, survive the flat columns")
        XCTAssertEqual(readCells.map(\.status), [.done, .pending])
        XCTAssertNotNil(readCells[0].startedAt)
        XCTAssertNotNil(readCells[0].finishedAt)

        var trial = TrialRow(id: 41, runId: runId, cellId: cells[0].id, repetition: 2, warmup: true, direction: .download,
                             objectIndex: 3, objectKey: "data/k", objectSize: 123_456, partSize: 4 << 20, parts: 1,
                             startedAt: 5.25, duration: 0.75, errorClass: .etagMismatch, error: "bad etag", retries: 2,
                             phases: [.initiate: 0.1, .parts: 0.5, .finalize: 0.2, .stateCleanup: 0.05], cpuUser: 0.01, cpuSystem: 0.02)
        (trial.round, trial.session, trial.hostCPU, trial.runnablePerCore, trial.worker) = (4, 2, 0.5, 1.25, 3)
        let attempt = AttemptRow(runId: runId, cellId: cells[0].id, trialId: 41, phase: .stateCleanup, operation: .putBlockList,
                                 method: .put, bucket: "c", key: "k", partNumber: nil, attempt: 3, status: 503, errorClass: .slowDown,
                                 bytesSent: 10, bytesReceived: 20, dns: 0.001, connect: 0.002, tls: 0, sent: 0.25, firstByte: 0.3, total: 0.4,
                                 reused: true, startedAt: 6.5)
        let fault = FaultRow(runId: runId, cellId: cells[0].id, time: 7.5, connection: 9, kind: .lostAnswer, bytesMoved: 99)
        try await database.insert(trials: [trial], attempts: [attempt], faults: [fault])

        let readTrials = try await database.trials(run: runId)
        let readTrial = try XCTUnwrap(readTrials.first)
        XCTAssertEqual(readTrial.id, 41)
        XCTAssertEqual(readTrial.direction, .download)
        XCTAssertEqual(readTrial.outcome, .failed, "a trial with an error class failed")
        XCTAssertEqual(readTrial.errorClass, .etagMismatch)
        XCTAssertTrue(readTrial.warmup)
        XCTAssertEqual(readTrial.initiate, 0.1)
        XCTAssertEqual(readTrial.partsTime, 0.5)
        XCTAssertEqual(readTrial.finalize, 0.2)
        XCTAssertEqual(readTrial.stateCleanup, 0.05)
        XCTAssertEqual(readTrial.cpuSystem, 0.02)
        // The analysis's passes read rows by position: the same trial as decoding by name, every column.
        let passed = try await database.pool.read { db in
            var all: [TrialRow] = []
            try TrialPasses.database(db, runId: runId).forEach { all.append($0) }
            return all
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        XCTAssertEqual(String(decoding: try encoder.encode(passed), as: UTF8.self), String(decoding: try encoder.encode(readTrials), as: UTF8.self))
        XCTAssertEqual(passed.first?.worker, 3)

        let readAttempts = try await database.attempts(run: runId)
        let readAttempt = try XCTUnwrap(readAttempts.first)
        XCTAssertEqual(readAttempt.phase, .stateCleanup)
        XCTAssertEqual(readAttempt.operation, .putBlockList)
        XCTAssertEqual(readAttempt.errorClass, .slowDown)
        XCTAssertNil(readAttempt.partNumber)
        XCTAssertTrue(readAttempt.reused)
        XCTAssertEqual(readAttempt.firstByte, 0.3)

        let readFaults = try await database.faults(run: runId)
        let readFault = try XCTUnwrap(readFaults.first)
        XCTAssertEqual(readFault.kind, .lostAnswer)
        XCTAssertEqual(readFault.bytesMoved, 99)

        let ids = try await database.recordCreated([CreatedRow(runId: runId, cellId: nil, kind: .upload, bucket: "b", key: "k"),
                                                    CreatedRow(runId: runId, cellId: cells[1].id, kind: .prefix, bucket: "b", key: "p/")])
        try await database.setUploadId(ids[0], "upload-1")
        try await database.markRemoved([ids[1]])
        let open = try await database.openCreated(run: runId)
        XCTAssertEqual(open.map(\.id), [ids[0]])
        XCTAssertEqual(open.first?.kind, .upload)
        XCTAssertEqual(open.first?.uploadId, "upload-1")

        // The strings in the file are the vocabulary's raw values, readable with sqlite3.
        let raw = try DatabaseQueue(path: database.path).read { db in
            try Row.fetchOne(db, sql: "SELECT t.direction, t.outcome, t.error_class, a.phase, a.operation, r.status, r.mode FROM trials t, attempts a, runs r")
        }
        XCTAssertEqual(raw?["direction"], "download")
        XCTAssertEqual(raw?["outcome"], "failed")
        XCTAssertEqual(raw?["error_class"], "etag-mismatch")
        XCTAssertEqual(raw?["phase"], "state-cleanup")
        XCTAssertEqual(raw?["operation"], "PutBlockList")
        XCTAssertEqual(raw?["status"], "budget-exhausted")
        XCTAssertEqual(raw?["mode"], "multipart")
    }

    /// A file written by the first schema (v1: no CPU, network, block size or lease) opens, is brought
    /// up to date, and its rows read as records with the new columns empty.
    func testAVersionOneDatabaseStillOpensAndReads() async throws {
        let path = folder.appendingPathComponent("v1.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v1")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO runs VALUES (1, 'old', 'old.yaml', 'name: old', '.env.score', 'score', '0.1.0', 'h', 'http://127.0.0.1:1',
                  NULL, 'x', 5, 100.0, 200.0, 'completed');
                INSERT INTO cells VALUES (1, 1, 0, 16777216, NULL, 5, 15000, 60000, 4, 1, 'done', 100.0, 150.0);
                INSERT INTO trials VALUES (1, 1, 1, 0, 0, 'upload', 0, 'data/a', 1000, 16777216, 1, 100.0, 2.0, 'ok', NULL, NULL, 0,
                  0.1, 1.5, 0.3, 0.1);
                INSERT INTO attempts VALUES (1, 1, 1, 1, 'parts', 'UploadPart', 'PUT', 'b', 'k', 1, 1, 200, NULL, 1000, 0,
                  0, 0.001, 0, 0.2, 1.4, 0, 100.1);
                """)
        }
        try queue.close()

        let database = try ResultsDatabase(path: path, access: .read)
        let runs = try await database.runs()
        XCTAssertEqual(runs.map(\.status), [.completed])
        let oldCells = try await database.cells(run: 1)
        let cell = try XCTUnwrap(oldCells.first)
        XCTAssertEqual(cell.knobs.uploadPartSize, 16 << 20)
        XCTAssertNil(cell.knobs.network)
        XCTAssertNil(cell.knobs.blockSize)
        let oldTrials = try await database.trials(run: 1)
        let trial = try XCTUnwrap(oldTrials.first)
        XCTAssertEqual(trial.outcome, .ok)
        XCTAssertNil(trial.cpuUser, "v1 recorded no CPU time")
        let oldAttempts = try await database.attempts(run: 1)
        XCTAssertEqual(oldAttempts.first?.operation, .uploadPart)
        let migrated = try await DatabaseQueue(path: path).read { try Schema.migrator.appliedIdentifiers($0) }
        XCTAssertEqual(migrated, Set(Schema.identifiers), "opening it brought the schema up to date")
    }
}
