package store_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

// The SQLite statement cache must be invisible: the same query nested
// inside its own open rows, a failing statement reused afterwards, and
// many distinct queries all behave as without a cache.
func TestSQLiteStatementCache(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	err := db.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
			return err
		}
		for i := 1; i <= 5; i++ {
			if _, err := tx.Exec(ctx, `INSERT INTO kv (k, v) VALUES (?, ?)`, i, "v"); err != nil {
				return err
			}
		}
		// The duplicate key fails; the cached INSERT still works after it.
		if _, err := tx.Exec(ctx, `INSERT INTO kv (k, v) VALUES (?, ?)`, 1, "dup"); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("duplicate insert: %v, want a conflict", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO kv (k, v) VALUES (?, ?)`, 6, "v")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const q = `SELECT k FROM kv WHERE k >= ? ORDER BY k`
	err = db.Read(ctx, func(tx *store.Tx) error {
		outer, err := tx.Query(ctx, q, 1)
		if err != nil {
			return err
		}
		defer outer.Close()
		pairs := 0
		for outer.Next() {
			var k int
			if err := outer.Scan(&k); err != nil {
				return err
			}
			// The same statement while its rows are open: prepared afresh.
			inner, err := tx.Query(ctx, q, k)
			if err != nil {
				return err
			}
			n := 0
			for inner.Next() {
				n++
			}
			inner.Close()
			if n != 7-k {
				t.Errorf("inner query from %d: %d rows, want %d", k, n, 7-k)
			}
			pairs++
		}
		if pairs != 6 {
			t.Errorf("outer rows: %d, want 6", pairs)
		}
		return outer.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	// More distinct queries than the cache holds.
	err = db.Read(ctx, func(tx *store.Tx) error {
		for i := range 600 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM kv WHERE k > ? AND `+strconv.Itoa(i)+` >= 0`, 0).Scan(&n); err != nil {
				return err
			}
			if n != 6 {
				t.Fatalf("query %d: %d", i, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
