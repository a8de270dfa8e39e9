package store_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

// BeforeCommit functions run after the write's function, in order (also
// those registered by one of them), and their failure undoes the write, on
// every dialect.
func TestBeforeCommit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `CREATE TABLE bc (k INTEGER PRIMARY KEY, v VARCHAR(20) NOT NULL)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var order []string
		err := db.Write(ctx, func(tx *store.Tx) error {
			order = order[:0]
			tx.SetValue("k", 1)
			tx.BeforeCommit(func(ctx context.Context) error {
				order = append(order, "first")
				tx.BeforeCommit(func(ctx context.Context) error {
					order = append(order, "registered by first")
					_, err := tx.Exec(ctx, `INSERT INTO bc (k, v) VALUES (?, ?)`, 2, "late")
					return err
				})
				return nil
			})
			tx.BeforeCommit(func(ctx context.Context) error {
				order = append(order, "second")
				return nil
			})
			_, err := tx.Exec(ctx, `INSERT INTO bc (k, v) VALUES (?, ?)`, 1, "fn")
			order = append(order, "fn")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"fn", "first", "second", "registered by first"}; !slices.Equal(order, want) {
			t.Errorf("order = %q, want %q", order, want)
		}
		boom := errors.New("boom")
		err = db.Write(ctx, func(tx *store.Tx) error {
			if tx.Value("k") != nil {
				t.Error("a value of another transaction is visible")
			}
			tx.BeforeCommit(func(ctx context.Context) error { return boom })
			_, err := tx.Exec(ctx, `INSERT INTO bc (k, v) VALUES (?, ?)`, 3, "undone")
			return err
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want the BeforeCommit error", err)
		}
		ran := false
		err = db.Write(ctx, func(tx *store.Tx) error {
			tx.BeforeCommit(func(ctx context.Context) error { ran = true; return nil })
			return boom
		})
		if !errors.Is(err, boom) || ran {
			t.Errorf("failed write: err %v, BeforeCommit ran %v; want boom, not run", err, ran)
		}
		if got := keys(t, db, "bc"); !slices.Equal(got, []int{1, 2}) {
			t.Errorf("rows %v, want [1 2]", got)
		}
	})
}

// Under SQLite's group commit a write's BeforeCommit functions run inside
// its savepoint: in a shared transaction, the write whose BeforeCommit
// fails loses its rows and the others keep theirs.
func TestBeforeCommitInGroupCommit(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE bc (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const n = 10
	boom := errors.New("boom")
	release := make(chan struct{})
	blocked := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { // holds the committer so that the others queue into one batch
		_ = db.Write(ctx, func(tx *store.Tx) error {
			close(blocked)
			<-release
			return nil
		})
	})
	<-blocked
	before := db.Stats()
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = db.Write(ctx, func(tx *store.Tx) error {
				tx.BeforeCommit(func(ctx context.Context) error {
					if _, err := tx.Exec(ctx, `INSERT INTO bc (k, v) VALUES (?, ?)`, 100+i, "before commit"); err != nil {
						return err
					}
					if i == 4 {
						return boom
					}
					return nil
				})
				_, err := tx.Exec(ctx, `INSERT INTO bc (k, v) VALUES (?, ?)`, i, "fn")
				return err
			})
		})
	}
	waitQueued(t, db, n)
	close(release)
	wg.Wait()
	for i, err := range errs {
		if (i == 4) != errors.Is(err, boom) {
			t.Errorf("write %d: err %v", i, err)
		}
	}
	if st := db.Stats(); st.Transactions-before.Transactions != 1 || st.Writes-before.Writes != n {
		t.Errorf("%d writes in %d transactions, want %d in 1 (the test means them to share one)", st.Writes-before.Writes, st.Transactions-before.Transactions, n)
	}
	var want []int
	for i := range n {
		if i != 4 {
			want = append(want, i)
		}
	}
	for i := range n {
		if i != 4 {
			want = append(want, 100+i)
		}
	}
	if got := keys(t, db, "bc"); !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
}

func keys(t *testing.T, db *store.DB, table string) []int {
	t.Helper()
	var out []int
	if err := db.Read(context.Background(), func(tx *store.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT k FROM `+table+` WHERE k >= ? ORDER BY k`, 0)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k int
			if err := rows.Scan(&k); err != nil {
				return err
			}
			out = append(out, k)
		}
		return rows.Err()
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitQueued waits until n writes queue for SQLite's committer.
func waitQueued(t *testing.T, db *store.DB, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for db.Stats().Waiting < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued after 10 s, want %d", db.Stats().Waiting, n)
		}
		time.Sleep(time.Millisecond)
	}
}
