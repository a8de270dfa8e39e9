package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/app"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/store"
)

// Shape of the to-do data: every project has one open task in each of the
// 100 departments, so each department holds rows/100 open tasks.
const (
	todoDepts       = 100
	todoPageSize    = 50
	todoBatchTasks  = 5000 // rows per setup transaction
	todoClockLimit  = 120  // working days: deadlines spread over a year around today
	todoStoreProbes = 500  // direct store queries, to split server time from database time
)

// todo is scenario C: a million open tasks across 100 departments, written
// directly in large transactions; then officers page through their to-do
// lists over HTTP while the server's RSS is sampled.
func (b *bench) todo(ctx context.Context, t *target) error {
	a, err := b.openApp(ctx, t)
	if err != nil {
		return err
	}
	var depts []string
	for i := 1; i <= todoDepts; i++ {
		depts = append(depts, deptCode(i))
	}
	ppl, err := createPeople(ctx, a.Service, depts, []auth.Role{auth.Clerk}, 1)
	if err == nil {
		start := b.now()
		err = b.seedTodo(ctx, a, ppl.applicants[0], depts)
		if err == nil {
			d := b.now().Sub(start)
			b.logf("setup: inserted %d open tasks (%d projects) in %s → %.0f rows/s", b.cfg.TodoRows, b.cfg.TodoRows/todoDepts, d.Round(time.Second), rate(b.cfg.TodoRows, d))
			b.sum.Add(Row{Scenario: ScenarioTodo, Dialect: t.dialect, Metric: "setup: bulk insert", Value: fmt.Sprintf("%d tasks in %s", b.cfg.TodoRows, d.Round(time.Second))})
		}
	}
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := b.vacuum(ctx, t); err != nil {
		return err
	}

	srv, err := b.startServer(ctx, t)
	if err != nil {
		return err
	}
	// One officer at a time first (the latency a user sees on a quiet
	// server), then TodoConcurrency at once (the same under load, on the
	// same two cores as the load generator and the database).
	srv.sampleRSS(50 * time.Millisecond)
	lat1, _, _, err := b.pageTodo(ctx, srv, ppl, depts, 1, max(b.cfg.TodoRequests/4, 1))
	if err != nil {
		srv.stopSampling()
		srv.shutdown()
		return err
	}
	lat, errs, firstErr, err := b.pageTodo(ctx, srv, ppl, depts, b.cfg.TodoConcurrency, b.cfg.TodoRequests)
	peak := srv.stopSampling()
	if err == nil {
		b.reportServerTime(ctx, srv, ScenarioTodo, t.dialect, "GET /api/v1/tasks")
	}
	hwm := srv.shutdown()
	if err != nil {
		return err
	}
	p50, p99 := percentile(lat, .5), percentile(lat, .99)
	b.logf("to-do list: %d requests, %d errors; p50 %s, p99 %s", len(lat), errs, ms(p50), ms(p99))
	if firstErr != nil {
		b.logf("first error: %s", firstErr)
	}
	if len(lat) == errs {
		return failure("bench.todo_failed", "待办列表请求全部失败", "every to-do list request failed", firstErr)
	}
	d := t.dialect
	s50, s99 := percentile(lat1, .5), percentile(lat1, .99)
	b.logf("to-do list, one officer at a time: %d requests; p50 %s, p99 %s", len(lat1), ms(s50), ms(s99))
	b.sum.Add(Row{Scenario: ScenarioTodo, Dialect: d, Metric: "to-do p50 / p99, one officer", Value: fmt.Sprintf("%s / %s (%d requests)", ms(s50), ms(s99), len(lat1)),
		Goal: &Goal{Target: "p99 < 20 ms", Met: s99 < 20*time.Millisecond}})
	b.sum.Add(Row{Scenario: ScenarioTodo, Dialect: d, Metric: "to-do p50", Value: fmt.Sprintf("%s (%d requests, %d pages a visit, concurrency %d)", ms(p50), len(lat), b.cfg.TodoPages, b.cfg.TodoConcurrency)})
	b.sum.Add(Row{Scenario: ScenarioTodo, Dialect: d, Metric: "to-do p99", Value: ms(p99), Goal: &Goal{Target: "< 20 ms", Met: p99 < 20*time.Millisecond}})
	b.sum.Add(Row{Scenario: ScenarioTodo, Dialect: d, Metric: "errors", Value: fmt.Sprint(errs), Goal: &Goal{Target: "0", Met: errs == 0}})
	b.addRSS(ScenarioTodo, d, peak, hwm)
	return b.todoDiagnose(ctx, t, depts)
}

// seedTodo writes TodoRows open tasks: TodoRows/100 projects, each with its
// four stages and one accepted task in every department, in transactions
// of todoBatchTasks rows. Deadlines come from a pool of clocks started on
// each of the last 365 days, so due dates spread over a year.
func (b *bench) seedTodo(ctx context.Context, a *app.App, applicant store.User, depts []string) error {
	cal := a.Service.Calendar()
	now := b.now()
	clocks := make([]calendar.Clock, 365)
	for k := range clocks {
		clocks[k] = calendar.Start(cal, now.AddDate(0, 0, -k), todoClockLimit, calendar.WorkingDays, calendar.DefaultWarnRule())
	}
	levels := []approval.Level{{Name: "受理", Role: auth.Clerk}, {Name: "签发", Role: auth.Approver}}
	projects := b.cfg.TodoRows / todoDepts
	perBatch := max(1, todoBatchTasks/todoDepts)
	workers := 1
	if a.DB.Dialect() != store.SQLite {
		workers = 2 // overlap round trips; SQLite has one writer anyway
	}
	type batch struct{ first, n int }
	batches := make(chan batch)
	var wg sync.WaitGroup
	var firstErr error
	var once sync.Once
	var written atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for bt := range batches {
				err := a.DB.Write(ctx, func(tx *store.Tx) error {
					return insertTodoBatch(ctx, tx, applicant, depts, levels, clocks, bt.first, bt.n, now)
				})
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				if w := written.Add(int64(bt.n * len(depts))); b.cfg.Verbose && w%100000 == 0 {
					b.logf("  … %d tasks", w)
				}
			}
		}()
	}
	for first := 1; first <= projects && ctx.Err() == nil; first += perBatch {
		if firstErr != nil {
			break
		}
		batches <- batch{first: first, n: min(perBatch, projects-first+1)}
	}
	close(batches)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// insertTodoBatch inserts n projects starting at number first, with their
// stages and one open task per department.
func insertTodoBatch(ctx context.Context, tx *store.Tx, applicant store.User, depts []string, levels []approval.Level, clocks []calendar.Clock, first, n int, now time.Time) error {
	for p := first; p < first+n; p++ {
		pr := approval.Project{ID: store.NewID(), Code: projectCode(p), Name: fmt.Sprintf("待办基准项目%06d", p), FlowID: FlowID, FlowVersion: 1,
			Type: "bench", District: benchDistrict, Address: "集美区基准测试路 1 号", Investment: 1000, LandArea: 10000, FloorArea: 8000,
			EnterpriseUSCC: applicant.EnterpriseUSCC, EnterpriseName: "厦门基准测试企业001有限公司", Agents: []approval.Agent{}, Answers: map[string]any{},
			State: approval.ProjectActive, CurrentStage: 1, CreatedBy: applicant.ID, CreatedAt: now, UpdatedAt: now}
		if err := store.InsertProject(ctx, tx, pr); err != nil {
			return err
		}
		var stage1 approval.Stage
		for n := 1; n <= 4; n++ {
			st := approval.Stage{ID: store.NewID(), ProjectID: pr.ID, Number: n, Name: approval.StageNames[n], LeadDept: depts[0],
				State: approval.StagePending, LimitDays: 5, Reasons: []string{}}
			if n == 1 {
				st.State, st.Round, st.SubmittedAt = approval.StageInReview, 1, &now
				stage1 = st
			}
			if err := store.InsertStage(ctx, tx, st); err != nil {
				return err
			}
		}
		for i, d := range depts {
			clock := clocks[(p*len(depts)+i*7)%len(clocks)]
			tk := approval.Task{ID: store.NewID(), ProjectID: pr.ID, StageID: stage1.ID, Stage: 1, ItemCode: "BT-" + d, ItemVersion: 1,
				ItemName: "基准测试待办事项", DeptCode: d, Enterprise: pr.EnterpriseUSCC, State: approval.DeptAccepted, Level: 1, Levels: levels,
				Accepted: true, Limit: todoClockLimit, Unit: calendar.WorkingDays, Clock: &clock, Result: "基准测试批复",
				CreatedAt: clock.Started, UpdatedAt: clock.Started, Version: 1}
			if err := store.InsertTask(ctx, tx, tk, 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// todoPage is the part of a to-do page the officers read.
type todoPage struct {
	Items []struct {
		ID string `json:"id"`
	} `json:"items"`
	Next string `json:"next"`
}

// pageTodo logs one clerk per department in, then concurrency officers of
// random departments read their first page and follow the cursor for
// TodoPages-1 more, until requests requests are made.
func (b *bench) pageTodo(ctx context.Context, srv *server, ppl *people, depts []string, concurrency, requests int) (lat []time.Duration, errs int, firstErr error, err error) {
	sess := newSessions(srv.base)
	clients := make([]*apitest.Client, len(depts))
	for i, d := range depts {
		if clients[i], err = sess.login(ctx, officerName(d, auth.Clerk), ppl.password); err != nil {
			return nil, 0, nil, err
		}
	}
	var l latencies
	var tl tally
	var issued atomic.Int64
	var wg sync.WaitGroup
	for g := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g)+1, 7))
			for ctx.Err() == nil {
				c := clients[rng.IntN(len(clients))]
				after := ""
				for page := 0; page < b.cfg.TodoPages; page++ {
					if issued.Add(1) > int64(requests) {
						return
					}
					q := url.Values{"open": {"true"}, "limit": {fmt.Sprint(todoPageSize)}}
					if after != "" {
						q.Set("after", after)
					}
					var pg todoPage
					start := time.Now()
					err := c.Do(ctx, http.MethodGet, "/api/v1/tasks?"+q.Encode(), nil, &pg)
					l.add(time.Since(start))
					if err == nil && len(pg.Items) != todoPageSize && b.cfg.TodoRows/todoDepts >= todoPageSize*b.cfg.TodoPages {
						err = fmt.Errorf("page %d has %d tasks, want %d", page+1, len(pg.Items), todoPageSize)
					}
					tl.record(err)
					if err != nil || pg.Next == "" {
						break
					}
					after = pg.Next
				}
			}
		}()
	}
	wg.Wait()
	return l.snapshot(), int(tl.errs.Load() + tl.conflicts.Load()), tl.firstErr, ctx.Err()
}

// todoDiagnose times the to-do query in the store alone (no HTTP, no JSON)
// and prints the database's plan for it, so a slow list can be pinned on
// the query or on the layers above.
func (b *bench) todoDiagnose(ctx context.Context, t *target, depts []string) error {
	db, err := store.Open(ctx, t.dsn, t.dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	open := true
	var l latencies
	rng := rand.New(rand.NewPCG(3, 4))
	var cursor string
	for i := range todoStoreProbes {
		f := store.TaskFilter{Dept: depts[rng.IntN(len(depts))], Open: &open, Limit: todoPageSize}
		if i%2 == 1 && cursor != "" {
			f.After = cursor // every other probe is a second page
		}
		start := time.Now()
		var rows []store.TaskRow
		err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			rows, err = store.ListTasks(ctx, tx, f)
			return err
		})
		l.add(time.Since(start))
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			cursor = store.Cursor(rows[len(rows)-1])
		}
	}
	s := l.snapshot()
	b.logf("store.ListTasks alone (no HTTP): p50 %s, p99 %s over %d queries", ms(percentile(s, .5)), ms(percentile(s, .99)), len(s))
	b.sum.Add(Row{Scenario: ScenarioTodo, Dialect: t.dialect, Metric: "store.ListTasks alone p50 / p99", Value: ms(percentile(s, .5)) + " / " + ms(percentile(s, .99))})

	// The plan of the first page and of a cursor page as ListTasks writes
	// them (due_date >= ? lets the index seek to the cursor), and of the
	// cursor page without that bound, which walks and filters.
	var first []store.TaskRow
	if err := db.Read(ctx, func(tx *store.Tx) error {
		var err error
		first, err = store.ListTasks(ctx, tx, store.TaskFilter{Dept: depts[0], Open: &open, Limit: todoPageSize})
		return err
	}); err != nil {
		return err
	}
	if len(first) > 0 {
		cursor = store.Cursor(first[len(first)-1])
	}
	q := `SELECT * FROM tasks WHERE dept_code=? AND is_open=? ORDER BY due_date, id LIMIT 50`
	qAfter := `SELECT * FROM tasks WHERE dept_code=? AND is_open=? AND (due_date>? OR (due_date=? AND id>?)) ORDER BY due_date, id LIMIT 50`
	qSeek := `SELECT * FROM tasks WHERE dept_code=? AND is_open=? AND due_date>=? AND (due_date>? OR (due_date=? AND id>?)) ORDER BY due_date, id LIMIT 50`
	due, id, _ := strings.Cut(cursor, "|")
	prefix := "EXPLAIN QUERY PLAN "
	if db.Dialect() == store.Postgres {
		prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
	}
	for _, c := range []struct {
		name, q string
		args    []any
	}{
		{"first page", q, []any{depts[0], 1}},
		{"after= page (as ListTasks writes it)", qSeek, []any{depts[0], 1, due, due, due, id}},
		{"after= page without due_date>=? (before 2026-11-27)", qAfter, []any{depts[0], 1, due, due, id}},
	} {
		var plan []string
		err := db.Read(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, prefix+c.q, c.args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					return err
				}
				plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
			}
			return rows.Err()
		})
		if err != nil {
			b.logf("plan of the %s: not available (%s)", c.name, apperr.Describe(err))
			continue
		}
		b.logf("plan of the %s:\n    %s", c.name, strings.Join(plan, "\n    "))
	}
	return nil
}

// vacuum runs VACUUM (ANALYZE) on PostgreSQL after the bulk load, as
// autovacuum would soon after a million inserts: without it the first reads
// set hint bits and the planner has no statistics, which measures the load,
// not the list. VACUUM cannot run in a transaction, hence a plain handle.
func (b *bench) vacuum(ctx context.Context, t *target) error {
	if t.dialect != DialectPostgres {
		return nil
	}
	start := b.now()
	db, err := sql.Open("pgx", t.dsn)
	if err != nil {
		return apperr.Wrap(err, "open for VACUUM")
	}
	defer db.Close()
	for _, table := range []string{"tasks", "stages", "projects"} {
		if _, err := db.ExecContext(ctx, "VACUUM (ANALYZE) "+table); err != nil {
			return apperr.Wrap(err, "VACUUM "+table)
		}
	}
	b.logf("setup: VACUUM (ANALYZE) after the bulk load in %s", b.now().Sub(start).Round(time.Millisecond))
	return nil
}
