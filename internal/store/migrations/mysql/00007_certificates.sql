-- +goose Up
-- Electronic certificates (电子证照, internal/cert, docs/signatures.md): one
-- row per certificate a task's approval issued. content is the canonical
-- JSON the issuing department's SM2 key signed; the cert.issue event of the
-- project's record carries the same content and signature, so the ledger
-- vouches for both. The PDF is rendered after the decision commits (a job),
-- its SM3 recorded here and by a cert.pdf event. Revocation (撤销) fills
-- the revoked_* columns and is a signed cert.revoke event.
CREATE TABLE certificates (
  number VARCHAR(40) PRIMARY KEY,
  project_id VARCHAR(26) NOT NULL,
  task_id VARCHAR(26) NOT NULL,
  item_code VARCHAR(40) NOT NULL,
  dept_code VARCHAR(20) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  title VARCHAR(100) NOT NULL,
  content TEXT NOT NULL,
  key_id VARCHAR(26) NOT NULL,
  signature VARBINARY(512) NOT NULL,
  issued_at BIGINT NOT NULL,
  issue_event VARCHAR(26) NOT NULL,
  pdf_blob VARCHAR(64) NOT NULL DEFAULT '',
  pdf_sm3 VARCHAR(64) NOT NULL DEFAULT '',
  pdf_error VARCHAR(500) NOT NULL DEFAULT '',
  revoked_at BIGINT,
  revoke_reason VARCHAR(500) NOT NULL DEFAULT '',
  revoked_by VARCHAR(100) NOT NULL DEFAULT '',
  revoke_event VARCHAR(26) NOT NULL DEFAULT ''
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX certificates_project ON certificates (project_id, issued_at);
CREATE INDEX certificates_pdf ON certificates (pdf_sm3);

-- The last number given per prefix (department and year).
CREATE TABLE cert_counters (
  prefix VARCHAR(40) PRIMARY KEY,
  last BIGINT NOT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE cert_counters;
DROP TABLE certificates;
