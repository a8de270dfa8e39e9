-- +goose Up
-- The system's own key pairs (internal/sign): today the SM2 and Ed25519
-- keys that sign the ledger's checkpoints. The public key is stored in the
-- clear; the private key only sealed with SM4-GCM under the master key,
-- which is never stored in the database (--master-key-file,
-- TONGBAN_MASTER_KEY_FILE, TONGBAN_MASTER_KEY or <data>/master.key).
CREATE TABLE system_keys (
  purpose VARCHAR(40) PRIMARY KEY,
  algorithm VARCHAR(20) NOT NULL,
  public_key BYTEA NOT NULL,
  sealed_private BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE system_keys;
