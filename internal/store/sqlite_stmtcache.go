package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
)

// sqliteDriverName is modernc.org/sqlite behind a per-connection cache of
// prepared statements. The driver parses every query it is given anew, and
// parsing was a third of a decision's CPU time (BenchmarkDecision's
// profile): the store runs a small fixed set of query strings, so each
// connection keeps them prepared, as PostgreSQL's pgx does by default.
const sqliteDriverName = "tongban-sqlite"

// stmtCacheMax bounds the statements one connection keeps; past it the
// cache starts again (the store has a few dozen distinct queries, so this
// only matters if a caller builds queries dynamically).
const stmtCacheMax = 256

func init() {
	db, err := sql.Open("sqlite", "")
	if err != nil {
		panic(err) // registered by the modernc import: cannot happen
	}
	base := db.Driver()
	_ = db.Close()
	sql.Register(sqliteDriverName, cachingDriver{base})
}

type cachingDriver struct{ base driver.Driver }

// sqliteConn is what modernc.org/sqlite's connection implements and
// database/sql uses; the wrapper keeps all of it.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type stmtContext interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

func (d cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.base.Open(name)
	if err != nil {
		return nil, err
	}
	sc, ok := c.(sqliteConn)
	if !ok {
		return c, nil // a driver version without these interfaces: no cache
	}
	return &cachedConn{sqliteConn: sc, stmts: map[string]*cachedStmt{}}, nil
}

// cachedConn is used by one goroutine at a time (database/sql's contract),
// so the map needs no lock.
type cachedConn struct {
	sqliteConn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	st   stmtContext
	busy bool // rows are open on it: a second use prepares afresh
}

// stmt returns the cached statement for query, preparing it on first use;
// nil (and no error) when it cannot be used now.
func (c *cachedConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil, nil
		}
		return s, nil
	}
	ds, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st, ok := ds.(stmtContext)
	if !ok {
		_ = ds.Close()
		return nil, nil
	}
	if len(c.stmts) >= stmtCacheMax {
		c.closeStmts()
	}
	s := &cachedStmt{st: st}
	c.stmts[query] = s
	return s, nil
}

// evict drops a statement after an error: the next use prepares it again.
func (c *cachedConn) evict(query string, s *cachedStmt) {
	if c.stmts[query] == s {
		delete(c.stmts, query)
	}
	_ = s.st.Close()
}

func (c *cachedConn) closeStmts() {
	for q, s := range c.stmts {
		if !s.busy {
			_ = s.st.Close()
		}
		delete(c.stmts, q)
	}
}

// ExecContext runs statements with arguments through the cache; those
// without (pragmas, migration scripts of several statements) go straight
// to the driver.
func (c *cachedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	res, err := s.st.ExecContext(ctx, args)
	if err != nil {
		c.evict(query, s)
	}
	return res, err
}

// QueryContext is ExecContext's counterpart; the statement is busy until
// its rows are closed.
func (c *cachedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := s.st.QueryContext(ctx, args)
	if err != nil {
		c.evict(query, s)
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, conn: c, query: query, s: s}, nil
}

// Close finalises the cached statements before the connection.
func (c *cachedConn) Close() error {
	c.closeStmts()
	return c.sqliteConn.Close()
}

type cachedRows struct {
	driver.Rows
	conn   *cachedConn
	query  string
	s      *cachedStmt
	failed bool
	closed bool
}

func (r *cachedRows) Next(dest []driver.Value) error {
	err := r.Rows.Next(dest)
	if err != nil && !errors.Is(err, io.EOF) {
		r.failed = true // evicted on Close, once the rows no longer use it
	}
	return err
}

// Close resets the statement (modernc's rows do that for a prepared
// statement) and makes it available again, or finalises it if it failed
// or left the cache meanwhile.
func (r *cachedRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Rows.Close()
	r.s.busy = false
	if err != nil || r.failed || r.conn.stmts[r.query] != r.s {
		r.conn.evict(r.query, r.s)
	}
	return err
}
