package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

// hookEvent stores one event through the single append point with the
// ledger's hook, as the workflow does.
func hookEvent(ctx context.Context, tx *store.Tx, project, opinion string) error {
	_, err := store.AppendEvent(ctx, tx, store.Event{ProjectID: project, Kind: "task.approve", ActorName: "王五", Opinion: opinion,
		Data: map[string]any{"opinion": opinion, "n": 1 << 60}, At: time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)}, ledger.Hook)
	return err
}

// checkStore runs VerifyStore's first two checks (tree and events) and
// wants n leaves, every one an event.
func checkStore(t *testing.T, db *store.DB, n int) {
	t.Helper()
	var got int
	var h ledger.Head
	read(t, db, func(tx *store.Tx) error {
		var err error
		if h, err = ledger.Audit(context.Background(), tx, nil); err != nil {
			return err
		}
		got, err = ledger.CheckEvents(context.Background(), tx)
		return err
	})
	if h.Size != uint64(n) || got != n {
		t.Errorf("tree of %d leaves, %d events matched; want %d and %d", h.Size, got, n, n)
	}
}

// A write that fails leaves neither its events nor their leaves: whether
// it fails in its function or in a BeforeCommit function (the staged
// leaves are appended after those, so never).
func TestHookRollsBackWithItsTransaction(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		write(t, db, func(tx *store.Tx) error {
			if err := hookEvent(ctx, tx, "P1", "一"); err != nil {
				return err
			}
			return hookEvent(ctx, tx, "P1", "二")
		})
		boom := errors.New("boom")
		for _, late := range []bool{false, true} {
			err := db.Write(ctx, func(tx *store.Tx) error {
				for i := range 3 {
					if err := hookEvent(ctx, tx, "P2", fmt.Sprint("回滚 ", i)); err != nil {
						return err
					}
				}
				if late {
					tx.BeforeCommit(func(ctx context.Context) error {
						h, err := ledger.ReadHead(ctx, tx)
						if err == nil && h.Size != 2 {
							err = fmt.Errorf("the staged leaves were appended before a BeforeCommit function: %d leaves, want 2", h.Size)
						}
						return errors.Join(boom, err)
					})
					return nil
				}
				return boom
			})
			if !errors.Is(err, boom) || err.Error() != boom.Error() {
				t.Errorf("late=%v: err = %v, want boom alone", late, err)
			}
		}
		checkStore(t, db, 2)
	})
}

// Under SQLite's group commit, writes share one transaction, each in its
// savepoint: the ones that fail (in their function, or in a BeforeCommit
// function after the ledger's append) leave no leaf, and the others keep
// exactly theirs, in one gap-free tree.
func TestHookInGroupCommit(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	const n = 12
	boom := errors.New("boom")
	release, blocked := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = db.Write(ctx, func(tx *store.Tx) error { close(blocked); <-release; return nil })
	})
	<-blocked
	before := db.Stats()
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = db.Write(ctx, func(tx *store.Tx) error {
				for k := range 2 {
					if err := hookEvent(ctx, tx, fmt.Sprint("P", i), fmt.Sprint(i, "/", k)); err != nil {
						return err
					}
				}
				switch i {
				case 3:
					return boom
				case 7:
					tx.BeforeCommit(func(context.Context) error { return boom })
				}
				return nil
			})
		})
	}
	for db.Stats().Waiting < n {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	for i, err := range errs {
		if (i == 3 || i == 7) != errors.Is(err, boom) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	if st := db.Stats(); st.Transactions-before.Transactions != 1 {
		t.Errorf("%d transactions, want the %d writes in one", st.Transactions-before.Transactions, n)
	}
	checkStore(t, db, 2*(n-2))
	read(t, db, func(tx *store.Tx) error {
		for _, p := range []string{"P3", "P7"} {
			if evs, err := store.ListEvents(ctx, tx, p, ""); err != nil || len(evs) != 0 {
				t.Errorf("failed write %s left events %v (%v)", p, evs, err)
			}
		}
		return nil
	})
}

// Concurrent state changes, each locking a row of its own first as a
// decision locks its task, through two handles on one database (two
// instances), give one gap-free tree with one leaf per event.
func TestHookConcurrentWrites(t *testing.T) {
	const writers, each = 16, 8
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := storetest.FreshDSN(t, d)
			dbs := []*store.DB{storetest.OpenDSN(t, dsn, dir)}
			if d != store.SQLite {
				dbs = append(dbs, storetest.OpenDSN(t, dsn, dir))
			}
			write(t, dbs[0], func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `CREATE TABLE hk (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)`); err != nil {
					return err
				}
				for w := range writers {
					if _, err := tx.Exec(ctx, `INSERT INTO hk (id, v) VALUES (?, 0)`, w); err != nil {
						return err
					}
				}
				return nil
			})
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					db := dbs[w%len(dbs)]
					for k := range each {
						err := db.Write(ctx, func(tx *store.Tx) error {
							if _, err := tx.Exec(ctx, `UPDATE hk SET v=v+1 WHERE id=?`, w); err != nil {
								return err
							}
							for e := range 1 + k%3 {
								if err := hookEvent(ctx, tx, fmt.Sprint("P", w), fmt.Sprint(k, "/", e)); err != nil {
									return err
								}
							}
							return nil
						})
						if err != nil {
							t.Errorf("writer %d: %v", w, err)
							return
						}
					}
				})
			}
			wg.Wait()
			total := 0
			for k := range each {
				total += writers * (1 + k%3)
			}
			checkStore(t, dbs[0], total)
		})
	}
}
