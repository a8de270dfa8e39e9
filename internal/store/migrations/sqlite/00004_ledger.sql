-- +goose Up
-- The tamper-evident ledger (internal/ledger, docs/ledger.md): an RFC 6962
-- Merkle tree with SM3 hashes over the events. Hashes are 32 raw bytes.
-- Rows are only ever inserted, except the one head row, which every append
-- updates under its lock.
-- (SQLite: INTEGER PRIMARY KEY is the rowid and WITHOUT ROWID keys the
-- table by its primary key, so a lookup is one b-tree search, not two.)
CREATE TABLE ledger_leaves (
  leaf_index INTEGER PRIMARY KEY,
  event_seq BIGINT UNIQUE,
  event_id VARCHAR(26) UNIQUE,
  leaf_hash BLOB NOT NULL,
  appended_at BIGINT NOT NULL
);

-- Every complete perfect subtree of height >= 1 (level 0 is ledger_leaves),
-- numbered as transparency-dev/merkle's compact.NodeID.
CREATE TABLE ledger_nodes (
  node_level SMALLINT NOT NULL,
  node_index BIGINT NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (node_level, node_index)
) WITHOUT ROWID;

-- One row: the tree size, its root, and the frontier (the roots of the
-- perfect subtrees covering [0, size), left to right, concatenated).
CREATE TABLE ledger_head (
  id SMALLINT PRIMARY KEY,
  tree_size BIGINT NOT NULL,
  root BLOB NOT NULL,
  frontier BLOB NOT NULL,
  updated_at BIGINT NOT NULL
);
INSERT INTO ledger_head (id, tree_size, root, frontier, updated_at) VALUES (1, 0, X'', X'', 0);

-- Signed checkpoints (C2SP tlog-checkpoint in a signed note), by tree size.
CREATE TABLE ledger_checkpoints (
  tree_size BIGINT PRIMARY KEY,
  root BLOB NOT NULL,
  note TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE ledger_checkpoints;
DROP TABLE ledger_head;
DROP TABLE ledger_nodes;
DROP TABLE ledger_leaves;
