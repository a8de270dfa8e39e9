-- +goose Up
-- Durable jobs and timers (internal/jobs). A row is kept after it ends, for
-- the record; jobs.Prune removes old finished rows.
-- active_key holds the unique key while the job may still run and is NULL
-- once it has ended, so the key can be used again (a timer re-armed).
CREATE TABLE jobs (
  id CHAR(26) PRIMARY KEY,
  kind VARCHAR(100) NOT NULL,
  args TEXT NOT NULL,
  state VARCHAR(16) NOT NULL,
  unique_key VARCHAR(200) NOT NULL DEFAULT '',
  active_key VARCHAR(200) NULL UNIQUE,
  run_at BIGINT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  owner VARCHAR(200) NOT NULL DEFAULT '',
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_error VARCHAR(2000) NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finalized_at BIGINT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX jobs_state_run_at ON jobs (state, run_at);
CREATE INDEX jobs_kind ON jobs (kind, created_at);

-- +goose Down
DROP TABLE jobs;
