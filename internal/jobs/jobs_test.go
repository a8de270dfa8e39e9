package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
)

var t0 = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)

// clock is a settable fake time shared by a test's runners and DBs.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newRunner(db *store.DB, owner string, c *clock) *Runner {
	return NewRunner(db, Options{Owner: owner, Poll: 10 * time.Millisecond, Lease: time.Minute, Batch: 5,
		RetryBase: time.Minute, RetryMax: 10 * time.Minute, Now: c.Now, Logger: quiet()})
}

// mustEffects creates the table handlers write their effects to: a unique
// row per job (a second run would collide) and a counter.
func mustEffects(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for _, s := range []string{
		`CREATE TABLE t_effects (job_id CHAR(26) PRIMARY KEY, attempt INTEGER NOT NULL)`,
		`CREATE TABLE t_counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)`,
		`INSERT INTO t_counter (id, n) VALUES (1, 0)`,
	} {
		if err := db.Write(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, s); return err }); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// effect is a handler that records its run in the database.
func effect(ctx context.Context, tx *store.Tx, j Job) error {
	if _, err := tx.Exec(ctx, `INSERT INTO t_effects (job_id, attempt) VALUES (?,?)`, j.ID, j.Attempt); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE t_counter SET n=n+1 WHERE id=1`)
	return err
}

func counter(t *testing.T, db *store.DB) (effects, n int) {
	t.Helper()
	ctx := context.Background()
	err := db.Read(ctx, func(q *store.Tx) error {
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM t_effects`).Scan(&effects); err != nil {
			return err
		}
		return q.QueryRow(ctx, `SELECT n FROM t_counter WHERE id=1`).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return effects, n
}

func mustEnqueue(t *testing.T, db *store.DB, specs ...Spec) {
	t.Helper()
	ctx := context.Background()
	err := db.Write(ctx, func(tx *store.Tx) error {
		for _, s := range specs {
			if err := Enqueue(ctx, tx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
}

func mustList(t *testing.T, db *store.DB, f Filter) []Job {
	t.Helper()
	var out []Job
	ctx := context.Background()
	if err := db.Read(ctx, func(q *store.Tx) error {
		var err error
		out, err = List(ctx, q, f)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustRunDue(t *testing.T, r *Runner) int {
	t.Helper()
	n, err := r.RunDue(context.Background())
	if err != nil {
		t.Fatalf("RunDue: %v", err)
	}
	return n
}

func setup(t *testing.T, db *store.DB) (*clock, *Runner) {
	t.Helper()
	c := &clock{t: t0}
	db.SetClock(c.Now)
	mustEffects(t, db)
	r := newRunner(db, "runner-a", c)
	r.Handle("effect", effect)
	return c, r
}

func TestEnqueueRolledBack(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, r := setup(t, db)
		boom := errors.New("state change failed")
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := Enqueue(ctx, tx, Spec{Kind: "effect"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Write = %v", err)
		}
		if got := len(mustList(t, db, Filter{})); got != 0 {
			t.Errorf("jobs after rollback = %d, want 0", got)
		}
		if got := mustRunDue(t, r); got != 0 {
			t.Errorf("ran %d jobs, want 0", got)
		}
	})
}

func TestUniqueKey(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		_, r := setup(t, db)
		mustEnqueue(t, db, Spec{Kind: "effect", UniqueKey: "task:1:warn"}, Spec{Kind: "effect", UniqueKey: "task:1:warn"})
		mustEnqueue(t, db, Spec{Kind: "effect", UniqueKey: "task:1:warn"})
		if got := len(mustList(t, db, Filter{UniqueKey: "task:1:warn"})); got != 1 {
			t.Fatalf("jobs with the key = %d, want 1", got)
		}
		if got := mustRunDue(t, r); got != 1 {
			t.Fatalf("ran %d, want 1", got)
		}
		// Finished: the key is free again, a timer can be re-armed.
		mustEnqueue(t, db, Spec{Kind: "effect", UniqueKey: "task:1:warn"})
		if got := mustRunDue(t, r); got != 1 {
			t.Fatalf("ran %d after re-arming, want 1", got)
		}
		if eff, n := counter(t, db); eff != 2 || n != 2 {
			t.Errorf("effects=%d counter=%d, want 2 2", eff, n)
		}
		// Jobs without a key never collide.
		mustEnqueue(t, db, Spec{Kind: "effect"}, Spec{Kind: "effect"})
		if got := len(mustList(t, db, Filter{State: Available})); got != 2 {
			t.Errorf("keyless jobs = %d, want 2", got)
		}
	})
}

func TestTimerWaitsForRunAt(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		c, r := setup(t, db)
		var args []string
		r.Handle("remind", func(ctx context.Context, tx *store.Tx, j Job) error {
			var a struct{ Task string }
			if err := json.Unmarshal(j.Args, &a); err != nil {
				return err
			}
			args = append(args, a.Task)
			return nil
		})
		mustEnqueue(t, db, Spec{Kind: "remind", Args: map[string]string{"Task": "T1"}, RunAt: t0.Add(time.Hour)})
		tests := []struct {
			at   time.Time
			want int
		}{
			{t0, 0},
			{t0.Add(time.Hour - time.Millisecond), 0},
			{t0.Add(time.Hour), 1},
			{t0.Add(2 * time.Hour), 0},
		}
		for _, tt := range tests {
			c.Set(tt.at)
			if got := mustRunDue(t, r); got != tt.want {
				t.Errorf("at %v ran %d, want %d", tt.at, got, tt.want)
			}
		}
		if strings.Join(args, ",") != "T1" {
			t.Errorf("handler saw args %v, want [T1]", args)
		}
		js := mustList(t, db, Filter{Kind: "remind"})
		if len(js) != 1 || js[0].State != Completed || js[0].Attempt != 1 || !js[0].FinalizedAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("job = %+v, want completed on attempt 1 at run time", js)
		}
	})
}

// TestTwoRunnersExactlyOnce: two handles on one database, as two server
// instances would have, race over 200 jobs; each job's effect happens once.
func TestTwoRunnersExactlyOnce(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dsn, dir := storetest.FreshDSN(t, d)
			db1 := storetest.OpenDSN(t, dsn, dir)
			db2 := storetest.OpenDSN(t, dsn, dir)
			mustEffects(t, db1)
			const total = 200
			specs := make([]Spec, total)
			for i := range specs {
				specs[i] = Spec{Kind: "effect"}
			}
			mustEnqueue(t, db1, specs...)

			var runs [2]atomic.Int64
			var wg sync.WaitGroup
			for i, db := range []*store.DB{db1, db2} {
				r := NewRunner(db, Options{Owner: []string{"a", "b"}[i], Batch: 7, Lease: time.Minute, Logger: quiet()})
				r.Handle("effect", effect)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						n, err := r.RunDue(context.Background())
						if err != nil {
							t.Errorf("runner %d: %v", i, err)
							return
						}
						runs[i].Add(int64(n))
						if n == 0 {
							return
						}
					}
				}()
			}
			wg.Wait()
			eff, n := counter(t, db1)
			if eff != total || n != total {
				t.Errorf("effects=%d counter=%d, want %d each", eff, n, total)
			}
			if got := len(mustList(t, db1, Filter{State: Completed})); got != total {
				t.Errorf("completed jobs = %d, want %d", got, total)
			}
			if a, b := runs[0].Load(), runs[1].Load(); a+b != total {
				t.Errorf("runs a=%d b=%d, want a+b=%d", a, b, total)
			} else {
				t.Logf("%s: runner a ran %d, b ran %d", d, a, b)
			}
		})
	}
}

// TestExpiredLeaseTakenOver: runner a claims a job and "crashes"; after
// the lease, runner b runs it. When a wakes up late its work is rolled back.
func TestExpiredLeaseTakenOver(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c, a := setup(t, db)
		b := newRunner(db, "runner-b", c)
		b.Handle("effect", effect)
		mustEnqueue(t, db, Spec{Kind: "effect"})

		claimed, err := a.claim(ctx)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim = %v, %v; want one job", claimed, err)
		}
		if got := mustRunDue(t, b); got != 0 {
			t.Fatalf("b ran %d while a's lease holds, want 0", got)
		}
		c.Set(t0.Add(time.Minute + time.Millisecond))
		if got := mustRunDue(t, b); got != 1 {
			t.Fatalf("b ran %d after the lease expired, want 1", got)
		}
		a.run(ctx, claimed[0]) // the crashed runner comes back
		if eff, n := counter(t, db); eff != 1 || n != 1 {
			t.Errorf("effects=%d counter=%d, want 1 1", eff, n)
		}
		j := mustList(t, db, Filter{})[0]
		if j.State != Completed || j.Owner != "runner-b" || j.Attempt != 2 {
			t.Errorf("job state=%s owner=%s attempt=%d, want completed by runner-b on attempt 2", j.State, j.Owner, j.Attempt)
		}
	})
}

func TestRetryBackoffThenDiscard(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		c, r := setup(t, db)
		calls := 0
		r.Handle("flaky", func(ctx context.Context, tx *store.Tx, j Job) error {
			calls++
			if _, err := tx.Exec(ctx, `UPDATE t_counter SET n=n+1 WHERE id=1`); err != nil {
				return err
			}
			return errors.New(strings.Repeat("远端服务无响应 ", 500)) // long: must be truncated
		})
		mustEnqueue(t, db, Spec{Kind: "flaky", MaxAttempts: 3})
		steps := []struct {
			at        time.Duration
			wantRan   int
			wantState State
			wantRunAt time.Duration
		}{
			{0, 1, Retryable, time.Minute}, // 1st failure: wait RetryBase
			{time.Minute - time.Millisecond, 0, Retryable, time.Minute},
			{time.Minute, 1, Retryable, 3 * time.Minute},     // 2nd: wait 2·RetryBase
			{3 * time.Minute, 1, Discarded, 3 * time.Minute}, // 3rd = MaxAttempts
			{time.Hour, 0, Discarded, 3 * time.Minute},
		}
		for _, s := range steps {
			c.Set(t0.Add(s.at))
			if got := mustRunDue(t, r); got != s.wantRan {
				t.Fatalf("at +%v ran %d, want %d", s.at, got, s.wantRan)
			}
			j := mustList(t, db, Filter{Kind: "flaky"})[0]
			if j.State != s.wantState || !j.RunAt.Equal(t0.Add(s.wantRunAt)) {
				t.Fatalf("at +%v state=%s run_at=+%v, want %s +%v", s.at, j.State, j.RunAt.Sub(t0), s.wantState, s.wantRunAt)
			}
			if !strings.Contains(j.LastError, "远端服务无响应") || len([]rune(j.LastError)) > maxErrorLen {
				t.Fatalf("last_error has %d runes: %.40q", len([]rune(j.LastError)), j.LastError)
			}
		}
		if _, n := counter(t, db); calls != 3 || n != 0 {
			t.Errorf("calls=%d counter=%d, want 3 calls and no effect (each rolled back)", calls, n)
		}
	})
}

func TestUnknownKindAndPanic(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		_, r := setup(t, db)
		r.Handle("buggy", func(ctx context.Context, tx *store.Tx, j Job) error { panic("nil map") })
		mustEnqueue(t, db, Spec{Kind: "nobody.handles.this"}, Spec{Kind: "buggy"})
		if got := mustRunDue(t, r); got != 2 {
			t.Fatalf("ran %d, want 2", got)
		}
		u := mustList(t, db, Filter{Kind: "nobody.handles.this"})[0]
		if u.State != Discarded || !strings.Contains(u.LastError, `no handler is registered for job kind "nobody.handles.this"`) || u.FinalizedAt.IsZero() {
			t.Errorf("unknown kind: %+v", u)
		}
		p := mustList(t, db, Filter{Kind: "buggy"})[0]
		if p.State != Retryable || !strings.Contains(p.LastError, "handler panicked: nil map") {
			t.Errorf("panicking handler: state=%s last_error=%.60q", p.State, p.LastError)
		}
	})
}

func TestCancel(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c, r := setup(t, db)
		mustEnqueue(t, db, Spec{Kind: "effect", UniqueKey: "warn:T1", RunAt: t0.Add(time.Hour)})
		cancel := func(key string) error {
			return db.Write(ctx, func(tx *store.Tx) error { return Cancel(ctx, tx, key) })
		}
		if err := cancel("warn:T1"); err != nil {
			t.Fatal(err)
		}
		if err := cancel("warn:T1"); err != nil {
			t.Errorf("second Cancel = %v, want nil (idempotent)", err)
		}
		if err := cancel("never:enqueued"); err != nil {
			t.Errorf("Cancel of an unknown key = %v, want nil", err)
		}
		err := cancel("")
		if ae := apperr.As(err); ae.Code != apperr.Invalid || ae.Fields["unique_key"].EN != "the unique key is required" {
			t.Errorf("Cancel(\"\") = %v, want invalid unique_key", err)
		}
		c.Set(t0.Add(2 * time.Hour))
		if got := mustRunDue(t, r); got != 0 {
			t.Errorf("ran %d cancelled jobs", got)
		}
		j := mustList(t, db, Filter{UniqueKey: "warn:T1"})[0]
		if j.State != Cancelled || j.FinalizedAt.IsZero() {
			t.Errorf("state=%s, want cancelled", j.State)
		}
		// A job cancelled while claimed: its run is rolled back.
		mustEnqueue(t, db, Spec{Kind: "effect", UniqueKey: "warn:T2"})
		claimed, err := r.claim(ctx)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		if err := cancel("warn:T2"); err != nil {
			t.Fatal(err)
		}
		r.run(ctx, claimed[0])
		if eff, _ := counter(t, db); eff != 0 {
			t.Errorf("effects = %d, want 0 (cancelled before it completed)", eff)
		}
	})
}

func TestSpecValidation(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	tests := []struct {
		name  string
		spec  Spec
		field string
		want  string
	}{
		{"no kind", Spec{}, "kind", "the job kind is required"},
		{"blank kind", Spec{Kind: "  "}, "kind", "the job kind is required"},
		{"padded kind", Spec{Kind: " x"}, "kind", "no surrounding spaces"},
		{"long kind", Spec{Kind: strings.Repeat("k", 101)}, "kind", "at most 100 characters"},
		{"long key", Spec{Kind: "x", UniqueKey: strings.Repeat("键", 201)}, "unique_key", "at most 200 characters"},
		{"negative attempts", Spec{Kind: "x", MaxAttempts: -1}, "max_attempts", "between 0 and 1000"},
		{"too many attempts", Spec{Kind: "x", MaxAttempts: 1001}, "max_attempts", "between 0 and 1000"},
		{"unencodable args", Spec{Kind: "x", Args: func() {}}, "args", "cannot be encoded as JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Write(ctx, func(tx *store.Tx) error { return Enqueue(ctx, tx, tt.spec) })
			ae := apperr.As(err)
			f, ok := ae.Fields[tt.field]
			if ae.Code != apperr.Invalid || !ok || !strings.Contains(f.EN, tt.want) || f.ZH == "" {
				t.Errorf("Enqueue(%+v) = %v, want invalid %s: %q", tt.spec, err, tt.field, tt.want)
			}
		})
	}
	if got := len(mustList(t, db, Filter{})); got != 0 {
		t.Errorf("jobs = %d, want 0", got)
	}
}

func TestGetAndPrune(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c, r := setup(t, db)
		mustEnqueue(t, db, Spec{Kind: "effect"}, Spec{Kind: "effect", RunAt: t0.Add(48 * time.Hour)})
		mustRunDue(t, r)
		err := db.Read(ctx, func(q *store.Tx) error { _, err := Get(ctx, q, "01JNOSUCHJOB0000000000000"); return err })
		if ae := apperr.As(err); ae.Code != apperr.NotFound || ae.Key != "job.not_found" {
			t.Errorf("Get unknown = %v, want not found", err)
		}
		done := mustList(t, db, Filter{State: Completed})
		if len(done) != 1 {
			t.Fatalf("completed = %d", len(done))
		}
		err = db.Read(ctx, func(q *store.Tx) error {
			j, err := Get(ctx, q, done[0].ID)
			if err == nil && (j.Kind != "effect" || string(j.Args) != "null") {
				t.Errorf("Get = %+v", j)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c.Set(t0.Add(24 * time.Hour))
		if n, err := Prune(ctx, db, t0); err != nil || n != 0 {
			t.Errorf("Prune before completion = %d, %v; want 0", n, err)
		}
		if n, err := Prune(ctx, db, t0.Add(time.Hour)); err != nil || n != 1 {
			t.Errorf("Prune = %d, %v; want 1", n, err)
		}
		if got := len(mustList(t, db, Filter{})); got != 1 {
			t.Errorf("jobs left = %d, want the pending one", got)
		}
	})
}

func TestRunGraceful(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	mustEffects(t, db)
	r := NewRunner(db, Options{Poll: 5 * time.Millisecond, Logger: quiet()})
	r.Handle("effect", effect)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	mustEnqueue(t, db, Spec{Kind: "effect"})
	deadline := time.Now().Add(5 * time.Second)
	for {
		if eff, _ := counter(t, db); eff == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run did not pick up the job within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestBackoff(t *testing.T) {
	r := NewRunner(nil, Options{RetryBase: 10 * time.Second, RetryMax: time.Minute})
	tests := []struct {
		attempt int
		want    time.Duration
	}{{1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second}, {4, time.Minute}, {50, time.Minute}}
	for _, tt := range tests {
		if got := r.backoff(tt.attempt); got != tt.want {
			t.Errorf("backoff(%d) = %v, want %v", tt.attempt, got, tt.want)
		}
	}
}

// TestSlowHandler: a slow handler gets no transaction and writes with its
// own (on SQLite a write inside the runner's transaction would wait for
// itself); the job completes after it; a failure makes it retryable.
func TestSlowHandler(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		_, r := setup(t, db)
		r.HandleSlow("ocr.fails", func(ctx context.Context, tx *store.Tx, j Job) error { return errors.New("tesseract crashed") })
		r.HandleSlow("ocr.ok", func(ctx context.Context, tx *store.Tx, j Job) error {
			if tx != nil {
				return errors.New("a slow handler got a transaction")
			}
			return db.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE jobs SET last_error='written by the handler' WHERE id=?`, j.ID)
				return err
			})
		})
		mustEnqueue(t, db, Spec{Kind: "ocr.fails"}, Spec{Kind: "ocr.ok"})
		if got := mustRunDue(t, r); got != 2 {
			t.Fatalf("ran %d, want 2", got)
		}
		if j := mustList(t, db, Filter{Kind: "ocr.fails"})[0]; j.State != Retryable || !strings.Contains(j.LastError, "tesseract crashed") {
			t.Errorf("after a failure: %+v", j)
		}
		if j := mustList(t, db, Filter{Kind: "ocr.ok"})[0]; j.State != Completed || j.LastError != "written by the handler" {
			t.Errorf("after success: %+v", j)
		}
	})
}
