-- +goose Up
-- Pre-review of uploaded materials (internal/prereview, issue 5): the
-- report of the checks on one material version, as the applicant saw it
-- and the officer sees it. status: checking (the fast checks run after the
-- upload commits), done, failed; ocr: pending, done, unavailable, skipped,
-- failed. report is the JSON of prereview.Report.
CREATE TABLE material_checks (
  material_id VARCHAR(26) PRIMARY KEY,
  status VARCHAR(12) NOT NULL,
  ocr VARCHAR(12) NOT NULL,
  report LONGTEXT NOT NULL,
  errors INTEGER NOT NULL DEFAULT 0,
  warnings INTEGER NOT NULL DEFAULT 0,
  checked_at BIGINT NOT NULL
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE material_checks;
