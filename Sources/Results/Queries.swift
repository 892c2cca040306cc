import GRDB

/// Typed reads for analysis and reports.
extension ResultsDatabase {
    public func runs() async throws -> [RunRow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map(Self.runRow)
        }
    }

    public func trials(run runId: Int64) async throws -> [TrialRow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM trials WHERE run_id = ? ORDER BY id", arguments: [runId]).map { r in
                TrialRow(id: r["id"], runId: r["run_id"], cellId: r["cell_id"], repetition: r["repetition"], warmup: r["warmup"],
                         direction: r["direction"], objectIndex: r["object_index"], objectKey: r["object_key"],
                         objectSize: r["object_size"], partSize: r["part_size"], parts: r["parts"], startedAt: r["started_at"],
                         duration: r["duration"], outcome: r["outcome"], errorClass: r["error_class"], error: r["error"],
                         retries: r["retries"], initiate: r["initiate_s"], partsTime: r["parts_s"], finalize: r["finalize_s"],
                         stateCleanup: r["state_cleanup_s"])
            }
        }
    }

    public func attempts(run runId: Int64) async throws -> [AttemptRow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM attempts WHERE run_id = ? ORDER BY id", arguments: [runId]).map { r in
                AttemptRow(runId: r["run_id"], cellId: r["cell_id"], trialId: r["trial_id"], phase: r["phase"],
                           operation: r["operation"], method: r["method"], bucket: r["bucket"], key: r["key"],
                           partNumber: r["part_number"], attempt: r["attempt"], status: r["status"], errorClass: r["error_class"],
                           bytesSent: r["bytes_sent"], bytesReceived: r["bytes_received"], dns: r["dns_s"], connect: r["connect_s"],
                           tls: r["tls_s"], firstByte: r["first_byte_s"], total: r["total_s"], reused: r["reused"],
                           startedAt: r["started_at"])
            }
        }
    }

    public func faults(run runId: Int64) async throws -> [FaultRow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM faults WHERE run_id = ? ORDER BY id", arguments: [runId]).map { r in
                FaultRow(runId: r["run_id"], cellId: r["cell_id"], time: r["time"], connection: r["connection"], kind: r["kind"],
                         bytesMoved: r["bytes_moved"])
            }
        }
    }

    static func runRow(_ row: Row) -> RunRow {
        var run = RunRow(scenarioName: row["scenario_name"], scenarioPath: row["scenario_path"], scenarioText: row["scenario_text"],
                         envPath: row["env_path"], mode: row["mode"], toolVersion: row["tool_version"], host: row["host"],
                         backendEndpoint: row["backend_endpoint"], backendServer: row["backend_server"],
                         configHash: row["config_hash"], orderSeed: row["order_seed"], startedAt: row["started_at"],
                         status: row["status"])
        run.id = row["id"]
        run.finishedAt = row["finished_at"]
        return run
    }
}
