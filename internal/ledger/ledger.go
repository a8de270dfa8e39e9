// Package ledger is the tamper-evident record: an append-only Merkle tree
// (RFC 6962 structure, SM3 hashes) over every event of the record, kept in
// the same database as the events and appended in the same transaction as
// the state change that produced them.
//
// # Storage
//
// Three tables (migrations 00004_ledger.sql):
//
//   - ledger_leaves: one row per leaf — its index, the event it records
//     (sequence number and id; NULL for a leaf that is not an event) and its
//     leaf hash SM3(0x00 || leaf data);
//   - ledger_nodes: the hash of every complete perfect subtree of height ≥ 1,
//     keyed by (level, index) as transparency-dev/merkle's compact.NodeID
//     numbers them; a node is written once, when its last leaf is appended,
//     and never changes;
//   - ledger_head: one row — the tree size, its root and the frontier (the
//     roots of the perfect subtrees that make up the tree, left to right,
//     i.e. the compact range [0, size)).
//
// Append reads and locks the head, appends the leaf to the frontier,
// writes the leaf, the nodes it completed and the new head: four statements
// (two on PostgreSQL) whatever the size of the tree. Proofs and past roots read only the
// O(log n) stored nodes they need; nothing ever rehashes the log.
//
// # Concurrency
//
// On PostgreSQL and MySQL the head row is read with SELECT … FOR UPDATE, so
// concurrent appenders queue on it and the leaf indexes have no gaps and no
// duplicates; SQLite has one writer. The lock is held until the caller's
// transaction ends: append to the ledger as late in the transaction as
// possible. Hook, the hook of store.AppendEvent, does so by itself: it
// queues the transaction's leaves and appends them in a
// store.Tx.BeforeCommit function, just before COMMIT.
//
// The checkpoint format, key hashes and the leaf encoding are specified in
// docs/ledger.md, for independent verifiers.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/transparency-dev/merkle/compact"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// headID is the primary key of ledger_head's one row.
const headID = 1

// rf builds compact ranges with the SM3 node hash.
var rf = &compact.RangeFactory{Hash: Hasher{}.HashChildren}

// Head is the state of the tree: its size (number of leaves) and root hash.
type Head struct {
	Size uint64
	Root []byte
}

// Append adds one leaf with the given data (hashed as SM3(0x00 || data)) to
// the tree inside tx, the caller's write transaction, and returns its index.
// The leaf is part of the tree exactly when tx commits. It locks the head
// at once (PostgreSQL, MySQL) until tx ends; Hook defers that to the
// commit.
func Append(ctx context.Context, tx *store.Tx, leafData []byte) (uint64, error) {
	return appendLeaves(ctx, tx, []newLeaf{{hash: Hasher{}.HashLeaf(leafData)}})
}

// AppendEvent adds event e to the tree (leaf data EventLeaf(e)) at once and
// records which event the leaf is, so that its proof can be found by event
// id. An event can be appended once: a second time is an apperr.Conflict.
func AppendEvent(ctx context.Context, tx *store.Tx, e store.Event) (uint64, error) {
	l, err := eventLeaf(e)
	if err != nil {
		return 0, err
	}
	return appendLeaves(ctx, tx, []newLeaf{l})
}

// newLeaf is a leaf to append: its hash and, for an event, which event.
type newLeaf struct {
	hash []byte
	seq  int64  // 0: not an event
	id   string // "": not an event
}

func eventLeaf(e store.Event) (newLeaf, error) {
	if e.Seq <= 0 || e.ID == "" {
		return newLeaf{}, apperr.New(apperr.Invalid, "ledger.bad_event", "事件尚未保存，不能记入账本", "the event has not been stored and cannot enter the ledger")
	}
	data, err := EventLeaf(e)
	if err != nil {
		return newLeaf{}, err
	}
	return newLeaf{hash: Hasher{}.HashLeaf(data), seq: e.Seq, id: e.ID}, nil
}

// Hook is the store.AppendHook that puts every stored event into the
// ledger in the event's own transaction. It hashes the event's leaf at once
// but stages it (store.Tx.Stage): the transaction's leaves are appended
// together just before COMMIT, so that the head row, which every appender
// must lock, is held only for those few statements and the commit, not for
// the rest of the state change. Under SQLite's group commit the leaves of
// all the writes sharing the commit are appended at once, in order; a write
// rolled back to its savepoint leaves no leaf.
func Hook(ctx context.Context, tx *store.Tx, e store.Event) error {
	l, err := eventLeaf(e)
	if err != nil {
		return err
	}
	tx.Stage(stageKey{}, l, flushLeaves)
	return nil
}

// flushLeaves appends the leaves staged by Hook: once per commit, for every
// event of the transaction (under SQLite's group commit, of every write in
// it).
func flushLeaves(ctx context.Context, tx *store.Tx, items []any) error {
	leaves := make([]newLeaf, len(items))
	for i, it := range items {
		leaves[i] = it.(newLeaf)
	}
	_, err := appendLeaves(ctx, tx, leaves)
	return err
}

var _ store.AppendHook = Hook

// stageKey keys the leaves a transaction stages (store.Tx.Stage).
type stageKey struct{}

// maxRows bounds the rows of one multi-row INSERT, far below every
// dialect's limit on statement parameters.
const maxRows = 400

// appendLeaves appends leaves in order and returns the index of the first.
// Four statements whatever the number of leaves and the size of the tree
// (two on PostgreSQL), unless they exceed maxRows rows.
func appendLeaves(ctx context.Context, tx *store.Tx, leaves []newLeaf) (uint64, error) {
	if len(leaves) == 0 {
		return 0, nil
	}
	size, frontier, err := lockHead(ctx, tx)
	if err != nil {
		return 0, err
	}
	r, err := rf.NewRange(0, size, frontier)
	if err != nil {
		return 0, corrupt(fmt.Errorf("head frontier: %w", err))
	}
	now := tx.Now().UTC().UnixMilli()
	var leafRows, nodeRows []any // 5 and 3 values a row
	visit := func(id compact.NodeID, hash []byte) {
		if id.Level > 0 {
			nodeRows = append(nodeRows, int(id.Level), int64(id.Index), hash)
		}
	}
	for i, l := range leaves {
		var seq, id any // NULL for a leaf that is not an event
		if l.id != "" {
			seq, id = l.seq, l.id
		}
		leafRows = append(leafRows, int64(size)+int64(i), seq, id, l.hash, now)
		if err := r.Append(l.hash, visit); err != nil {
			return 0, corrupt(fmt.Errorf("append to frontier: %w", err))
		}
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		return 0, corrupt(fmt.Errorf("root: %w", err))
	}
	end := size + uint64(len(leaves))
	headQ := `UPDATE ledger_head SET tree_size=?, root=?, frontier=?, updated_at=? WHERE id=? AND tree_size=?`
	headArgs := []any{int64(end), root, joinHashes(r.Hashes()), now, headID, int64(size)}
	const leafCols = `INSERT INTO ledger_leaves (leaf_index, event_seq, event_id, leaf_hash, appended_at) VALUES `
	const nodeCols = `INSERT INTO ledger_nodes (node_level, node_index, hash) VALUES `
	var res sql.Result
	if tx.Dialect() == store.Postgres && len(leaves) <= maxRows && len(nodeRows)/3 <= maxRows {
		// One statement, one round trip, for the three writes: the head
		// stays locked for less time, and every appender waits for it.
		q := `WITH l AS (` + leafCols + rowsSQL(5, len(leafRows)/5) + `)`
		args := leafRows
		if len(nodeRows) > 0 {
			q += `, n AS (` + nodeCols + rowsSQL(3, len(nodeRows)/3) + `)`
			args = append(args, nodeRows...)
		}
		res, err = tx.Exec(ctx, q+` `+headQ, append(args, headArgs...)...)
	} else {
		if err = insertRows(ctx, tx, leafCols, 5, leafRows); err != nil {
			return 0, err
		}
		if err = insertRows(ctx, tx, nodeCols, 3, nodeRows); err != nil {
			return 0, err
		}
		res, err = tx.Exec(ctx, headQ, headArgs...)
	}
	if err != nil {
		return 0, err
	}
	if err := store.CheckVersion(res); err != nil {
		return 0, err
	}
	return size, nil
}

// rowsSQL is "(?,…,?),(?,…,?)…": n rows of per placeholders.
func rowsSQL(per, n int) string {
	row := "(" + strings.Repeat("?,", per-1) + "?)"
	return row + strings.Repeat(","+row, n-1)
}

// insertRows inserts rows (per values each) in statements of at most
// maxRows rows.
func insertRows(ctx context.Context, tx *store.Tx, prefix string, per int, rows []any) error {
	for len(rows) > 0 {
		n := min(len(rows)/per, maxRows)
		if _, err := tx.Exec(ctx, prefix+rowsSQL(per, n), rows[:n*per]...); err != nil {
			return err
		}
		rows = rows[n*per:]
	}
	return nil
}

// lockHead reads the tree size and frontier, locking the head row until the
// transaction ends (SQLite's single writer needs no lock).
func lockHead(ctx context.Context, tx *store.Tx) (uint64, [][]byte, error) {
	// The head's id is a parameter, not a literal, only because SQLite's
	// statement cache (store/sqlite_stmtcache.go) keeps just statements
	// with arguments prepared.
	q := `SELECT tree_size, frontier FROM ledger_head WHERE id=?`
	if tx.Dialect() != store.SQLite {
		q += ` FOR UPDATE`
	}
	var size int64
	var frontier []byte
	if err := tx.QueryRow(ctx, q, headID).Scan(&size, &frontier); err != nil {
		return 0, nil, headError(tx, err)
	}
	hashes, err := splitHashes(frontier, bits.OnesCount64(uint64(size)))
	if err != nil || size < 0 {
		return 0, nil, corrupt(fmt.Errorf("head: size %d, frontier of %d bytes", size, len(frontier)))
	}
	return uint64(size), hashes, nil
}

// ReadHead returns the current size and root of the tree.
func ReadHead(ctx context.Context, tx *store.Tx) (Head, error) {
	var size int64
	var root []byte
	if err := tx.QueryRow(ctx, `SELECT tree_size, root FROM ledger_head WHERE id=?`, headID).Scan(&size, &root); err != nil {
		return Head{}, headError(tx, err)
	}
	if size < 0 || (size > 0 && len(root) != HashSize) {
		return Head{}, corrupt(fmt.Errorf("head: size %d, root of %d bytes", size, len(root)))
	}
	if size == 0 {
		root = Hasher{}.EmptyRoot()
	}
	return Head{Size: uint64(size), Root: root}, nil
}

func headError(tx *store.Tx, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return corrupt(errors.New("ledger_head has no row (migration 00004 not applied?)"))
	}
	return store.MapError(tx.Dialect(), err)
}

// Leaf is one stored leaf.
type Leaf struct {
	Index    uint64
	EventSeq int64  // 0 for a leaf that is not an event
	EventID  string // "" for a leaf that is not an event
	Hash     []byte
}

// LeafOfEvent returns the leaf that records the event with the given id:
// apperr.NotFound if the event is not (yet) in the ledger.
func LeafOfEvent(ctx context.Context, tx *store.Tx, eventID string) (Leaf, error) {
	var l Leaf
	var idx, seq int64
	err := tx.QueryRow(ctx, `SELECT leaf_index, event_seq, leaf_hash FROM ledger_leaves WHERE event_id=?`, eventID).Scan(&idx, &seq, &l.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Leaf{}, apperr.Newf(apperr.NotFound, "ledger.event_not_found", "账本中没有事件 %s", "event %s is not in the ledger", eventID)
	}
	if err != nil {
		return Leaf{}, store.MapError(tx.Dialect(), err)
	}
	l.Index, l.EventSeq, l.EventID = uint64(idx), seq, eventID
	return l, nil
}

func joinHashes(hs [][]byte) []byte {
	b := make([]byte, 0, len(hs)*HashSize)
	for _, h := range hs {
		b = append(b, h...)
	}
	return b
}

func splitHashes(b []byte, n int) ([][]byte, error) {
	if len(b) != n*HashSize {
		return nil, fmt.Errorf("%d bytes for %d hashes", len(b), n)
	}
	out := make([][]byte, n)
	for i := range out {
		out[i] = b[i*HashSize : (i+1)*HashSize : (i+1)*HashSize]
	}
	return out, nil
}

// corrupt reports stored ledger data that contradicts itself: an internal
// error (the operator's `tongban ledger verify` says more), never the
// caller's fault.
func corrupt(cause error) error {
	e := apperr.New(apperr.Internal, "ledger.corrupt", "账本数据不一致，请运行账本校验", "the ledger's stored data is inconsistent; run the ledger verification")
	e.Err = cause
	return e
}
