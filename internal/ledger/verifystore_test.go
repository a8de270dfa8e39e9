package ledger_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

func newNotary(t *testing.T) *ledger.Notary {
	t.Helper()
	sk, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, ek, _ := ed25519.GenerateKey(rand.Reader)
	n, err := ledger.NewNotary(testOrigin, sk, ek)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func checkpoint(t *testing.T, db *store.DB, n *ledger.Notary) ledger.SignedCheckpoint {
	t.Helper()
	var c ledger.SignedCheckpoint
	write(t, db, func(tx *store.Tx) (err error) {
		c, _, err = n.Checkpoint(context.Background(), tx)
		return err
	})
	return c
}

// Events written before the ledger enter it once, at the first start;
// afterwards an event without a leaf is a finding, never appended quietly.
func TestBackfill(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		write(t, db, func(tx *store.Tx) error {
			for i := range 5 {
				if _, err := store.AppendEvent(ctx, tx, store.Event{ProjectID: "P", Kind: "k", Opinion: fmt.Sprint(i), Data: map[string]any{"x": 1.5}, At: time.Now()}, nil); err != nil {
					return err
				}
			}
			return nil
		})
		for want := range []int{5, 0} {
			n, err := ledger.Backfill(ctx, db)
			if err != nil || n != []int{5, 0}[want] {
				t.Fatalf("Backfill = %d, %v; want %d", n, err, []int{5, 0}[want])
			}
		}
		checkStore(t, db, 5)
		write(t, db, func(tx *store.Tx) error {
			_, err := store.AppendEvent(ctx, tx, store.Event{ProjectID: "P", Kind: "forged", At: time.Now()}, nil)
			return err
		})
		if n, err := ledger.Backfill(ctx, db); n != 0 || err != nil {
			t.Errorf("Backfill of a non-empty ledger = %d, %v", n, err)
		}
		err := db.Read(ctx, func(tx *store.Tx) error { _, err := ledger.CheckEvents(ctx, tx); return err })
		if ae := apperr.As(err); ae.Key != "ledger.tampered" || !strings.Contains(ae.EN, "event 6") || !strings.Contains(ae.EN, "not in the ledger") {
			t.Errorf("event without a leaf: %v", err)
		}
	})
}

// TestVerifyStoreDetectsTampering edits, deletes, reorders and inserts
// rows of the events, the ledger and its checkpoints directly in each
// database, and expects VerifyStore to name the first bad thing.
func TestVerifyStoreDetectsTampering(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n := newNotary(t)
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		add := func(from, to int) {
			write(t, db, func(tx *store.Tx) error {
				for i := from; i < to; i++ {
					if _, err := store.AppendEvent(ctx, tx, store.Event{ProjectID: "P", Kind: "task.approve", Opinion: fmt.Sprint("意见 ", i),
						Data: map[string]any{"i": i}, At: at.Add(time.Duration(i) * time.Minute)}, ledger.Hook); err != nil {
						return err
					}
				}
				return nil
			})
		}
		add(0, 6)
		checkpoint(t, db, n)
		add(6, 13)
		checkpoint(t, db, n)
		trust := ledger.FixedVerifiers(n.Verifiers()...)
		var rep ledger.StoreReport
		read(t, db, func(tx *store.Tx) (err error) { rep, err = ledger.VerifyStore(ctx, tx, trust); return err })
		if rep.Head.Size != 13 || rep.Events != 13 || rep.Checkpoints != 2 || rep.Latest.Size != 13 {
			t.Fatalf("untouched: %+v", rep)
		}
		other := newNotary(t)
		undo := errors.New("undo")
		sqls := func(qs ...string) func(*store.Tx) error {
			return func(tx *store.Tx) error {
				for _, q := range qs {
					if d := tx.Dialect(); d == store.MySQL || d == store.Postgres {
						q = strings.ReplaceAll(q, "' || CHAR(10) || '", "\n")
					}
					if _, err := tx.Exec(ctx, q); err != nil {
						return fmt.Errorf("%s: %w", q, err)
					}
				}
				return nil
			}
		}
		ms := func(i int) int64 { return at.Add(time.Duration(i) * time.Minute).UnixMilli() }
		for _, c := range []struct {
			name, want string
			tamper     func(*store.Tx) error
			trust      ledger.VerifiersFor
		}{
			{"opinion edited", "event 4 (", sqls(`UPDATE events SET opinion='同意' WHERE seq=4`), nil},
			{"data edited", "event 9 (", sqls(`UPDATE events SET data='{"i":99}' WHERE seq=9`), nil},
			{"data re-spaced (same canonical JSON)", "", sqls(`UPDATE events SET data='{ "i" : 9 }' WHERE seq=10`), nil},
			{"event deleted", "records event 5", sqls(`DELETE FROM events WHERE seq=5`), nil},
			{"events reordered", "event 2 (", sqls(
				fmt.Sprintf(`UPDATE events SET opinion='意见 2', data='{"i":2}', at=%d WHERE seq=2`, ms(2)),
				fmt.Sprintf(`UPDATE events SET opinion='意见 1', data='{"i":1}', at=%d WHERE seq=3`, ms(1))), nil},
			{"event inserted", "is not in the ledger", sqls(`INSERT INTO events (id, project_id, stage_id, task_id, kind, actor_id, actor_name, actor_role, from_state, to_state, from_level, to_level, opinion, data, at)
VALUES ('01JFORGED00000000000000000', 'P', '', '', 'task.approve', '', '', '', '', '', 0, 0, '伪造', '{}', 0)`), nil},
			{"checkpoint note edited", "checkpoint of size 6", sqls(`UPDATE ledger_checkpoints SET note=REPLACE(note, 'tongban.example/ledger' || CHAR(10) || '6', 'tongban.example/ledger' || CHAR(10) || '5') WHERE tree_size=6`), nil},
			{"checkpoint root column edited", "stored size or root differs", sqls(`UPDATE ledger_checkpoints SET root=(SELECT root FROM ledger_head) WHERE tree_size=6`), nil},
			// History rewritten consistently (the last entry, its event,
			// the node it completed and the head rewound): only the
			// signed checkpoint still tells.
			{"tail truncated", "the tree has fewer entries", func(tx *store.Tx) error {
				root, err := ledger.RootAt(ctx, tx, 12)
				if err != nil {
					return err
				}
				var n30, n22 []byte
				if err := tx.QueryRow(ctx, `SELECT hash FROM ledger_nodes WHERE node_level=3 AND node_index=0`).Scan(&n30); err != nil {
					return err
				}
				if err := tx.QueryRow(ctx, `SELECT hash FROM ledger_nodes WHERE node_level=2 AND node_index=2`).Scan(&n22); err != nil {
					return err
				}
				if err := sqls(`DELETE FROM events WHERE seq > 12`, `DELETE FROM ledger_leaves WHERE leaf_index > 11`)(tx); err != nil {
					return err
				}
				_, err = tx.Exec(ctx, `UPDATE ledger_head SET tree_size=12, root=?, frontier=?`, root, append(n30, n22...))
				return err
			}, nil},
			{"other keys", "no signature by a trusted key", sqls(), ledger.FixedVerifiers(other.Verifiers()...)},
		} {
			err := db.Write(ctx, func(tx *store.Tx) error {
				if err := c.tamper(tx); err != nil {
					return err
				}
				tr := c.trust
				if tr == nil {
					tr = trust
				}
				_, err := ledger.VerifyStore(ctx, tx, tr)
				ae := apperr.As(err)
				switch {
				case c.want == "" && err != nil:
					t.Errorf("%s: %v, want no finding", c.name, err)
				case c.want != "" && (ae.Code != apperr.Conflict || ae.Key != "ledger.tampered" || !strings.Contains(ae.EN, c.want)):
					t.Errorf("%s: %v, want a finding naming %q", c.name, err, c.want)
				}
				return undo
			})
			if !errors.Is(err, undo) {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
	})
}
