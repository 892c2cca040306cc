import GRDB

/// The results database: one schema, grown only by migrations, readable with the sqlite3 CLI.
/// Times are seconds (REAL); wall-clock times are seconds since 1970. Secrets are never stored.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                scenario_name TEXT NOT NULL,
                scenario_path TEXT NOT NULL,
                scenario_text TEXT NOT NULL,
                env_path TEXT NOT NULL,
                mode TEXT NOT NULL,
                tool_version TEXT NOT NULL,
                host TEXT NOT NULL,
                backend_endpoint TEXT NOT NULL,
                backend_server TEXT,
                config_hash TEXT NOT NULL,
                order_seed INTEGER NOT NULL,
                started_at REAL NOT NULL,
                finished_at REAL,
                status TEXT NOT NULL          -- running | completed | interrupted | budget-exhausted | failed
            );
            CREATE TABLE cells (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL REFERENCES runs(id),
                position INTEGER NOT NULL,     -- order of execution (seeded shuffle)
                upload_part_size INTEGER NOT NULL,
                download_part_size INTEGER,    -- NULL: downloads follow the upload layout (score mode)
                retry_limit INTEGER NOT NULL,
                connect_timeout_ms INTEGER NOT NULL,
                stall_timeout_ms INTEGER NOT NULL,
                parallel INTEGER NOT NULL,
                clients INTEGER NOT NULL,
                status TEXT NOT NULL,          -- pending | running | done | interrupted (| pruned | dropped, v8)
                started_at REAL,
                finished_at REAL
            );
            CREATE INDEX cells_run ON cells(run_id, position);
            CREATE TABLE trials (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runs(id),
                cell_id INTEGER NOT NULL REFERENCES cells(id),
                repetition INTEGER NOT NULL,
                warmup INTEGER NOT NULL,       -- 1: excluded from results
                direction TEXT NOT NULL,       -- upload | download
                object_index INTEGER NOT NULL,
                object_key TEXT NOT NULL,
                object_size INTEGER NOT NULL,
                part_size INTEGER NOT NULL,
                parts INTEGER NOT NULL,
                started_at REAL NOT NULL,
                duration REAL NOT NULL,
                outcome TEXT NOT NULL,         -- ok | failed
                error_class TEXT,
                error TEXT,
                retries INTEGER NOT NULL,
                initiate_s REAL, parts_s REAL, finalize_s REAL, state_cleanup_s REAL
            );
            CREATE INDEX trials_cell ON trials(cell_id);
            CREATE TABLE attempts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL,
                cell_id INTEGER,
                trial_id INTEGER,
                phase TEXT,                    -- initiate | parts | finalize | state-cleanup | meta | cleanup
                operation TEXT NOT NULL,       -- UploadPart, GetObject, PutObject, ListParts, …
                method TEXT NOT NULL,
                bucket TEXT,
                key TEXT,
                part_number INTEGER,
                attempt INTEGER NOT NULL,      -- 1 for the first try
                status INTEGER NOT NULL,       -- HTTP status; 0 when no answer came
                error_class TEXT,              -- NULL on success
                bytes_sent INTEGER NOT NULL,
                bytes_received INTEGER NOT NULL,
                dns_s REAL NOT NULL, connect_s REAL NOT NULL, tls_s REAL NOT NULL,
                first_byte_s REAL NOT NULL, total_s REAL NOT NULL,
                reused INTEGER NOT NULL,
                started_at REAL NOT NULL
            );
            CREATE INDEX attempts_trial ON attempts(trial_id);
            CREATE INDEX attempts_cell ON attempts(cell_id);
            CREATE TABLE created (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL,
                cell_id INTEGER,
                kind TEXT NOT NULL,            -- object | upload | prefix
                bucket TEXT NOT NULL,
                key TEXT NOT NULL,             -- the key, or the prefix for kind = prefix
                upload_id TEXT,                -- kind = upload; NULL until the store has answered
                recorded_at REAL NOT NULL,     -- written before the request that creates it
                removed_at REAL
            );
            CREATE INDEX created_open ON created(run_id, removed_at);
            CREATE TABLE digests (
                seed INTEGER NOT NULL,
                object_index INTEGER NOT NULL,
                object_size INTEGER NOT NULL,
                part_size INTEGER NOT NULL,    -- 0 with part_number 0: the whole object
                part_number INTEGER NOT NULL,
                md5 TEXT NOT NULL,
                PRIMARY KEY (seed, object_index, object_size, part_size, part_number)
            );
            """)
        }
        // v2: the client's CPU time during each trial (process-wide getrusage: exact when clients = 1).
        migrator.registerMigration("v2-trial-cpu") { db in
            try db.execute(sql: "ALTER TABLE trials ADD COLUMN cpu_user_s REAL")
            try db.execute(sql: "ALTER TABLE trials ADD COLUMN cpu_system_s REAL")
        }
        // v3: the network profile a cell ran through, and what the fault proxy injected.
        migrator.registerMigration("v3-network") { db in
            try db.execute(sql: """
            ALTER TABLE cells ADD COLUMN network TEXT;  -- profile name; NULL: straight to the store
            CREATE TABLE faults (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL,
                cell_id INTEGER,
                time REAL NOT NULL,            -- seconds since 1970
                connection INTEGER NOT NULL,   -- the proxy's connection number within the cell
                kind TEXT NOT NULL,            -- reset | stall | refuse | blackhole | slowdown-503 | error-500 | lost-answer
                bytes_moved INTEGER NOT NULL   -- by that connection when it happened
            );
            CREATE INDEX faults_cell ON faults(cell_id);
            """)
        }
        // v4: the Azure client's block size (azure.blockSize) a cell uploaded with; NULL on S3.
        migrator.registerMigration("v4-azure-block-size") { db in
            try db.execute(sql: "ALTER TABLE cells ADD COLUMN block_size INTEGER")
        }
        // v5: the one writer of the database (a run or a clean-up): a second one is refused while
        // the holder lives; a holder that died (kill -9) is recognised and replaced.
        migrator.registerMigration("v5-lease") { db in
            try db.execute(sql: """
            CREATE TABLE lease (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                run_id INTEGER,                -- the run holding it; NULL for a clean-up or a run not yet recorded
                purpose TEXT NOT NULL,         -- run | clean
                pid INTEGER NOT NULL,
                process_start TEXT NOT NULL,   -- the holder's start time (/proc/PID/stat): a reused pid is not the holder
                host TEXT NOT NULL,
                boot_id TEXT NOT NULL,         -- with the pid namespace: whether this machine can see the holder's pid
                pid_namespace TEXT NOT NULL,
                taken_at REAL NOT NULL,
                heartbeat_at REAL NOT NULL     -- renewed every 20 s: a holder nobody can see is alive while it is recent
            );
            """)
        }
        // v6: interleaved rounds, sessions of a resumed run, and how loaded the client was.
        migrator.registerMigration("v6-rounds-and-load") { db in
            try db.execute(sql: """
            ALTER TABLE runs ADD COLUMN trial_order TEXT;      -- interleaved | blocked; NULL before v6 (blocked)
            ALTER TABLE cells ADD COLUMN rounds_done INTEGER NOT NULL DEFAULT 0;  -- measured repetitions complete
            ALTER TABLE cells ADD COLUMN connections TEXT NOT NULL DEFAULT 'warm'; -- warm | per-object | per-request
            ALTER TABLE trials ADD COLUMN round INTEGER;       -- interleaved: the pass over the grid it ran in (0-based); else NULL
            ALTER TABLE trials ADD COLUMN session INTEGER;     -- 1 for the run's first go, +1 for each --resume
            ALTER TABLE trials ADD COLUMN host_cpu REAL;       -- share of all the host's cores busy during the trial, 0 to 1 (/proc/stat)
            ALTER TABLE trials ADD COLUMN runnable_per_core REAL;  -- tasks runnable on the host per core, mean of start and end (/proc/stat procs_running)
            """)
        }
        // v7: when each request's last byte was sent (seconds from its start; NULL before v7), so
        // connect, send, wait and receive add up. (No SQL comment here: SQLite keeps an added
        // column's text in the table's schema, where a trailing comment would swallow the ")".)
        migrator.registerMigration("v7-sent-time") { db in
            try db.execute(sql: "ALTER TABLE attempts ADD COLUMN sent_s REAL")
        }
        // v8: searches. How the run explored its grid, and every decision a search made about a cell.
        migrator.registerMigration("v8-search") { db in
            try db.execute(sql: """
            ALTER TABLE runs ADD COLUMN search_strategy TEXT;  -- grid | halving | ramp; NULL before v8 (grid)
            CREATE TABLE search_verdicts (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runs(id),
                cell_id INTEGER NOT NULL REFERENCES cells(id),
                rung INTEGER NOT NULL,         -- 0: before any trial (pruning); k: the search's k-th decision
                rounds INTEGER NOT NULL,       -- measured rounds each live cell had when decided
                verdict TEXT NOT NULL,         -- pruned | kept | dropped
                reason TEXT NOT NULL,
                median REAL,                   -- the objective's median MB/s over those rounds; NULL when pruned
                ci_low REAL,
                ci_high REAL,
                ci_level REAL,                 -- the interval's real coverage, 0 to 1
                decided_at REAL NOT NULL
            );
            CREATE INDEX search_verdicts_run ON search_verdicts(run_id, rung);
            """)
        }
        // v9: distributed runs. Which worker of how many ran a database's run (or, merged, each
        // trial and attempt), under which tag, and every worker's passage through each barrier.
        migrator.registerMigration("v9-workers") { db in
            try db.execute(sql: """
            ALTER TABLE runs ADD COLUMN tag TEXT;              -- a distributed run's --tag; NULL on one machine
            ALTER TABLE runs ADD COLUMN workers INTEGER;       -- how many workers ran it; NULL on one machine
            ALTER TABLE runs ADD COLUMN worker_rank INTEGER;   -- a worker's own database: its rank; NULL when merged or on one machine
            ALTER TABLE trials ADD COLUMN worker INTEGER;      -- the rank that moved it; NULL on one machine
            ALTER TABLE attempts ADD COLUMN worker INTEGER;    -- the rank that sent it (set by merge); NULL on one machine
            ALTER TABLE cells ADD COLUMN workers INTEGER;      -- grid.workers: how many workers move objects in it; NULL: all
            CREATE TABLE barriers (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runs(id),
                worker INTEGER NOT NULL,       -- the rank that passed it
                name TEXT NOT NULL,            -- '<cell position>.<round>', or 'end'
                cell_id INTEGER,               -- the cell it opened; NULL for 'end'
                arrived_at REAL NOT NULL,      -- this worker's clock when its marker was stored
                released_at REAL NOT NULL,     -- this worker's clock when it saw every worker's marker
                polls INTEGER NOT NULL,        -- listings it took
                stop INTEGER NOT NULL,         -- 1 when some worker asked to stop there (a spent time budget)
                offset_s REAL                  -- merged: released_at minus the workers' median release (clock skew plus poll delay)
            );
            CREATE INDEX barriers_run ON barriers(run_id, name);
            """)
        }
        // v10: each request's longest silence (seconds no byte moved once connected): the stall
        // lengths and answer waits that size a read timeout.
        migrator.registerMigration("v10-silence") { db in
            try db.execute(sql: "ALTER TABLE attempts ADD COLUMN longest_silence_s REAL")
        }
        // v11: each run's requests digested (counts, sums, log-linear histograms by request
        // group): what every command that reads a run uses, in flat memory, instead of the attempts.
        migrator.registerMigration("v11-request-digests") { db in
            try db.execute(sql: """
            CREATE TABLE request_digests (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runs(id),
                cell_id INTEGER,               -- NULL: requests outside any cell
                request_group TEXT NOT NULL,   -- JSON: cell, trial kind, direction, part size, phase, operation, method
                digest TEXT NOT NULL           -- JSON: counts, span sums and histograms of the group's attempts
            );
            CREATE INDEX request_digests_run ON request_digests(run_id);
            CREATE TABLE run_digests (
                run_id INTEGER PRIMARY KEY REFERENCES runs(id),
                stamp TEXT NOT NULL,           -- the run's status and finish time when digested: a resumed run is digested again
                attempts INTEGER NOT NULL,     -- attempts the digests sum
                digested_at REAL NOT NULL
            );
            """)
        }
        return migrator
    }

    /// Every migration this version knows, in order.
    static let identifiers = ["v1", "v2-trial-cpu", "v3-network", "v4-azure-block-size", "v5-lease", "v6-rounds-and-load", "v7-sent-time", "v8-search",
                              "v9-workers", "v10-silence", "v11-request-digests"]
}
