-- +goose Up
-- Catalogs published by administrators, replayed over the bundled catalog
-- at start-up in order, so a restart serves what was published.
CREATE TABLE catalog_uploads (
  id VARCHAR(26) PRIMARY KEY,
  files TEXT NOT NULL,
  uploaded_by VARCHAR(26) NOT NULL,
  uploaded_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE catalog_uploads;
