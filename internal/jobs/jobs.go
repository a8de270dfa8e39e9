// Package jobs keeps durable jobs and timers in the application database.
//
// A job is enqueued with Enqueue inside the caller's write transaction, so
// it exists if and only if the state change that asked for it committed.
// A Runner claims due jobs and runs each Handler inside the very write
// transaction that marks the job completed: the handler's effects and the
// completion commit together or not at all, so a job's effect happens once
// even if the process dies half-way.
//
// Several runners (processes sharing a PostgreSQL or MySQL database, or
// several handles on one SQLite file) may run at once. A runner claims a
// job with a conditional UPDATE that takes a lease (owner, lease_until,
// attempt+1); the completion UPDATE checks that the same owner and attempt
// still hold it, and rolls the handler back if not. A runner that died
// leaves its lease to expire, after which another runner takes the job over.
//
// States (a job moves only along these arrows):
//
//	available ──claim──▶ running ──handler ok──▶ completed
//	retryable ──claim──▶ running ──handler failed──▶ retryable (run_at = now + backoff)
//	                      running ──failed MaxAttempts times, or no handler──▶ discarded
//	available, retryable, running ──Cancel──▶ cancelled
//	running (lease expired) ──claim by another runner──▶ running
//
// Finished rows (completed, discarded, cancelled) stay for the record;
// Prune deletes old ones.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// State is where a job is in its life; see the package comment.
type State string

// The job states.
const (
	Available State = "available" // waiting for run_at
	Running   State = "running"   // claimed by a runner under a lease
	Retryable State = "retryable" // failed, waiting for run_at to try again
	Completed State = "completed" // handler succeeded; final
	Discarded State = "discarded" // failed MaxAttempts times or no handler; final
	Cancelled State = "cancelled" // cancelled before it ran; final
)

// Limits on a Spec.
const (
	DefaultMaxAttempts = 10
	maxKindLen         = 100
	maxKeyLen          = 200
	maxErrorLen        = 1000 // runes of last_error kept
	maxAttemptsLimit   = 1000
)

// Job is one stored job, as a handler sees it.
type Job struct {
	ID          string
	Kind        string
	Args        json.RawMessage
	State       State
	RunAt       time.Time
	Attempt     int // 1 on the first run
	MaxAttempts int
	UniqueKey   string
	Owner       string
	LeaseUntil  time.Time
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinalizedAt time.Time // zero until the job reaches a final state
}

// Spec describes a job to enqueue.
type Spec struct {
	Kind string // handler name, e.g. "task.warn"
	Args any    // marshalled to JSON; the handler unmarshals Job.Args
	// RunAt is when the job becomes due; zero means now.
	RunAt time.Time
	// UniqueKey, if set, makes a second Enqueue with the same key a no-op
	// while the first job has not finished (available, retryable or
	// running). Once it finished, the key is free again, so a timer can be
	// armed anew after it fired or was cancelled.
	UniqueKey string
	// MaxAttempts caps the runs before the job is discarded; 0 means
	// DefaultMaxAttempts.
	MaxAttempts int
}

// Enqueue stores a job inside the caller's transaction: the job exists if
// and only if that transaction commits.
func Enqueue(ctx context.Context, tx *store.Tx, s Spec) error {
	if err := s.validate(); err != nil {
		return err
	}
	args, err := json.Marshal(s.Args)
	if err != nil {
		return apperr.New(apperr.Invalid, "job.bad_args", "任务参数无法编码为 JSON", "the job arguments cannot be encoded as JSON").
			WithField("args", "invalid", "无法编码为 JSON", "cannot be encoded as JSON")
	}
	if s.MaxAttempts == 0 {
		s.MaxAttempts = DefaultMaxAttempts
	}
	now := ms(tx.Now())
	var runAt int64
	if !s.RunAt.IsZero() {
		runAt = ms(s.RunAt)
	}
	var active any // NULL: no uniqueness
	if s.UniqueKey != "" {
		active = s.UniqueKey
	}
	_, err = tx.InsertIgnore(ctx, "jobs",
		[]string{"id", "kind", "args", "state", "unique_key", "active_key", "run_at", "attempt", "max_attempts", "created_at", "updated_at", "version"},
		[]any{store.NewID(), s.Kind, string(args), string(Available), s.UniqueKey, active, runAt, 0, s.MaxAttempts, now, now, 1},
		[]string{"active_key"})
	if err != nil {
		return apperr.Wrap(err, "enqueue job "+s.Kind)
	}
	return nil
}

func (s Spec) validate() error {
	e := apperr.New(apperr.Invalid, "job.invalid", "任务定义有误", "invalid job")
	bad := false
	switch k := strings.TrimSpace(s.Kind); {
	case k == "":
		e.WithField("kind", "required", "任务类型不能为空", "the job kind is required")
		bad = true
	case k != s.Kind || utf8.RuneCountInString(k) > maxKindLen:
		e.WithField("kind", "invalid", "任务类型不能有首尾空格，且不超过 100 个字符", "the job kind must have no surrounding spaces and at most 100 characters")
		bad = true
	}
	if utf8.RuneCountInString(s.UniqueKey) > maxKeyLen {
		e.WithField("unique_key", "too_long", "唯一键不能超过 200 个字符", "the unique key must be at most 200 characters")
		bad = true
	}
	if s.MaxAttempts < 0 || s.MaxAttempts > maxAttemptsLimit {
		e.WithField("max_attempts", "out_of_range", "最大尝试次数应在 0 到 1000 之间（0 表示默认 10 次）", "max attempts must be between 0 and 1000 (0 means the default of 10)")
		bad = true
	}
	if bad {
		return e
	}
	return nil
}

// Cancel cancels the unfinished job holding uniqueKey (a timer no longer
// wanted, e.g. a warning when the task concluded). It is a no-op when no
// such job exists, because the caller cannot know whether the timer already
// fired. If the job is running at that moment, its handler's transaction is
// rolled back (the completion finds it cancelled) or, if that transaction
// committed first, Cancel finds nothing left to cancel.
func Cancel(ctx context.Context, tx *store.Tx, uniqueKey string) error {
	if uniqueKey == "" {
		return apperr.New(apperr.Invalid, "job.no_key", "取消任务须指定唯一键", "cancelling a job needs its unique key").
			WithField("unique_key", "required", "唯一键不能为空", "the unique key is required")
	}
	now := ms(tx.Now())
	_, err := tx.Exec(ctx, `UPDATE jobs SET state=?, active_key=NULL, owner='', lease_until=0, finalized_at=?, updated_at=?, version=version+1
		WHERE active_key=? AND state IN (?,?,?)`,
		string(Cancelled), now, now, uniqueKey, string(Available), string(Retryable), string(Running))
	if err != nil {
		return apperr.Wrap(err, "cancel job")
	}
	return nil
}

const jobCols = `id, kind, args, state, run_at, attempt, max_attempts, unique_key, owner, lease_until, last_error, created_at, updated_at, finalized_at`

func scanJob(sc interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var args, state string
	var runAt, lease, created, updated int64
	var final sql.NullInt64
	if err := sc.Scan(&j.ID, &j.Kind, &args, &state, &runAt, &j.Attempt, &j.MaxAttempts, &j.UniqueKey, &j.Owner, &lease, &j.LastError, &created, &updated, &final); err != nil {
		return j, err
	}
	j.Args = json.RawMessage(args)
	j.State = State(state)
	j.RunAt, j.LeaseUntil, j.CreatedAt, j.UpdatedAt = fromMS(runAt), fromMS(lease), fromMS(created), fromMS(updated)
	if final.Valid {
		j.FinalizedAt = fromMS(final.Int64)
	}
	return j, nil
}

// Get loads one job by id.
func Get(ctx context.Context, q *store.Tx, id string) (Job, error) {
	j, err := scanJob(q.QueryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE id=?`, id))
	if err == sql.ErrNoRows {
		return j, apperr.Newf(apperr.NotFound, "job.not_found", "任务 %s 不存在", "job %s not found", id)
	}
	if err != nil {
		return j, apperr.Wrap(err, "get job")
	}
	return j, nil
}

// Filter narrows List; empty fields match everything.
type Filter struct {
	Kind      string
	State     State
	UniqueKey string
	Limit     int // 0 means 1000
}

// List returns jobs oldest first, for tests and the operators' screen.
func List(ctx context.Context, q *store.Tx, f Filter) ([]Job, error) {
	query := `SELECT ` + jobCols + ` FROM jobs WHERE 1=1`
	var args []any
	if f.Kind != "" {
		query += ` AND kind=?`
		args = append(args, f.Kind)
	}
	if f.State != "" {
		query += ` AND state=?`
		args = append(args, string(f.State))
	}
	if f.UniqueKey != "" {
		query += ` AND unique_key=?`
		args = append(args, f.UniqueKey)
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	query += ` ORDER BY id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, apperr.Wrap(err, "list jobs")
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, apperr.Wrap(err, "scan job")
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(err, "list jobs")
	}
	return out, nil
}

// Prune deletes completed and cancelled jobs that finished before cutoff
// and reports how many. Discarded jobs stay until an operator looks at them.
func Prune(ctx context.Context, db *store.DB, before time.Time) (int64, error) {
	var n int64
	err := db.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM jobs WHERE state IN (?,?) AND finalized_at < ?`, string(Completed), string(Cancelled), ms(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, apperr.Wrap(err, "prune jobs")
	}
	return n, nil
}

// PruneKind deletes, inside tx, the completed and cancelled jobs of one
// kind that finished before cutoff: a periodic job that re-arms itself
// keeps its own history short this way.
func PruneKind(ctx context.Context, tx *store.Tx, kind string, before time.Time) error {
	_, err := tx.Exec(ctx, `DELETE FROM jobs WHERE kind=? AND state IN (?,?) AND finalized_at < ?`, kind, string(Completed), string(Cancelled), ms(before))
	return err
}

func ms(t time.Time) int64 { return t.UTC().UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// truncate keeps at most n runes of s.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
