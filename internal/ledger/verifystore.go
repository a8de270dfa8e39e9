package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// StoreReport is what VerifyStore checked.
type StoreReport struct {
	Head        Head // the rebuilt tree
	Events      int  // events recomputed and matched with their leaves
	Checkpoints int  // checkpoints whose signatures and roots verified
	Latest      *Checkpoint
}

// VerifyStore checks everything the ledger's tables and the events table
// say, as `tongban ledger verify --data DIR` does:
//
//  1. Audit: the tree rebuilt from the stored leaves equals every stored
//     node and the head;
//  2. every event row, its leaf recomputed from the row, equals the leaf
//     that records it, and every leaf that records an event has its row
//     (CheckEvents);
//  3. every stored checkpoint is signed by every one of the keys verifiers
//     gives for its origin, and its size and root are those of the tree
//     (CheckCheckpoints).
//
// The first difference is an apperr.Conflict (key ledger.tampered) naming
// the entry, event or checkpoint.
func VerifyStore(ctx context.Context, tx *store.Tx, verifiers VerifiersFor) (StoreReport, error) {
	var rep StoreReport
	h, err := Audit(ctx, tx, nil)
	if err != nil {
		return rep, err
	}
	rep.Head = h
	if rep.Events, err = CheckEvents(ctx, tx); err != nil {
		return rep, err
	}
	if rep.Checkpoints, rep.Latest, err = CheckCheckpoints(ctx, tx, verifiers); err != nil {
		return rep, err
	}
	return rep, nil
}

// CheckEvents recomputes the leaf of every stored event from its row and
// compares it with the leaf that records the event; then looks for leaves
// whose event row is gone. It reports the first event (by sequence
// number) that differs, lacks a leaf, or is missing.
func CheckEvents(ctx context.Context, tx *store.Tx) (int, error) {
	rows, err := tx.Query(ctx, `SELECT `+eventCols+`, l.leaf_index, l.event_id, l.leaf_hash
FROM events e LEFT JOIN ledger_leaves l ON l.event_seq = e.seq ORDER BY e.seq`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	// Reading the rows is the connection's work and recomputing their
	// leaves (canonical JSON, SM3) is CPU work of the same order: a checker
	// goroutine does the second, in order, while this one reads the next
	// rows, so that a full verification can use two cores.
	batches := make(chan []eventRow, 4)
	failed := make(chan struct{}) // closed by the checker at its finding
	checked := make(chan checkResult, 1)
	go func() {
		var res checkResult
		for batch := range batches {
			for _, r := range batch {
				if res.err != nil {
					break
				}
				if res.err = r.check(); res.err == nil {
					res.n++
				} else {
					close(failed)
				}
			}
		}
		checked <- res
	}()
	const batchSize = 256
	batch := make([]eventRow, 0, batchSize)
	var scanErr error
read:
	for rows.Next() {
		var r eventRow
		if r.RecordEvent, scanErr = scanEvent(rows, &r.idx, &r.id, &r.hash); scanErr != nil {
			break
		}
		if batch = append(batch, r); len(batch) == batchSize {
			select {
			case batches <- batch:
			case <-failed:
				break read
			}
			batch = make([]eventRow, 0, batchSize)
		}
	}
	if scanErr == nil {
		scanErr = rows.Err()
	}
	batches <- batch // the checker reads until batches closes, even after a finding
	close(batches)
	res := <-checked
	// A finding in the rows read comes before the error that stopped
	// reading further.
	if res.err != nil {
		return res.n, res.err
	}
	if scanErr != nil {
		return res.n, store.MapError(tx.Dialect(), scanErr)
	}
	n := res.n
	rows.Close()
	var idx, seq int64
	var id string
	err = tx.QueryRow(ctx, `SELECT l.leaf_index, l.event_seq, l.event_id FROM ledger_leaves l LEFT JOIN events e ON e.seq = l.event_seq
WHERE l.event_seq IS NOT NULL AND e.seq IS NULL ORDER BY l.leaf_index LIMIT 1`).Scan(&idx, &seq, &id)
	switch {
	case err == nil:
		return n, tampered("ledger entry %d records event %d (%s), which is no longer stored: deleted", "账本第 %d 条记录的事件 %d（%s）已不存在：被删除", idx, seq, id)
	case !errors.Is(err, sql.ErrNoRows):
		return n, store.MapError(tx.Dialect(), err)
	}
	return n, nil
}

// eventRow is an event row of CheckEvents with the leaf that records it
// (idx nil: none).
type eventRow struct {
	RecordEvent
	idx  *int64
	id   *string
	hash []byte
}

type checkResult struct {
	n   int // rows that matched before err
	err error
}

// check recomputes the row's leaf and compares it with the stored one.
func (r eventRow) check() error {
	if r.idx == nil {
		return tampered("event %d (%s, %s) is not in the ledger", "事件 %d（%s，%s）不在账本中", r.Seq, r.ID, r.Kind)
	}
	if r.id == nil || *r.id != r.ID {
		return tampered("event %d: its id %s is not the one ledger entry %d records", "事件 %d：其编号 %s 与账本第 %d 条记录的不符", r.Seq, r.ID, *r.idx)
	}
	leaf, err := EventLeafRaw(r.Event(), r.Data)
	if err != nil {
		return tampered("event %d (%s) cannot be encoded as a ledger entry (its data is not valid JSON)", "事件 %d（%s）无法编码为账本条目（数据不是有效 JSON）", r.Seq, r.ID)
	}
	if !bytes.Equal(Hasher{}.HashLeaf(leaf), r.hash) {
		return tampered("event %d (%s, %s) differs from ledger entry %d: changed after it was recorded", "事件 %d（%s，%s）与账本第 %d 条不符：记录后被改动", r.Seq, r.ID, r.Kind, *r.idx)
	}
	return nil
}

// VerifiersFor returns the keys that must have signed a checkpoint of the
// given origin (key names depend on the origin, which a deployment may
// have changed over time).
type VerifiersFor func(origin string) ([]note.Verifier, error)

// FixedVerifiers trusts the same keys whatever the origin.
func FixedVerifiers(vs ...note.Verifier) VerifiersFor {
	return func(string) ([]note.Verifier, error) { return vs, nil }
}

// CheckCheckpoints verifies every stored checkpoint, in size order: its
// note is signed by every key verifiers gives for its origin, and its
// stored size and root are the note's and the tree's (RootAt). It returns
// how many it checked and the latest.
func CheckCheckpoints(ctx context.Context, tx *store.Tx, verifiers VerifiersFor) (int, *Checkpoint, error) {
	type row struct {
		size int64
		root []byte
		note string
	}
	rows, err := tx.Query(ctx, `SELECT tree_size, root, note FROM ledger_checkpoints ORDER BY tree_size`)
	if err != nil {
		return 0, nil, err
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.size, &r.root, &r.note); err != nil {
			rows.Close()
			return 0, nil, store.MapError(tx.Dialect(), err)
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, store.MapError(tx.Dialect(), err)
	}
	var latest *Checkpoint
	for _, r := range all {
		unverified, err := parseNote([]byte(r.note))
		if err != nil {
			return 0, nil, tampered("checkpoint of size %d is malformed", "规模 %d 的检查点格式有误", r.size)
		}
		vs, err := verifiers(unverified.Origin)
		if err != nil {
			return 0, nil, err
		}
		c, err := Verify([]byte(r.note), unverified.Origin, vs...)
		if err != nil {
			ae := apperr.As(err)
			return 0, nil, &apperr.Error{Code: apperr.Conflict, Key: "ledger.tampered", Err: err,
				ZH: fmt.Sprintf("账本校验失败：规模 %d 的检查点：%s", r.size, ae.ZH), EN: fmt.Sprintf("ledger verification failed: checkpoint of size %d: %s", r.size, ae.EN)}
		}
		if int64(c.Size) != r.size || !bytes.Equal(c.Root, r.root) {
			return 0, nil, tampered("checkpoint of size %d: the stored size or root differs from its signed note", "规模 %d 的检查点：存储的规模或根与其签名内容不符", r.size)
		}
		root, err := RootAt(ctx, tx, c.Size)
		if err != nil {
			if apperr.Is(err, apperr.Invalid) {
				return 0, nil, tampered("checkpoint of size %d: the tree has fewer entries: entries were deleted", "规模 %d 的检查点：账本条目少于此数，有条目被删除", r.size)
			}
			return 0, nil, err
		}
		if !bytes.Equal(root, c.Root) {
			return 0, nil, tampered("checkpoint of size %d: the signed root %x differs from the tree's %x: entries up to %d were changed", "规模 %d 的检查点：签名的根 %x 与账本的根 %x 不符，前 %d 条中有改动",
				r.size, c.Root, root, r.size)
		}
		latest = &c
	}
	return len(all), latest, nil
}
