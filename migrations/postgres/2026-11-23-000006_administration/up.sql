-- CSV imports: the uploaded file, its progress and its problems live in the database, not in a
-- server process, so any process behind the load balancer can show them and a worker in any
-- process can claim one (claimed_until) and run it. Keep in step with migrations/postgres.
CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    rows_total INTEGER NOT NULL,
    rows_done INTEGER NOT NULL,
    -- JSON array of {row, column, key}: message keys, so each reader sees them in their language.
    errors TEXT,
    -- JSON object of counts: created, updated, unchanged.
    summary TEXT,
    created_by TEXT REFERENCES people(id),
    created_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    finished_at TIMESTAMP
);
CREATE INDEX imports_status ON imports(status, created_at);

-- The retention period looks for people not seen for a long time.
CREATE INDEX people_last_seen ON people(anonymised_at, last_seen_at);
