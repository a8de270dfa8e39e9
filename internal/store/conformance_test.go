package store_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

// mustSchema creates the tables the conformance tests use; the real
// migrations only guarantee the jobs table.
func mustSchema(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{
		`CREATE TABLE t_items (id CHAR(26) PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, n BIGINT NOT NULL, version BIGINT NOT NULL)`,
		`CREATE TABLE t_children (id CHAR(26) PRIMARY KEY, item_id CHAR(26) NOT NULL REFERENCES t_items (id))`,
	}
	for _, s := range stmts {
		if err := db.Write(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, s); return err }); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func mustInsert(t *testing.T, db *store.DB, name string, n int) string {
	t.Helper()
	ctx := context.Background()
	id := store.NewID()
	err := db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO t_items (id, name, n, version) VALUES (?,?,?,1)`, id, name, n)
		return err
	})
	if err != nil {
		t.Fatalf("insert %s: %v", name, err)
	}
	return id
}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	ctx := context.Background()
	var n int
	err := db.Read(ctx, func(q *store.Tx) error { return q.QueryRow(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n) })
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func wantAppErr(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	ae := apperr.As(err)
	if err == nil || ae.Code != code || ae.Key != key {
		t.Fatalf("error = %v, want %s [%s]", err, code, key)
	}
	if ae.ZH == "" || ae.EN == "" {
		t.Errorf("error %v lacks a bilingual message", err)
	}
}

func TestWriteCommitRollback(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustSchema(t, db)
		mustInsert(t, db, "committed", 1)

		boom := errors.New("boom")
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO t_items (id, name, n, version) VALUES (?,?,?,1)`, store.NewID(), "rolled back", 2); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("Write returned %v, want fn's error", err)
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Error("panic in fn was swallowed")
				}
			}()
			_ = db.Write(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO t_items (id, name, n, version) VALUES (?,?,?,1)`, store.NewID(), "panicked", 3); err != nil {
					return err
				}
				panic("handler bug")
			})
		}()
		var names []string
		err = db.Read(ctx, func(q *store.Tx) error {
			rows, err := q.Query(ctx, `SELECT name FROM t_items ORDER BY name`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					return err
				}
				names = append(names, s)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(names, ","), "committed"; got != want {
			t.Errorf("rows = %q, want %q (rolled-back rows must not be there)", got, want)
		}
		// The writer is still usable after a panic released its connection.
		mustInsert(t, db, "after panic", 4)
	})
}

func TestReadIsReadOnly(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustSchema(t, db)
		err := db.Read(ctx, func(q *store.Tx) error {
			_, err := q.Exec(ctx, `INSERT INTO t_items (id, name, n, version) VALUES (?,?,?,1)`, store.NewID(), "x", 1)
			return err
		})
		if err == nil {
			t.Fatal("insert inside Read succeeded")
		}
		if got := count(t, db, "t_items"); got != 0 {
			t.Errorf("rows = %d, want 0", got)
		}
	})
}

func TestErrorMapping(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustSchema(t, db)
		id := mustInsert(t, db, "a", 1)
		tests := []struct {
			name    string
			fn      func(tx *store.Tx) error
			code    apperr.Code
			wantKey string
		}{
			{"duplicate unique column", func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO t_items (id, name, n, version) VALUES (?,?,?,1)`, store.NewID(), "a", 2)
				return err
			}, apperr.Conflict, store.KeyDuplicate},
			{"duplicate primary key", func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO t_items (id, name, n, version) VALUES (?,?,?,1)`, id, "b", 2)
				return err
			}, apperr.Conflict, store.KeyDuplicate},
			{"missing parent", func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO t_children (id, item_id) VALUES (?,?)`, store.NewID(), store.NewID())
				return err
			}, apperr.Conflict, store.KeyReference},
			{"no rows", func(tx *store.Tx) error {
				var n int
				return store.MapError(tx.Dialect(), tx.QueryRow(ctx, `SELECT n FROM t_items WHERE id=?`, "nope").Scan(&n))
			}, apperr.NotFound, store.KeyNotFound},
			{"syntax error is internal", func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO no_such_table VALUES (1)`)
				return err
			}, apperr.Internal, "internal"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantAppErr(t, db.Write(ctx, tt.fn), tt.code, tt.wantKey)
			})
		}
		if got := count(t, db, "t_items"); got != 1 {
			t.Errorf("rows = %d, want 1: a failed statement must leave nothing", got)
		}
	})
}

func TestMapErrorPassThrough(t *testing.T) {
	own := apperr.New(apperr.Forbidden, "x.y", "不行", "no")
	tests := []struct {
		name string
		in   error
		want apperr.Code
	}{
		{"nil", nil, ""},
		{"apperr unchanged", own, apperr.Forbidden},
		{"no rows", sql.ErrNoRows, apperr.NotFound},
		{"wrapped no rows", errors.Join(errors.New("ctx"), sql.ErrNoRows), apperr.NotFound},
		{"other", errors.New("disk on fire"), apperr.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apperr.CodeOf(store.MapError(store.SQLite, tt.in)); got != tt.want {
				t.Errorf("MapError(%v) code = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestOptimisticConcurrency: two officers act on one row at once with the
// version they both read; exactly one wins.
func TestOptimisticConcurrency(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustSchema(t, db)
		id := mustInsert(t, db, "task", 0)
		const racers = 2
		errs := make([]error, racers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = db.Write(ctx, func(tx *store.Tx) error {
					res, err := tx.Exec(ctx, `UPDATE t_items SET n=?, version=version+1 WHERE id=? AND version=?`, 100+i, id, 1)
					if err != nil {
						return err
					}
					return store.CheckVersion(res)
				})
			}()
		}
		close(start)
		wg.Wait()
		var won, stale int
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				won++
				winner = i
			case apperr.Is(err, apperr.Conflict) && apperr.As(err).Key == store.KeyStale:
				stale++
				if !strings.Contains(apperr.As(err).ZH, "已被他人修改") {
					t.Errorf("stale message = %q", apperr.As(err).ZH)
				}
			default:
				t.Errorf("racer %d: unexpected error %v", i, err)
			}
		}
		if won != 1 || stale != 1 {
			t.Fatalf("won=%d stale=%d, want exactly one of each", won, stale)
		}
		var n, version int
		err := db.Read(ctx, func(q *store.Tx) error {
			return q.QueryRow(ctx, `SELECT n, version FROM t_items WHERE id=?`, id).Scan(&n, &version)
		})
		if err != nil {
			t.Fatal(err)
		}
		if n != 100+winner || version != 2 {
			t.Errorf("row n=%d version=%d, want n=%d version=2", n, version, 100+winner)
		}
	})
}

// TestWriteRetriesDeadlock makes two transactions lock two rows in
// opposite order. On PostgreSQL and MySQL one becomes a deadlock victim and
// Write runs it again; on SQLite the single writer serialises them. Either
// way both calls succeed.
func TestWriteRetriesDeadlock(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustSchema(t, db)
		a := mustInsert(t, db, "a", 0)
		b := mustInsert(t, db, "b", 0)
		var firstDone sync.WaitGroup
		firstDone.Add(2)
		var once [2]sync.Once
		var attempts [2]int
		run := func(i int, first, second string) error {
			return db.Write(ctx, func(tx *store.Tx) error {
				attempts[i]++
				if _, err := tx.Exec(ctx, `UPDATE t_items SET n=n+1 WHERE id=?`, first); err != nil {
					return err
				}
				once[i].Do(func() {
					firstDone.Done()
					// Wait for the other to hold its first row, but not
					// forever: on SQLite it cannot start until we finish.
					waitTimeout(&firstDone, 500*time.Millisecond)
				})
				_, err := tx.Exec(ctx, `UPDATE t_items SET n=n+1 WHERE id=?`, second)
				return err
			})
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Add(2)
		go func() { defer wg.Done(); errs[0] = run(0, a, b) }()
		go func() { defer wg.Done(); errs[1] = run(1, b, a) }()
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
		}
		var na, nb int
		_ = db.Read(ctx, func(q *store.Tx) error {
			if err := q.QueryRow(ctx, `SELECT n FROM t_items WHERE id=?`, a).Scan(&na); err != nil {
				return err
			}
			return q.QueryRow(ctx, `SELECT n FROM t_items WHERE id=?`, b).Scan(&nb)
		})
		if na != 2 || nb != 2 {
			t.Errorf("n = %d, %d; want 2, 2 (each writer committed exactly once)", na, nb)
		}
		t.Logf("%s: attempts %v", db.Dialect(), attempts)
	})
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}

func TestRebindAcrossDialects(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustSchema(t, db)
		mustInsert(t, db, "what?", 7)
		var name string
		var n int
		err := db.Read(ctx, func(q *store.Tx) error {
			return q.QueryRow(ctx, `SELECT name, n FROM t_items WHERE name = 'what?' AND n > ? AND n < ?`, 6, 8).Scan(&name, &n)
		})
		if err != nil || name != "what?" || n != 7 {
			t.Errorf("got %q %d %v, want \"what?\" 7", name, n, err)
		}
	})
}

func TestInsertIgnore(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mustSchema(t, db)
		cols := []string{"id", "name", "n", "version"}
		var got []bool
		err := db.Write(ctx, func(tx *store.Tx) error {
			for _, id := range []string{store.NewID(), store.NewID()} {
				ok, err := tx.InsertIgnore(ctx, "t_items", cols, []any{id, "same name", 1, 1}, []string{"name"})
				if err != nil {
					return err
				}
				got = append(got, ok)
			}
			// The transaction is still usable after the ignored duplicate.
			_, err := tx.Exec(ctx, `UPDATE t_items SET n=2 WHERE name=?`, "same name")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || !got[0] || got[1] {
			t.Errorf("inserted = %v, want [true false]", got)
		}
		if c := count(t, db, "t_items"); c != 1 {
			t.Errorf("rows = %d, want 1", c)
		}

		bad := []struct {
			name  string
			table string
			cols  []string
			vals  []any
		}{
			{"count mismatch", "t_items", cols, []any{1}},
			{"bad identifier", "t_items; DROP TABLE t_items", cols, []any{1, 2, 3, 4}},
			{"no columns", "t_items", nil, nil},
		}
		for _, tt := range bad {
			err := db.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.InsertIgnore(ctx, tt.table, tt.cols, tt.vals, nil)
				return err
			})
			if !apperr.Is(err, apperr.Internal) {
				t.Errorf("%s: error = %v, want internal (a programming error)", tt.name, err)
			}
		}
	})
}

func TestCheckVersion(t *testing.T) {
	tests := []struct {
		n    int64
		want apperr.Code
	}{{0, apperr.Conflict}, {1, ""}}
	for _, tt := range tests {
		err := store.CheckVersion(rowsAffected(tt.n))
		if got := apperr.CodeOf(err); got != tt.want {
			t.Errorf("CheckVersion(%d) = %v, want %q", tt.n, err, tt.want)
		}
		if tt.n == 0 {
			ae := apperr.As(err)
			if ae.Key != store.KeyStale || ae.ZH != "该记录已被他人修改，请刷新后重试" || ae.EN != "someone else changed this record first; reload and try again" {
				t.Errorf("stale error = %+v", ae)
			}
		}
	}
}

type rowsAffected int64

func (r rowsAffected) LastInsertId() (int64, error) { return 0, nil }
func (r rowsAffected) RowsAffected() (int64, error) { return int64(r), nil }

func TestNewID(t *testing.T) {
	prev := ""
	for range 10000 {
		id := store.NewID()
		if len(id) != 26 {
			t.Fatalf("NewID() = %q, want 26 characters", id)
		}
		if id <= prev {
			t.Fatalf("NewID() = %q after %q, want increasing", id, prev)
		}
		prev = id
	}
}

func TestTxNowIsTheClock(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return at })
	var got time.Time
	_ = db.Write(context.Background(), func(tx *store.Tx) error { got = tx.Now(); return nil })
	if !got.Equal(at) {
		t.Errorf("tx.Now() = %v, want %v", got, at)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		cur, newest, err := db.SchemaVersion(ctx)
		if err != nil || cur != newest || cur < 1 {
			t.Errorf("SchemaVersion = %d, %d, %v; want equal and ≥ 1", cur, newest, err)
		}
		if err := db.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})
}
