// Package store is the one place that knows SQL dialects: it opens SQLite,
// PostgreSQL or MySQL/MariaDB behind one API, runs the embedded migrations
// of the chosen dialect, and turns driver errors into apperr errors.
//
// # Opening
//
//	db, err := store.Open(ctx, cfg.DSN, cfg.DataDir) // opens and pings; does not migrate
//	err = db.Migrate(ctx)                            // goose, migrations/<dialect>/*.sql
//
// DSN forms: "" is SQLite in <dataDir>/tongban.db (the directory is created
// 0700); postgres://user@host:port/db?sslmode=disable; mysql://user:pass@host:port/db.
// A malformed DSN is an apperr.Invalid error with field "db".
//
// SQLite runs in WAL mode with synchronous=FULL (a committed transaction
// survives a power cut), busy_timeout 10 s and foreign keys on. It has one
// writer connection (BEGIN IMMEDIATE), fed by a group-commit queue, and a
// pool of query_only readers.
//
// # Transactions
//
// Every statement runs in a transaction: db.Write(ctx, fn) for changes,
// db.Read(ctx, fn) for a read-only snapshot. Write commits when fn returns
// nil and rolls back otherwise; on a transient failure (SQLITE_BUSY,
// PostgreSQL 40001/40P01, MySQL 1213/1205) it runs fn again, a few times, and
// then returns apperr.Conflict (KeyBusy). fn must therefore have no effects
// outside the transaction, or only idempotent ones. Store functions take a
// *Tx and compose inside one caller-owned transaction.
//
// Queries are written with '?' placeholders; Tx rebinds them to $1, $2, …
// for PostgreSQL. Errors from Tx.Exec and Tx.Query are already mapped by
// MapError; errors from Row.Scan are not (use MapError or check
// sql.ErrNoRows).
//
// # Table conventions (all migrations follow them)
//
//   - ids are ULID strings, CHAR(26), made by NewID;
//   - timestamps are BIGINT unix milliseconds UTC, column names end in _at;
//   - civil dates are CHAR(10) 'YYYY-MM-DD';
//   - JSON documents are TEXT (LONGTEXT on MySQL);
//   - booleans are SMALLINT 0/1 (TINYINT on MySQL);
//   - every mutable row has version BIGINT NOT NULL; updates are
//     "UPDATE … SET …, version=version+1 WHERE id=? AND version=?" followed
//     by CheckVersion, which reports apperr.Conflict (KeyStale) when another
//     writer got there first;
//   - ordinary portable SQL with '?' placeholders; where dialects differ,
//     ask Tx.Dialect() or use a helper here (InsertIgnore).
//
// On MySQL the connection sets clientFoundRows, so RowsAffected counts the
// rows matched, as on SQLite and PostgreSQL, not only those changed.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"

	_ "github.com/go-sql-driver/mysql" // driver "mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	"github.com/oklog/ulid/v2"
	_ "modernc.org/sqlite" // driver "sqlite"

	"github.com/tongban/tongban/internal/apperr"
)

// writeAttempts is how often Write runs fn before giving up on a transient
// failure. Each retry waits a little longer, with jitter, so that two
// colliding writers do not collide again in lockstep.
const writeAttempts = 6

// DB is an open database: a writer pool, a reader pool (the same pool on
// PostgreSQL and MySQL) and the dialect.
type DB struct {
	dialect Dialect
	writer  *sql.DB
	reader  *sql.DB
	now     func() time.Time
	// batch is SQLite's group commit (groupcommit.go): writes queue first
	// come, first served and share transactions. nil on PostgreSQL and MySQL.
	batch *batcher
}

// Open connects to the database named by dsn (see the package comment),
// sets up the pools and pings. It does not migrate.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	t, err := parseDSN(dsn, dataDir)
	if err != nil {
		return nil, err
	}
	db := &DB{dialect: t.dialect, now: time.Now}
	db.writer, err = sql.Open(t.driver, t.writerDSN)
	if err != nil {
		return nil, unreachable(t, err)
	}
	switch t.dialect {
	case SQLite:
		db.writer.SetMaxOpenConns(1)
		db.writer.SetMaxIdleConns(1)
		db.writer.SetConnMaxLifetime(0)
		// The writer first: it creates the file and switches it to WAL
		// before a query_only reader could try.
		if err := db.writer.PingContext(ctx); err != nil {
			db.writer.Close()
			return nil, unreachable(t, err)
		}
		db.reader, err = sql.Open(t.driver, t.readerDSN)
		if err != nil {
			db.writer.Close()
			return nil, unreachable(t, err)
		}
		n := max(4, runtime.NumCPU())
		db.reader.SetMaxOpenConns(n)
		db.reader.SetMaxIdleConns(n)
		db.reader.SetConnMaxLifetime(0)
	default:
		db.writer.SetMaxOpenConns(25)
		db.writer.SetMaxIdleConns(10)
		db.writer.SetConnMaxLifetime(5 * time.Minute) // below typical server and proxy idle cut-offs
		db.writer.SetConnMaxIdleTime(time.Minute)
		db.reader = db.writer
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, unreachable(t, err)
	}
	if db.dialect == SQLite {
		db.startBatcher()
	}
	return db, nil
}

// unreachable describes a failed connection without the password.
func unreachable(t target, cause error) error {
	where := string(t.dialect)
	switch t.dialect {
	case SQLite:
		where = "SQLite " + t.sqlitePath
	case Postgres, MySQL:
		where = redact(t.dialect, t.writerDSN)
	}
	e := apperr.Newf(apperr.Internal, "db.unreachable", "无法打开数据库（%s）", "cannot open the database (%s)", where)
	e.Err = cause
	return e
}

// redact keeps the part of a DSN after the credentials.
func redact(d Dialect, dsn string) string {
	if i := strings.LastIndex(dsn, "@"); i >= 0 {
		dsn = dsn[i+1:]
	}
	if i := strings.IndexByte(dsn, '?'); i >= 0 {
		dsn = dsn[:i]
	}
	return string(d) + " " + dsn
}

// Close closes both pools.
func (db *DB) Close() error {
	db.stopBatcher()
	err := db.writer.Close()
	if db.reader != db.writer {
		err = errors.Join(err, db.reader.Close())
	}
	return err
}

// Dialect returns the engine behind db.
func (db *DB) Dialect() Dialect { return db.dialect }

// SetClock replaces the clock behind Tx.Now (time.Now by default). Call it
// before db is used; tests use it to pin the time.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Ping checks that the database answers, for /readyz.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writer.PingContext(ctx); err != nil {
		return apperr.Wrap(err, "ping database")
	}
	if db.reader != db.writer {
		if err := db.reader.PingContext(ctx); err != nil {
			return apperr.Wrap(err, "ping database reader")
		}
	}
	return nil
}

// Write runs fn in one write transaction: commit if fn returns nil,
// rollback otherwise. (On SQLite, concurrent writes share a transaction,
// each in a savepoint of its own, and one commit: see groupcommit.go. What
// fn sees and what survives is the same as with a transaction of its own.) A transient failure (lock busy, deadlock,
// serialization failure) runs fn again from the start, a few times, before
// Write gives up with apperr.Conflict (KeyBusy). fn's error is returned as is.
func (db *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	return db.write(ctx, fn, false)
}

// WriteAlone is Write with a transaction of fn's own, never shared by
// SQLite's group commit: one commit (and one fsync) per call. tongbench
// measures the one-row-transaction ceiling with it.
func (db *DB) WriteAlone(ctx context.Context, fn func(tx *Tx) error) error {
	return db.write(ctx, fn, true)
}

func (db *DB) write(ctx context.Context, fn func(tx *Tx) error, alone bool) error {
	var err error
	for attempt := range writeAttempts {
		if attempt > 0 {
			// 10 ms, 20 ms, 40 ms … plus up to as much again at random.
			d := (10 * time.Millisecond) << (attempt - 1)
			d += rand.N(d)
			select {
			case <-ctx.Done():
				return apperr.Wrap(ctx.Err(), "write transaction")
			case <-time.After(d):
			}
		}
		if db.batch != nil && !alone {
			err = db.submit(ctx, fn)
		} else {
			err = db.writeOnce(ctx, fn)
		}
		if !retryable(db.dialect, err) {
			return err
		}
	}
	e := busyError()
	e.Err = err
	return e
}

func (db *DB) writeOnce(ctx context.Context, fn func(tx *Tx) error) error {
	stx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return MapError(db.dialect, fmt.Errorf("begin: %w", err))
	}
	done := false
	defer func() {
		if !done {
			_ = stx.Rollback() // after a panic too; the error of a rollback on a broken connection tells nothing new
		}
	}()
	tx := &Tx{tx: stx, dialect: db.dialect, now: db.now()}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.runBeforeCommit(ctx); err != nil {
		return err
	}
	done = true
	if err := stx.Commit(); err != nil {
		return MapError(db.dialect, fmt.Errorf("commit: %w", err))
	}
	return nil
}

// Read runs fn in a read-only transaction on the reader pool: every query
// in fn sees the same snapshot.
func (db *DB) Read(ctx context.Context, fn func(q *Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect != SQLite {
		// SQLite's WAL read transaction already is a snapshot; the others
		// need repeatable read for every query to see the same one.
		opts.Isolation = sql.LevelRepeatableRead
	}
	stx, err := db.reader.BeginTx(ctx, opts)
	if err != nil {
		return MapError(db.dialect, fmt.Errorf("begin read: %w", err))
	}
	defer stx.Rollback() //nolint:errcheck // read-only: nothing to lose
	if err := fn(&Tx{tx: stx, dialect: db.dialect, now: db.now(), readOnly: true}); err != nil {
		return err
	}
	return nil
}

// ReadOnce runs fn on the reader pool without a transaction, for a read of
// a single statement (a session look-up on every request): on PostgreSQL
// and MySQL it saves the BEGIN and ROLLBACK round trips of Read. Several
// statements in fn may see different snapshots; use Read for those.
func (db *DB) ReadOnce(ctx context.Context, fn func(q *Tx) error) error {
	return fn(&Tx{tx: db.reader, dialect: db.dialect, now: db.now(), readOnly: true})
}

// Tx is one transaction, from Write or Read. It is not safe for concurrent
// use, like sql.Tx.
type Tx struct {
	tx       querier
	dialect  Dialect
	now      time.Time
	readOnly bool
	before   []func(ctx context.Context) error // BeforeCommit's functions, in order
	values   map[any]any                       // SetValue's
	staged   []*staged                         // Stage's lists, in the order of their first item
	grouped  bool                              // one write of a group commit: runBatch flushes the staged lists
}

// BeforeCommit registers fn to run at the very end of the write: after the
// function given to Write returned nil, just before COMMIT (under SQLite's
// group commit, just before the write's savepoint is released, so that a
// write rolled back leaves nothing of fn either). Functions run in the
// order registered, with the Write call's context; one may register more.
// An error from fn fails the write as an error of the function itself
// would: the transaction (or savepoint) rolls back, and a transient error
// (deadlock, serialization failure) runs the write again from the start.
//
// It is for work that takes a lock every writer needs (the ledger's head
// row), so that the lock is held only from there to the commit.
func (tx *Tx) BeforeCommit(fn func(ctx context.Context) error) {
	if tx.readOnly {
		panic("store: BeforeCommit on a read-only transaction")
	}
	tx.before = append(tx.before, fn)
}

// Value returns the value SetValue stored under key in this transaction,
// or nil: state a package keeps per transaction (the ledger's queue of
// leaves to append before commit). A write run again starts with none.
func (tx *Tx) Value(key any) any { return tx.values[key] }

// SetValue stores v under key for the rest of the transaction. Keys should
// be values of an unexported type, as with context.WithValue.
func (tx *Tx) SetValue(key, v any) {
	if tx.values == nil {
		tx.values = map[any]any{}
	}
	tx.values[key] = v
}

// runBeforeCommit runs the BeforeCommit functions, including any they
// register, then (unless the write is one of a group commit, whose lists
// runBatch flushes together) the staged lists.
func (tx *Tx) runBeforeCommit(ctx context.Context) error {
	for i := 0; i < len(tx.before); i++ {
		if err := tx.before[i](ctx); err != nil {
			return err
		}
	}
	tx.before = nil
	if tx.grouped {
		return nil
	}
	return tx.flushStaged(ctx, tx.staged)
}

// Flush receives, just before COMMIT, the items staged under one key.
type Flush func(ctx context.Context, tx *Tx, items []any) error

type staged struct {
	key   any
	flush Flush
	items []any
}

// Stage adds item to the list kept under key (a value of an unexported
// type, as for SetValue); flush receives the whole list once, just before
// the transaction commits, after every BeforeCommit function. Under
// SQLite's group commit the lists of all the writes of one transaction
// that succeeded are joined, in their order, and flushed once: work whose
// cost is per statement rather than per item (the ledger's leaves: a head
// read, three INSERTs and an UPDATE however many) is done once a commit.
// A write rolled back to its savepoint contributes nothing. An error from
// flush fails the write, or under group commit the shared transaction,
// whose writes then run again, each alone. The first flush given for a
// key is the one called.
func (tx *Tx) Stage(key, item any, flush Flush) {
	if tx.readOnly {
		panic("store: Stage on a read-only transaction")
	}
	for _, s := range tx.staged {
		if s.key == key {
			s.items = append(s.items, item)
			return
		}
	}
	tx.staged = append(tx.staged, &staged{key: key, flush: flush, items: []any{item}})
}

// joinStaged appends a succeeded write's lists to a group's.
func joinStaged(group, write []*staged) []*staged {
next:
	for _, w := range write {
		for _, g := range group {
			if g.key == w.key {
				g.items = append(g.items, w.items...)
				continue next
			}
		}
		group = append(group, &staged{key: w.key, flush: w.flush, items: w.items})
	}
	return group
}

// flushStaged calls each list's flush, in order; a panic in one becomes
// an error, so that group commit's goroutine survives it.
func (tx *Tx) flushStaged(ctx context.Context, lists []*staged) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("store: staged flush panicked: %v", v)
		}
	}()
	for _, s := range lists {
		if err := s.flush(ctx, tx, s.items); err != nil {
			return err
		}
	}
	tx.staged = nil
	return nil
}

// querier is what a Tx runs statements on: a *sql.Tx, or the reader pool
// for ReadOnce.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Dialect returns the engine, for the rare query that must differ.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// Now is the time the transaction started, from the DB's clock: one fixed
// "now" for everything the transaction decides and records.
func (tx *Tx) Now() time.Time { return tx.now }

// Exec runs a statement written with '?' placeholders; errors are mapped by MapError.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, rebind(tx.dialect, query), args...)
	if err != nil {
		return nil, MapError(tx.dialect, err)
	}
	return res, nil
}

// Query runs a query written with '?' placeholders; errors are mapped by MapError.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, rebind(tx.dialect, query), args...)
	if err != nil {
		return nil, MapError(tx.dialect, err)
	}
	return rows, nil
}

// QueryRow runs a query expected to return at most one row. Its Scan
// returns sql.ErrNoRows unmapped; pass errors through MapError.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, rebind(tx.dialect, query), args...)
}

// InsertIgnore inserts one row unless it would duplicate a unique key, and
// reports whether it inserted. conflictCols names the unique key to check on
// SQLite and PostgreSQL (empty: any); MySQL always checks every unique key.
// Table and column names must be plain lower-case identifiers.
func (tx *Tx) InsertIgnore(ctx context.Context, table string, cols []string, vals []any, conflictCols []string) (bool, error) {
	if len(cols) == 0 || len(cols) != len(vals) {
		return false, apperr.Wrap(fmt.Errorf("InsertIgnore %s: %d columns, %d values", table, len(cols), len(vals)), "insert")
	}
	for _, id := range append(append([]string{table}, cols...), conflictCols...) {
		if !identRE.MatchString(id) {
			return false, apperr.Wrap(fmt.Errorf("InsertIgnore: bad identifier %q", id), "insert")
		}
	}
	res, err := tx.Exec(ctx, insertIgnoreSQL(tx.dialect, table, cols, conflictCols), vals...)
	if tx.dialect == MySQL && apperr.Is(err, apperr.Conflict) && classifyMySQL(err) == classUnique {
		return false, nil // the statement failed alone; MySQL keeps the transaction going
	}
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, apperr.Wrap(err, "rows affected")
	}
	return n == 1, nil
}

// CheckVersion turns an optimistic-concurrency UPDATE that matched no row
// into apperr.Conflict (KeyStale). Use it after
// "UPDATE … SET version=version+1 WHERE id=? AND version=?".
func CheckVersion(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return apperr.Wrap(err, "rows affected")
	}
	if n == 0 {
		return ErrStale()
	}
	return nil
}

// ErrStale returns a fresh stale-version conflict (a new value each time,
// because callers may add fields to it).
func ErrStale() *apperr.Error {
	return apperr.New(apperr.Conflict, KeyStale, "该记录已被他人修改，请刷新后重试", "someone else changed this record first; reload and try again")
}

// NewID returns a new ULID: 26 characters, sortable by creation time and
// increasing within this process.
func NewID() string { return ulid.Make().String() }
