package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

// Group commit must not change what a Write means: each write commits or
// fails alone, a failing write leaves nothing, a panic reaches its own
// caller, and a cancelled caller does not take others down with it.
func TestGroupCommitKeepsWritesIndependent(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE gc (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before := db.Stats()
	const n = 300
	errWanted := errors.New("refused by the caller")
	errs := make([]error, n)
	panics := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			wctx := ctx
			if i%11 == 0 {
				c, cancel := context.WithCancel(ctx)
				cancel()
				wctx = c
			}
			errs[i] = db.Write(wctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO gc (k, v) VALUES (?, ?)`, i, fmt.Sprint("v", i)); err != nil {
					return err
				}
				time.Sleep(100 * time.Microsecond) // let others queue behind
				switch {
				case i%7 == 0:
					return errWanted // its row must vanish
				case i%13 == 0:
					panic(fmt.Sprint("boom ", i))
				case i%17 == 0:
					// A constraint error inside the write, handled by fn: the
					// statement fails alone and the write goes on.
					if _, err := tx.Exec(ctx, `INSERT INTO gc (k, v) VALUES (?, ?)`, i, "dup"); err == nil {
						return errors.New("duplicate key accepted")
					}
				}
				return nil
			})
		}()
	}
	wg.Wait()
	var rows map[int]string
	if err := db.Read(ctx, func(tx *store.Tx) error {
		rows = map[int]string{}
		rs, err := tx.Query(ctx, `SELECT k, v FROM gc WHERE k >= ?`, 0)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var k int
			var v string
			if err := rs.Scan(&k, &v); err != nil {
				return err
			}
			rows[k] = v
		}
		return rs.Err()
	}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		_, stored := rows[i]
		switch {
		case i%11 == 0:
			// Cancelled before it was queued or before its turn: not run.
			if errs[i] == nil && !stored {
				t.Errorf("write %d: cancelled, reported success but stored nothing", i)
			}
		case i%7 == 0:
			if !errors.Is(errs[i], errWanted) || stored {
				t.Errorf("write %d: err %v, stored %v; want its own error and nothing stored", i, errs[i], stored)
			}
		case i%13 == 0:
			if panics[i] != fmt.Sprint("boom ", i) || stored {
				t.Errorf("write %d: panic %v, stored %v; want its own panic and nothing stored", i, panics[i], stored)
			}
		default:
			if errs[i] != nil || panics[i] != nil || rows[i] != fmt.Sprint("v", i) {
				t.Errorf("write %d: err %v, panic %v, row %q", i, errs[i], panics[i], rows[i])
			}
		}
	}
	st := db.Stats()
	writes, txs := st.Writes-before.Writes, st.Transactions-before.Transactions
	t.Logf("%d writes in %d transactions", writes, txs)
	if txs >= writes {
		t.Errorf("no write shared a transaction: %d writes, %d transactions", writes, txs)
	}
}

// A later write in a batch sees the earlier ones, as in queue order.
func TestGroupCommitSerialOrder(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO counter (id, n) VALUES (?, ?)`, 1, 0)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.Write(ctx, func(tx *store.Tx) error {
				var n int
				if err := tx.QueryRow(ctx, `SELECT n FROM counter WHERE id=?`, 1).Scan(&n); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `UPDATE counter SET n=? WHERE id=?`, n+1, 1)
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var n int
	_ = db.Read(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, `SELECT n FROM counter WHERE id=?`, 1).Scan(&n) })
	if n != 200 {
		t.Fatalf("counter %d after 200 read-modify-write increments, want 200 (a lost update)", n)
	}
}

// When the shared transaction breaks (SQLite rolls a transaction back on
// an interrupted statement; here a write ends it itself), every other write
// of the batch runs again on its own and commits.
func TestGroupCommitRecoversFromBrokenTransaction(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE br (k INTEGER PRIMARY KEY)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const n = 60
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.Write(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO br (k) VALUES (?)`, i); err != nil {
					return err
				}
				time.Sleep(200 * time.Microsecond)
				if i == 30 {
					_, err := tx.Exec(ctx, `ROLLBACK`)
					return err
				}
				return nil
			})
		}()
	}
	wg.Wait()
	var count int
	_ = db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM br WHERE k <> ?`, 30).Scan(&count)
	})
	for i, err := range errs {
		if i != 30 && err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	if count != n-1 {
		t.Fatalf("%d rows besides the breaking write's, want %d", count, n-1)
	}
}
