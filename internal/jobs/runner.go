package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// Handler does a job's work inside the write transaction that marks the job
// completed: its effects commit together with the completion, or not at
// all. Returning an error rolls everything back and schedules a retry.
// It must not have effects outside tx that cannot be repeated.
type Handler func(ctx context.Context, tx *store.Tx, j Job) error

// Options configures a Runner. Zero fields take the defaults shown.
type Options struct {
	Owner     string           // instance id written to claimed jobs; default host:pid:random
	Poll      time.Duration    // how often Run looks for due jobs; default 1s
	Lease     time.Duration    // how long a claim lasts, and a handler's time limit; default 5m
	Batch     int              // jobs claimed per round; default 20
	RetryBase time.Duration    // wait after the first failure, doubling each time; default 10s
	RetryMax  time.Duration    // longest wait between attempts; default 1h
	Now       func() time.Time // the clock; default time.Now
	Logger    *slog.Logger     // default slog.Default()
}

// Runner claims due jobs and runs their handlers. Register handlers with
// Handle before calling Run or RunDue.
type Runner struct {
	db       *store.DB
	opts     Options
	mu       sync.RWMutex
	handlers map[string]Handler
	slow     map[string]bool // kinds registered with HandleSlow
}

// errLostLease means another runner (or Cancel) took the job meanwhile.
var errLostLease = errors.New("job lease lost")

// NewRunner returns a runner over db with opts' zero fields defaulted.
func NewRunner(db *store.DB, opts Options) *Runner {
	if opts.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		opts.Owner = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Lease <= 0 {
		opts.Lease = 5 * time.Minute
	}
	if opts.Batch <= 0 {
		opts.Batch = 20
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = 10 * time.Second
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Runner{db: db, opts: opts, handlers: map[string]Handler{}, slow: map[string]bool{}}
}

// Handle registers the handler for a kind, replacing any earlier one.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[kind] = h
}

// HandleSlow registers a handler that runs for seconds (text recognition,
// say): it gets no transaction (tx is nil) and must write what it writes
// with transactions of its own, and be idempotent, since it runs before the
// job is marked completed (a lost lease means it may run twice). Handlers
// registered with Handle run inside the transaction that completes the
// job, which on SQLite holds the one writer for as long as they take.
func (r *Runner) HandleSlow(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[kind] = h
	r.slow[kind] = true
}

func (r *Runner) handler(kind string) (Handler, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.handlers[kind], r.slow[kind]
}

// Run runs due jobs every Poll until ctx is done, then returns nil. A job
// already started when ctx ends is finished (within Lease); jobs claimed but
// not started are handed back at once.
func (r *Runner) Run(ctx context.Context) error {
	t := time.NewTicker(r.opts.Poll)
	defer t.Stop()
	for {
		if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.opts.Logger.Error("jobs: run due jobs", "owner", r.opts.Owner, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunDue claims and runs every job due now, round after round until none
// is left, and reports how many it ran (whatever their outcome).
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	ran := 0
	for range 1000 { // a bound, should a handler keep enqueuing due jobs
		if ctx.Err() != nil {
			return ran, nil
		}
		claimed, err := r.claim(ctx)
		if err != nil {
			return ran, err
		}
		if len(claimed) == 0 {
			return ran, nil
		}
		for i, j := range claimed {
			if ctx.Err() != nil {
				r.release(ctx, claimed[i:])
				return ran, nil
			}
			r.run(ctx, j)
			ran++
		}
	}
	return ran, nil
}

// due is the claim condition: waiting and due, or running under a lease
// that expired (its runner died or hung).
const due = `((state IN (?,?) AND run_at <= ?) OR (state = ? AND lease_until < ?))`

func dueArgs(now int64) []any {
	return []any{string(Available), string(Retryable), now, string(Running), now}
}

// claim takes up to Batch due jobs under a lease. The conditional UPDATE
// is what makes a claim exclusive on every dialect. On PostgreSQL and MySQL
// the candidates are also read FOR UPDATE SKIP LOCKED, one query per state
// so that each walks the (state, run_at) index in order: InnoDB locks every
// row it reads, and a query needing a sort would read (and lock) them all,
// leaving the other runners nothing to take.
func (r *Runner) claim(ctx context.Context) ([]Job, error) {
	var out []Job
	err := r.db.Write(ctx, func(tx *store.Tx) error {
		out = out[:0]
		now := ms(r.opts.Now())
		lease := ms(r.opts.Now().Add(r.opts.Lease))
		lock := ""
		if tx.Dialect() != store.SQLite {
			lock = ` FOR UPDATE SKIP LOCKED`
		}
		var cands []Job
		for _, w := range []struct {
			where string
			args  []any
		}{
			{`state = ? AND run_at <= ?`, []any{string(Available), now}},
			{`state = ? AND run_at <= ?`, []any{string(Retryable), now}},
			{`state = ? AND lease_until < ?`, []any{string(Running), now}},
		} {
			if len(cands) >= r.opts.Batch {
				break
			}
			rows, err := tx.Query(ctx, `SELECT `+jobCols+` FROM jobs WHERE `+w.where+` ORDER BY run_at, id LIMIT ?`+lock,
				append(w.args, r.opts.Batch-len(cands))...)
			if err != nil {
				return err
			}
			for rows.Next() {
				j, err := scanJob(rows)
				if err != nil {
					rows.Close()
					return store.MapError(tx.Dialect(), err)
				}
				cands = append(cands, j)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return store.MapError(tx.Dialect(), err)
			}
		}
		for _, j := range cands {
			res, err := tx.Exec(ctx, `UPDATE jobs SET state=?, owner=?, lease_until=?, attempt=attempt+1, updated_at=?, version=version+1
				WHERE id=? AND `+due, append([]any{string(Running), r.opts.Owner, lease, now, j.ID}, dueArgs(now)...)...)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				continue // another runner got it first
			}
			j.State, j.Owner, j.LeaseUntil = Running, r.opts.Owner, fromMS(lease)
			j.Attempt++
			out = append(out, j)
		}
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err, "claim jobs")
	}
	return out, nil
}

// run executes one claimed job. The completion UPDATE comes first in the
// transaction: it checks the lease is still ours and, on PostgreSQL and
// MySQL, locks the row, so a runner taking over or a Cancel waits for this
// transaction and then finds the job finished.
func (r *Runner) run(ctx context.Context, j Job) {
	log := r.opts.Logger.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempt, "owner", r.opts.Owner)
	h, slow := r.handler(j.Kind)
	if h == nil {
		r.fail(ctx, j, fmt.Errorf("no handler is registered for job kind %q", j.Kind), true)
		log.Error("jobs: discarded a job of unknown kind")
		return
	}
	// The handler finishes even when ctx ends (graceful shutdown), but not
	// beyond the lease.
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.Lease)
	defer cancel()
	var herr error
	if slow {
		if herr = call(hctx, h, nil, j); herr != nil {
			r.fail(ctx, j, herr, false)
			log.Warn("jobs: handler failed", "err", herr)
			return
		}
	}
	err := r.db.Write(hctx, func(tx *store.Tx) error {
		herr = nil
		now := ms(r.opts.Now())
		res, err := tx.Exec(hctx, `UPDATE jobs SET state=?, active_key=NULL, lease_until=0, finalized_at=?, updated_at=?, version=version+1
			WHERE id=? AND owner=? AND attempt=? AND state=?`, string(Completed), now, now, j.ID, r.opts.Owner, j.Attempt, string(Running))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errLostLease
		}
		if !slow {
			herr = call(hctx, h, tx, j)
		}
		return herr
	})
	switch {
	case err == nil:
		log.Debug("jobs: completed")
	case errors.Is(err, errLostLease):
		log.Info("jobs: lease lost or job cancelled; handler rolled back")
	default:
		if herr == nil {
			herr = err // the transaction failed around a successful handler
		}
		r.fail(ctx, j, herr, false)
		log.Warn("jobs: handler failed", "err", herr)
	}
}

// call runs h, turning a panic into an error so one bad job cannot stop
// the runner.
func call(ctx context.Context, h Handler, tx *store.Tx, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return h(ctx, tx, j)
}

// fail records a failed run: retryable with backoff while attempts remain,
// otherwise (or when discard is set) discarded.
func (r *Runner) fail(ctx context.Context, j Job, cause error, discard bool) {
	ctx = context.WithoutCancel(ctx)
	final := discard || j.Attempt >= j.MaxAttempts
	err := r.db.Write(ctx, func(tx *store.Tx) error {
		now := r.opts.Now()
		msg := truncate(cause.Error(), maxErrorLen)
		var q string
		var args []any
		if final {
			q = `UPDATE jobs SET state=?, last_error=?, active_key=NULL, lease_until=0, finalized_at=?, updated_at=?, version=version+1
				WHERE id=? AND owner=? AND attempt=? AND state=?`
			args = []any{string(Discarded), msg, ms(now), ms(now)}
		} else {
			q = `UPDATE jobs SET state=?, last_error=?, run_at=?, lease_until=0, updated_at=?, version=version+1
				WHERE id=? AND owner=? AND attempt=? AND state=?`
			args = []any{string(Retryable), msg, ms(now.Add(r.backoff(j.Attempt))), ms(now)}
		}
		_, err := tx.Exec(ctx, q, append(args, j.ID, r.opts.Owner, j.Attempt, string(Running))...)
		return err // no row matched: someone else owns the job now, nothing to record
	})
	if err != nil {
		r.opts.Logger.Error("jobs: record failure", "job", j.ID, "err", err)
	}
}

// backoff is RetryBase·2^(attempt-1), at most RetryMax.
func (r *Runner) backoff(attempt int) time.Duration {
	d := r.opts.RetryBase
	for i := 1; i < attempt && d < r.opts.RetryMax; i++ {
		d *= 2
	}
	return min(d, r.opts.RetryMax)
}

// release hands claimed but unstarted jobs back, so that another runner
// need not wait for the lease to expire. The attempt is not counted.
func (r *Runner) release(ctx context.Context, js []Job) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := r.db.Write(ctx, func(tx *store.Tx) error {
		for _, j := range js {
			if _, err := tx.Exec(ctx, `UPDATE jobs SET state=?, attempt=attempt-1, lease_until=0, updated_at=?, version=version+1
				WHERE id=? AND owner=? AND attempt=? AND state=?`,
				string(Available), ms(r.opts.Now()), j.ID, r.opts.Owner, j.Attempt, string(Running)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		r.opts.Logger.Warn("jobs: release claimed jobs; they return when their lease expires", "err", err)
	}
}
