-- +goose Up
-- SM2 signing keys of officers ("user:<id>") and departments ("dept:<code>")
-- (internal/sign, docs/signatures.md). The public key in the clear, the
-- private key only sealed with SM4-GCM under the master key. At most one
-- active key per owner: active_owner is the owner while the key is active,
-- NULL once it is retired (rotated) or revoked, and unique. Every change of
-- a key is also an event of the record "signing-keys", so in the ledger.
CREATE TABLE signing_keys (
  id VARCHAR(26) PRIMARY KEY,
  owner VARCHAR(80) NOT NULL,
  active_owner VARCHAR(80) UNIQUE,
  algorithm VARCHAR(20) NOT NULL,
  public_key BYTEA NOT NULL,
  sealed_private BYTEA NOT NULL,
  state VARCHAR(10) NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT,
  revoked_at BIGINT,
  revoke_reason VARCHAR(500) NOT NULL DEFAULT '',
  signatures BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX signing_keys_owner ON signing_keys (owner, created_at);

-- +goose Down
DROP TABLE signing_keys;
