package ledger_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

func write(t testing.TB, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func read(t testing.TB, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Read(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func mustHead(t testing.TB, db *store.DB) ledger.Head {
	t.Helper()
	var h ledger.Head
	read(t, db, func(tx *store.Tx) (err error) {
		h, err = ledger.ReadHead(context.Background(), tx)
		return err
	})
	return h
}

// TestAppendProveEveryDialect appends leaves one by one (three per
// transaction) and checks, on every dialect, for every size up to n: the
// root (RootAt and the head), every inclusion proof and every consistency
// proof, byte for byte against the naive RFC 6962 tree and with
// transparency-dev/merkle's verifiers.
func TestAppendProveEveryDialect(t *testing.T) {
	const n = 70 // crosses 64, so that proofs span several perfect subtrees
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := ledger.Hasher{}
		if got := mustHead(t, db); got.Size != 0 || !bytes.Equal(got.Root, h.EmptyRoot()) {
			t.Fatalf("empty head = %d %x", got.Size, got.Root)
		}
		rt := newRef()
		for i := 0; i < n; i += 3 {
			write(t, db, func(tx *store.Tx) error {
				for j := i; j < min(i+3, n); j++ {
					idx, err := ledger.Append(ctx, tx, leafData(j))
					if err != nil {
						return err
					}
					if idx != uint64(j) {
						return fmt.Errorf("Append #%d returned index %d", j, idx)
					}
				}
				return nil
			})
		}
		for j := range n {
			rt.add(leafData(j))
		}
		if got := mustHead(t, db); got.Size != n || !bytes.Equal(got.Root, rt.root(n)) {
			t.Fatalf("head = %d %x, want %d %x", got.Size, got.Root, n, rt.root(n))
		}
		read(t, db, func(tx *store.Tx) error {
			for size := 0; size <= n; size++ {
				root, err := ledger.RootAt(ctx, tx, uint64(size))
				if err != nil || !bytes.Equal(root, rt.root(size)) {
					t.Fatalf("RootAt(%d) = %x, %v; want %x", size, root, err, rt.root(size))
				}
				for i := range size {
					p, err := ledger.InclusionProof(ctx, tx, uint64(i), uint64(size))
					if err != nil {
						t.Fatalf("InclusionProof(%d, %d): %v", i, size, err)
					}
					if !equalProofs(p, rt.path(i, 0, size)) {
						t.Fatalf("InclusionProof(%d, %d) = %x, want %x", i, size, p, rt.path(i, 0, size))
					}
					if err := proof.VerifyInclusion(h, uint64(i), uint64(size), rt.leaves[i], p, root); err != nil {
						t.Fatalf("InclusionProof(%d, %d) does not verify: %v", i, size, err)
					}
				}
				for m := 0; m <= size; m++ {
					p, err := ledger.ConsistencyProof(ctx, tx, uint64(m), uint64(size))
					if err != nil {
						t.Fatalf("ConsistencyProof(%d, %d): %v", m, size, err)
					}
					if !equalProofs(p, rt.proof(m, size)) {
						t.Fatalf("ConsistencyProof(%d, %d) = %x, want %x", m, size, p, rt.proof(m, size))
					}
					if err := proof.VerifyConsistency(h, uint64(m), uint64(size), p, rt.root(m), root); err != nil {
						t.Fatalf("ConsistencyProof(%d, %d) does not verify: %v", m, size, err)
					}
				}
			}
			return nil
		})
		if got, err := audit(db); err != nil || got.Size != n {
			t.Fatalf("Audit = %d, %v", got.Size, err)
		}
	})
}

func audit(db *store.DB) (ledger.Head, error) {
	var h ledger.Head
	err := db.Read(context.Background(), func(tx *store.Tx) (err error) {
		h, err = ledger.Audit(context.Background(), tx, nil)
		return err
	})
	return h, err
}

func TestProofBadInput(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		write(t, db, func(tx *store.Tx) error {
			return ledger.BulkAppend(ctx, tx, 5, func(i uint64) []byte { return leafData(int(i)) })
		})
		for _, c := range []struct {
			name string
			fn   func(tx *store.Tx) error
			key  string
		}{
			{"index = size", func(tx *store.Tx) error { _, err := ledger.InclusionProof(ctx, tx, 3, 3); return err }, "ledger.bad_index"},
			{"size beyond tree", func(tx *store.Tx) error { _, err := ledger.InclusionProof(ctx, tx, 0, 6); return err }, "ledger.bad_size"},
			{"empty tree", func(tx *store.Tx) error { _, err := ledger.InclusionProof(ctx, tx, 0, 0); return err }, "ledger.bad_index"},
			{"size1 > size2", func(tx *store.Tx) error { _, err := ledger.ConsistencyProof(ctx, tx, 4, 3); return err }, "ledger.bad_size"},
			{"size2 beyond tree", func(tx *store.Tx) error { _, err := ledger.ConsistencyProof(ctx, tx, 1, 9); return err }, "ledger.bad_size"},
			{"root beyond tree", func(tx *store.Tx) error { _, err := ledger.RootAt(ctx, tx, 6); return err }, "ledger.bad_size"},
			{"unknown event", func(tx *store.Tx) error { _, err := ledger.LeafOfEvent(ctx, tx, "nope"); return err }, "ledger.event_not_found"},
			{"no checkpoint", func(tx *store.Tx) error { _, err := ledger.LatestCheckpoint(ctx, tx); return err }, "ledger.no_checkpoint"},
		} {
			err := db.Read(ctx, c.fn)
			if ae := apperr.As(err); err == nil || ae.Key != c.key || ae.ZH == "" || ae.EN == "" {
				t.Errorf("%s: err = %v, want key %s with both messages", c.name, err, c.key)
			}
		}
	})
}

// TestEventHook appends events through store.AppendEvent with ledger.Hook,
// as the workflow does, and checks that each event's leaf can be found and
// recomputed from the stored row, and that an event cannot be ledgered
// twice. The hook appends at commit: the plain leaf appended at once in the
// same transaction comes first.
func TestEventHook(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
		var events []store.Event
		write(t, db, func(tx *store.Tx) error {
			for i := range 5 {
				e, err := store.AppendEvent(ctx, tx, store.Event{
					ProjectID: "P1", TaskID: fmt.Sprint("T", i), Kind: "task.approve", ActorName: "李四",
					Opinion: "同意", Data: map[string]any{"n": i, "big": 1 << 40, "note": "<b>&"}, At: at,
				}, ledger.Hook)
				events = append(events, e)
				if err != nil {
					return err
				}
			}
			_, err := ledger.Append(ctx, tx, []byte("not an event"))
			return err
		})
		read(t, db, func(tx *store.Tx) error {
			stored, err := store.ListEvents(ctx, tx, "P1", "")
			if err != nil {
				return err
			}
			for i, e := range stored {
				l, err := ledger.LeafOfEvent(ctx, tx, e.ID)
				if err != nil {
					return err
				}
				if l.Index != uint64(i+1) || l.EventSeq != e.Seq || l.EventID != e.ID {
					t.Errorf("event %d: leaf %+v", i, l)
				}
				var raw string
				if err := tx.QueryRow(ctx, `SELECT data FROM events WHERE id=?`, e.ID).Scan(&raw); err != nil {
					return err
				}
				fromRow, err := ledger.EventLeafRaw(e, []byte(raw))
				if err != nil {
					return err
				}
				fromRead, err := ledger.EventLeaf(e)
				if err != nil {
					return err
				}
				if want := (ledger.Hasher{}).HashLeaf(fromRow); !bytes.Equal(l.Hash, want) || !bytes.Equal(fromRow, fromRead) {
					t.Errorf("event %d: stored leaf hash %x, recomputed %x", i, l.Hash, want)
				}
			}
			// Audit's callback sees every leaf, events and the plain one.
			var seen []ledger.Leaf
			if _, err := ledger.Audit(ctx, tx, func(l ledger.Leaf) error { seen = append(seen, l); return nil }); err != nil {
				return err
			}
			if len(seen) != 6 || seen[0].EventID != "" || seen[0].EventSeq != 0 || seen[1].EventID != events[0].ID {
				t.Errorf("Audit saw %+v", seen)
			}
			return nil
		})
		err := db.Write(ctx, func(tx *store.Tx) error { _, err := ledger.AppendEvent(ctx, tx, events[2]); return err })
		if !apperr.Is(err, apperr.Conflict) {
			t.Errorf("second AppendEvent of one event: err = %v, want conflict", err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error { _, err := ledger.AppendEvent(ctx, tx, store.Event{Kind: "x"}); return err })
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("AppendEvent of an unsaved event: err = %v, want invalid", err)
		}
		if h := mustHead(t, db); h.Size != 6 {
			t.Errorf("size after failed appends = %d, want 6", h.Size)
		}
	})
}

// TestRollback: an append whose transaction fails leaves no trace, also
// inside SQLite's group commit, where it is rolled back to its savepoint
// while concurrent writes commit.
func TestRollback(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				err := db.Write(ctx, func(tx *store.Tx) error {
					if _, err := ledger.Append(ctx, tx, leafData(i)); err != nil {
						return err
					}
					if i%2 == 1 {
						return boom
					}
					return nil
				})
				if (i%2 == 1) != errors.Is(err, boom) {
					t.Errorf("write %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		h, err := audit(db)
		if err != nil || h.Size != 10 {
			t.Fatalf("Audit = %d, %v; want 10 leaves", h.Size, err)
		}
	})
}

// TestConcurrentAppends runs many writers, each in transactions of its own,
// through two handles on one database (two instances of the server), and
// checks that the result is one gap-free tree equal to the tree rebuilt
// from the stored leaves, holding every leaf exactly once.
func TestConcurrentAppends(t *testing.T) {
	const writers, each = 24, 10
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := storetest.FreshDSN(t, d)
			dbs := []*store.DB{storetest.OpenDSN(t, dsn, dir)}
			if d != store.SQLite { // SQLite's second handle would only queue on the file lock
				dbs = append(dbs, storetest.OpenDSN(t, dsn, dir))
			}
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					db := dbs[w%len(dbs)]
					for k := range each {
						err := db.Write(ctx, func(tx *store.Tx) error {
							_, err := ledger.Append(ctx, tx, fmt.Appendf(nil, "writer %d leaf %d", w, k))
							return err
						})
						if err != nil {
							t.Errorf("writer %d: %v", w, err)
							return
						}
					}
				})
			}
			wg.Wait()
			h, err := audit(dbs[0])
			if err != nil || h.Size != writers*each {
				t.Fatalf("Audit = %d, %v; want %d leaves", h.Size, err, writers*each)
			}
			want := map[string]bool{}
			for w := range writers {
				for k := range each {
					want[string(ledger.Hasher{}.HashLeaf(fmt.Appendf(nil, "writer %d leaf %d", w, k)))] = true
				}
			}
			read(t, dbs[0], func(tx *store.Tx) error {
				rows, err := tx.Query(ctx, `SELECT leaf_hash FROM ledger_leaves`)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var h []byte
					if err := rows.Scan(&h); err != nil {
						return err
					}
					if !want[string(h)] {
						t.Errorf("leaf %x unexpected or twice", h)
					}
					delete(want, string(h))
				}
				return rows.Err()
			})
			if len(want) != 0 {
				t.Errorf("%d leaves missing", len(want))
			}
		})
	}
}

// TestAuditDetectsTampering edits, deletes and reorders rows directly in
// the database and expects Audit to name what differs.
func TestAuditDetectsTampering(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		write(t, db, func(tx *store.Tx) error {
			return ledger.BulkAppend(ctx, tx, 21, func(i uint64) []byte { return leafData(int(i)) })
		})
		// BulkAppend (the benchmarks' builder) writes what Append writes.
		rt := newRef()
		for i := range 21 {
			rt.add(leafData(i))
		}
		if h, err := audit(db); err != nil || !bytes.Equal(h.Root, rt.root(21)) {
			t.Fatalf("Audit = %x, %v; want root %x", h.Root, err, rt.root(21))
		}
		undo := errors.New("undo")
		x := bytes.Repeat([]byte{7}, 32)
		for _, c := range []struct {
			name, want string
			sql        []string
			args       [][]any
		}{
			{"leaf edited", "node (level 1, index 2) differs",
				[]string{`UPDATE ledger_leaves SET leaf_hash=? WHERE leaf_index=5`}, [][]any{{x}}},
			{"last leaf edited", "differs from the rebuilt root",
				[]string{`UPDATE ledger_leaves SET leaf_hash=? WHERE leaf_index=20`}, [][]any{{x}}},
			{"leaf deleted", "leaf 7 is missing",
				[]string{`DELETE FROM ledger_leaves WHERE leaf_index=7`}, nil},
			{"last leaf deleted", "the head says 21 leaves, 20 are stored",
				[]string{`DELETE FROM ledger_leaves WHERE leaf_index=20`}, nil},
			{"leaves swapped", "node (level 1, index 1) differs",
				[]string{`UPDATE ledger_leaves SET leaf_index=100 WHERE leaf_index=2`, `UPDATE ledger_leaves SET leaf_index=2 WHERE leaf_index=3`, `UPDATE ledger_leaves SET leaf_index=3 WHERE leaf_index=100`}, nil},
			{"node edited", "node (level 2, index 3) differs",
				[]string{`UPDATE ledger_nodes SET hash=? WHERE node_level=2 AND node_index=3`}, [][]any{{x}}},
			{"node deleted", "node (level 3, index 0) is missing",
				[]string{`DELETE FROM ledger_nodes WHERE node_level=3 AND node_index=0`}, nil},
			{"node added", "node (level 1, index 10) is not part of the tree",
				[]string{`INSERT INTO ledger_nodes (node_level, node_index, hash) VALUES (1, 10, ?)`}, [][]any{{x}}},
			{"root edited", "root",
				[]string{`UPDATE ledger_head SET root=?`}, [][]any{{x}}},
			{"size edited", "the head says 20 leaves, 21 are stored",
				[]string{`UPDATE ledger_head SET tree_size=20`}, nil},
		} {
			err := db.Write(ctx, func(tx *store.Tx) error {
				for i, q := range c.sql {
					var args []any
					if i < len(c.args) {
						args = c.args[i]
					}
					if _, err := tx.Exec(ctx, q, args...); err != nil {
						return err
					}
				}
				_, err := ledger.Audit(ctx, tx, nil)
				if ae := apperr.As(err); err == nil || ae.Code != apperr.Conflict || !bytes.Contains([]byte(ae.EN), []byte(c.want)) {
					t.Errorf("%s: Audit = %v, want conflict naming %q", c.name, err, c.want)
				}
				return undo
			})
			if !errors.Is(err, undo) {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		// The callback's error stops the audit: the verify command uses it
		// to compare leaf hashes with recomputed event leaves.
		stop := errors.New("leaf 4 does not match its event")
		err := db.Read(ctx, func(tx *store.Tx) error {
			_, err := ledger.Audit(ctx, tx, func(l ledger.Leaf) error {
				if l.Index == 4 {
					return stop
				}
				return nil
			})
			return err
		})
		if !errors.Is(err, stop) {
			t.Errorf("Audit with a failing check = %v", err)
		}
		if _, err := audit(db); err != nil {
			t.Errorf("after the undone tampering: %v", err)
		}
	})
}

// TestCheckpointStore signs the tree head and stores the note.
func TestCheckpointStore(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		signers, verifiers := testKeys(t)
		for _, n := range []uint64{3, 9} {
			write(t, db, func(tx *store.Tx) error {
				if err := ledger.BulkAppend(ctx, tx, n, func(i uint64) []byte { return leafData(int(i)) }); err != nil {
					return err
				}
				h, err := ledger.ReadHead(ctx, tx)
				if err != nil {
					return err
				}
				c := ledger.Checkpoint{Origin: testOrigin, Size: h.Size, Root: h.Root}
				msg, err := ledger.Sign(c, signers...)
				if err != nil {
					return err
				}
				return ledger.SaveCheckpoint(ctx, tx, c, msg)
			})
		}
		var msg []byte
		read(t, db, func(tx *store.Tx) (err error) {
			msg, err = ledger.LatestCheckpoint(ctx, tx)
			return err
		})
		c, err := ledger.Verify(msg, testOrigin, verifiers...)
		if err != nil || c.Size != 12 || !bytes.Equal(c.Root, mustHead(t, db).Root) {
			t.Fatalf("latest checkpoint = %+v, %v", c, err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error { return ledger.SaveCheckpoint(ctx, tx, c, msg) })
		if !apperr.Is(err, apperr.Conflict) {
			t.Errorf("second checkpoint for one size: err = %v, want conflict", err)
		}
	})
}
