package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/tongban/tongban/internal/apperr"
)

// Group commit for SQLite.
//
// SQLite has one writer. Instead of one transaction per Write, a single
// committer goroutine takes the writes queued (first come, first served),
// runs each in its own SAVEPOINT inside one transaction, and commits once:
// the pages they share (the tail of the events, jobs and notifications
// tables and their indexes) are written to the WAL once and one fsync
// covers them all. Each write still succeeds or fails alone: a write whose
// fn fails is rolled back to its savepoint and the others commit; a later
// write sees an earlier one's changes, exactly as if they had run one
// after another in queue order.
//
// If the transaction itself breaks (SQLite rolls a whole transaction back
// when a statement is interrupted, e.g. by a cancelled request context),
// the writes whose work was lost run again, each in a transaction of its
// own; Write's contract already requires fn to be safe to run again.

// maxBatch bounds the writes in one transaction, so a long queue still
// commits (and answers) in steps.
const maxBatch = 64

type writeReq struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan writeResult
}

type writeResult struct {
	err      error
	panicked bool
	panicVal any
}

// WriteStats counts SQLite's group commit: Writes committed or failed, in
// Transactions; Waiting is the writes queued for the committer right now.
// Zero on PostgreSQL and MySQL.
type WriteStats struct {
	Writes       int64
	Transactions int64
	Waiting      int64
}

type batcher struct {
	reqs    chan *writeReq
	quit    chan struct{}
	exited  chan struct{}
	writes  atomic.Int64
	txs     atomic.Int64
	waiting atomic.Int64
}

func (db *DB) startBatcher() {
	db.batch = &batcher{reqs: make(chan *writeReq), quit: make(chan struct{}), exited: make(chan struct{})}
	go db.batchLoop()
}

// stopBatcher ends the committer after the batch in progress.
func (db *DB) stopBatcher() {
	if db.batch == nil {
		return
	}
	close(db.batch.quit)
	<-db.batch.exited
}

// Stats reports the group commit counters.
func (db *DB) Stats() WriteStats {
	if db.batch == nil {
		return WriteStats{}
	}
	return WriteStats{Writes: db.batch.writes.Load(), Transactions: db.batch.txs.Load(), Waiting: db.batch.waiting.Load()}
}

// submit queues fn and waits for its result. It waits even when ctx ends
// after fn was taken, so that fn never runs after Write returned.
func (db *DB) submit(ctx context.Context, fn func(tx *Tx) error) error {
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	db.batch.waiting.Add(1)
	select {
	case db.batch.reqs <- r:
		db.batch.waiting.Add(-1)
	case <-ctx.Done():
		db.batch.waiting.Add(-1)
		return apperr.Wrap(ctx.Err(), "write transaction")
	case <-db.batch.quit:
		db.batch.waiting.Add(-1)
		return apperr.Wrap(errClosed, "write transaction")
	}
	res := <-r.done
	if res.panicked {
		panic(res.panicVal)
	}
	return res.err
}

var errClosed = errors.New("database closed")

func (db *DB) batchLoop() {
	b := db.batch
	defer close(b.exited)
	batch := make([]*writeReq, 0, maxBatch)
	for {
		batch = batch[:0]
		select {
		case r := <-b.reqs:
			batch = append(batch, r)
		case <-b.quit:
			return
		}
		// Whatever queued while the previous batch ran joins this one.
	drain:
		for len(batch) < maxBatch {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		db.runBatch(batch)
	}
}

// runBatch runs the queued writes in one transaction and answers each.
func (db *DB) runBatch(batch []*writeReq) {
	b := db.batch
	b.writes.Add(int64(len(batch)))
	b.txs.Add(1)
	if len(batch) == 1 {
		batch[0].done <- db.runAlone(batch[0])
		return
	}
	bg := context.Background()
	stx, err := db.writer.BeginTx(bg, nil)
	if err != nil {
		err = MapError(db.dialect, fmt.Errorf("begin: %w", err))
		for _, r := range batch {
			r.done <- writeResult{err: err}
		}
		return
	}
	results := make([]writeResult, len(batch))
	ran := make([]bool, len(batch)) // fn ran and its result stands unless the transaction breaks
	broken := false
	var lists []*staged // what the writes that succeeded staged, flushed once before COMMIT
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i], ran[i] = writeResult{err: apperr.Wrap(err, "write transaction")}, true
			continue
		}
		if _, err := stx.ExecContext(bg, "SAVEPOINT tb_write"); err != nil {
			broken = true
			break
		}
		tx := &Tx{tx: stx, dialect: db.dialect, now: db.now(), grouped: true}
		res := callFn(r.ctx, r.fn, tx)
		if res.err != nil || res.panicked {
			if _, err := stx.ExecContext(bg, "ROLLBACK TO tb_write"); err != nil {
				broken = true
			}
		}
		if _, err := stx.ExecContext(bg, "RELEASE tb_write"); err != nil {
			broken = true
		}
		results[i], ran[i] = res, true
		if broken {
			break
		}
		if res.err == nil && !res.panicked {
			lists = joinStaged(lists, tx.staged)
		}
	}
	if !broken && len(lists) > 0 {
		// A failure here loses every write's work: they run again alone.
		tx := &Tx{tx: stx, dialect: db.dialect, now: db.now()}
		if err := tx.flushStaged(bg, lists); err != nil {
			broken = true
		}
	}
	if !broken {
		if err := stx.Commit(); err != nil {
			err = MapError(db.dialect, fmt.Errorf("commit: %w", err))
			for i, r := range batch {
				if results[i].err == nil && !results[i].panicked {
					results[i] = writeResult{err: err}
				}
				r.done <- results[i]
			}
			return
		}
		for i, r := range batch {
			r.done <- results[i]
		}
		return
	}
	_ = stx.Rollback() // the transaction may be gone already; nothing of it stands
	for i, r := range batch {
		// A write that failed on its own keeps its answer; every other one
		// lost its work with the transaction and runs again, alone.
		if ran[i] && (results[i].err != nil || results[i].panicked) {
			r.done <- results[i]
			continue
		}
		b.txs.Add(1)
		r.done <- db.runAlone(r)
	}
}

// runAlone runs one write in a transaction of its own.
func (db *DB) runAlone(r *writeReq) writeResult {
	if err := r.ctx.Err(); err != nil {
		return writeResult{err: apperr.Wrap(err, "write transaction")}
	}
	stx, err := db.writer.BeginTx(r.ctx, nil)
	if err != nil {
		return writeResult{err: MapError(db.dialect, fmt.Errorf("begin: %w", err))}
	}
	res := callFn(r.ctx, r.fn, &Tx{tx: stx, dialect: db.dialect, now: db.now()})
	if res.err != nil || res.panicked {
		_ = stx.Rollback()
		return res
	}
	if err := stx.Commit(); err != nil {
		return writeResult{err: MapError(db.dialect, fmt.Errorf("commit: %w", err))}
	}
	return res
}

// callFn runs fn and then tx's BeforeCommit functions (inside the write's
// savepoint, so that a failed write leaves nothing of them), turning a
// panic into a result the caller re-raises.
func callFn(ctx context.Context, fn func(tx *Tx) error, tx *Tx) (res writeResult) {
	defer func() {
		if v := recover(); v != nil {
			res = writeResult{panicked: true, panicVal: v}
		}
	}()
	if err := fn(tx); err != nil {
		return writeResult{err: err}
	}
	return writeResult{err: tx.runBeforeCommit(ctx)}
}
