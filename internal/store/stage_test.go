package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

type stageKey struct{}

// stageTables makes the table a write inserts into and the one its staged
// items are flushed to.
func stageTables(t *testing.T, db *store.DB) {
	t.Helper()
	if err := db.Write(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.Exec(context.Background(), `CREATE TABLE st_rows (k INTEGER NOT NULL)`); err != nil {
			return err
		}
		_, err := tx.Exec(context.Background(), `CREATE TABLE st_flushed (n INTEGER PRIMARY KEY, k INTEGER NOT NULL)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// flushTo inserts the items in order after the rows already flushed, and
// counts its calls; an item equal to poison fails it.
func flushTo(calls *atomic.Int64, poison int) store.Flush {
	return func(ctx context.Context, tx *store.Tx, items []any) error {
		calls.Add(1)
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM st_flushed`).Scan(&n); err != nil {
			return err
		}
		for _, it := range items {
			if it.(int) == poison {
				return fmt.Errorf("poisoned item %d", poison)
			}
			n++
			if _, err := tx.Exec(ctx, `INSERT INTO st_flushed (n, k) VALUES (?, ?)`, n, it); err != nil {
				return err
			}
		}
		return nil
	}
}

func readInts(t *testing.T, db *store.DB, q string) []int {
	t.Helper()
	var out []int
	if err := db.Read(context.Background(), func(tx *store.Tx) error {
		out = nil
		rs, err := tx.Query(context.Background(), q)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var v int
			if err := rs.Scan(&v); err != nil {
				return err
			}
			out = append(out, v)
		}
		return rs.Err()
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// Staged items reach the flush once, after the BeforeCommit functions, in
// order; a failing flush undoes the write; on every dialect.
func TestStage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		stageTables(t, db)
		var calls atomic.Int64
		var order []string
		err := db.Write(ctx, func(tx *store.Tx) error {
			order = order[:0]
			tx.Stage(stageKey{}, 1, flushTo(&calls, -1))
			tx.BeforeCommit(func(ctx context.Context) error {
				order = append(order, "before commit")
				tx.Stage(stageKey{}, 3, nil) // the first flush given stands
				return nil
			})
			tx.Stage(stageKey{}, 2, nil)
			_, err := tx.Exec(ctx, `INSERT INTO st_rows (k) VALUES (1)`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := readInts(t, db, `SELECT k FROM st_flushed ORDER BY n`); !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("flushed %v, want [1 2 3]", got)
		}
		if calls.Load() != 1 {
			t.Errorf("flush called %d times, want once", calls.Load())
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			tx.Stage(stageKey{}, 9, flushTo(&calls, 9))
			_, err := tx.Exec(ctx, `INSERT INTO st_rows (k) VALUES (9)`)
			return err
		})
		if err == nil || err.Error() != "poisoned item 9" {
			t.Fatalf("err = %v, want the flush's", err)
		}
		if got := readInts(t, db, `SELECT k FROM st_rows ORDER BY k`); !slices.Equal(got, []int{1}) {
			t.Errorf("rows %v after a failed flush, want [1]", got)
		}
		if _, err := func() (any, error) {
			defer func() { _ = recover() }()
			return nil, db.Read(ctx, func(tx *store.Tx) error {
				tx.Stage(stageKey{}, 1, nil)
				return errors.New("Stage on a read transaction did not panic")
			})
		}(); err != nil {
			t.Error(err)
		}
	})
}

// Under SQLite's group commit the writes sharing a transaction flush
// their items together, once, in queue order; a write that fails adds
// nothing; a flush that fails sends every write of the batch to run
// again alone, where only the poisoned one fails.
func TestStageGroupCommit(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	stageTables(t, db)
	const n, poison = 400, 233
	var calls atomic.Int64
	flush := flushTo(&calls, poison)
	errWanted := errors.New("refused")
	errs := make([]error, n)
	var wg sync.WaitGroup
	before := db.Stats()
	for i := range n {
		wg.Go(func() {
			errs[i] = db.Write(ctx, func(tx *store.Tx) error {
				tx.Stage(stageKey{}, i, flush)
				if _, err := tx.Exec(ctx, `INSERT INTO st_rows (k) VALUES (?)`, i); err != nil {
					return err
				}
				time.Sleep(50 * time.Microsecond) // let others queue behind
				if i%7 == 0 {
					return errWanted
				}
				return nil
			})
		})
	}
	wg.Wait()
	var want []int
	for i := range n {
		switch {
		case i%7 == 0:
			if !errors.Is(errs[i], errWanted) {
				t.Errorf("write %d: %v, want its own error", i, errs[i])
			}
		case i == poison:
			if errs[i] == nil {
				t.Errorf("write %d: the poisoned flush succeeded", i)
			}
		default:
			if errs[i] != nil {
				t.Errorf("write %d: %v", i, errs[i])
			}
			want = append(want, i)
		}
	}
	rows := readInts(t, db, `SELECT k FROM st_rows ORDER BY k`)
	if !slices.Equal(rows, want) {
		t.Fatalf("rows: %d stored, want %d (the writes that succeeded)", len(rows), len(want))
	}
	// The flushed items are the rows, each once, in the order the writes
	// committed: the order of st_rows' rowids.
	flushed := readInts(t, db, `SELECT k FROM st_flushed ORDER BY n`)
	committed := readInts(t, db, `SELECT k FROM st_rows ORDER BY rowid`)
	if !slices.Equal(flushed, committed) {
		t.Errorf("flushed %d items, not the committed rows in their order", len(flushed))
	}
	st := db.Stats()
	t.Logf("%d writes in %d transactions, %d flushes", st.Writes-before.Writes, st.Transactions-before.Transactions, calls.Load())
	if calls.Load() >= int64(len(want)) {
		t.Errorf("%d flushes for %d writes: none was shared", calls.Load(), len(want))
	}
}
