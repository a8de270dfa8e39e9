package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// setupConcurrency is how many goroutines write setup data at once: enough
// to overlap PostgreSQL round trips, few enough for two cores.
const setupConcurrency = 4

// pendingTask is a task a worker will decide, with the version it knows.
type pendingTask struct {
	id      string
	dept    string
	version int64
}

// decisionResult is what the decision workers measured.
type decisionResult struct {
	ok, conflicts, errs int
	firstErr            error
	elapsed             time.Duration
	lat                 []time.Duration // sorted
}

// tally counts the outcomes of concurrent decisions.
type tally struct {
	ok, conflicts, errs atomic.Int64
	mu                  sync.Mutex
	firstErr            error
}

func (t *tally) record(err error) {
	switch {
	case err == nil:
		t.ok.Add(1)
	case isConflict(err):
		t.conflicts.Add(1)
	default:
		t.errs.Add(1)
		t.mu.Lock()
		if t.firstErr == nil {
			t.firstErr = err
		}
		t.mu.Unlock()
	}
}

// taskAnswer is the part of a task the workers read back.
type taskAnswer struct {
	ID      string `json:"id"`
	State   int    `json:"state"`
	Level   int    `json:"level"`
	Version int64  `json:"version"`
}

// decide posts one action on a task with the version the caller knows and
// returns the task as it is now. It times the request into lat.
func decide(ctx context.Context, c *apitest.Client, lat *latencies, taskID string, action approval.Action, version int64) (taskAnswer, error) {
	var out taskAnswer
	body := map[string]any{"action": string(action), "opinion": "同意", "version": version}
	start := time.Now()
	err := c.Do(ctx, http.MethodPost, "/api/v1/tasks/"+taskID+"/actions", body, &out)
	lat.add(time.Since(start))
	return out, err
}

// decideTask takes a two-level task from received to approved: the clerk
// accepts (受理), the approver approves (签发). Outcomes are counted in t;
// the first failure is also returned.
func decideTask(ctx context.Context, clerk, approver *apitest.Client, lat *latencies, t *tally, pt pendingTask) error {
	got, err := decide(ctx, clerk, lat, pt.id, approval.ActAccept, pt.version)
	t.record(err)
	if err != nil {
		return err
	}
	_, err = decide(ctx, approver, lat, pt.id, approval.ActApprove, got.Version)
	t.record(err)
	return err
}

// seedStageOne creates n bench projects for the applicant and submits their
// stage 1 directly through the Service, returning the tasks created.
func seedStageOne(ctx context.Context, svc *workflow.Service, applicant store.User, n int) ([]pendingTask, error) {
	p := applicant.Principal()
	var mu sync.Mutex
	var out []pendingTask
	var firstErr error
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range setupConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1))
				if i > n {
					return
				}
				tasks, err := seedProject(ctx, svc, p, i)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				out = append(out, tasks...)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return out, firstErr
}

func seedProject(ctx context.Context, svc *workflow.Service, p auth.Principal, i int) ([]pendingTask, error) {
	pr, err := svc.CreateProject(ctx, p, benchProjectInput(i))
	if err != nil {
		return nil, err
	}
	_, rows, err := svc.SubmitStage(ctx, p, pr.ID, 1, workflow.SubmitInput{})
	if err != nil {
		return nil, err
	}
	out := make([]pendingTask, 0, len(rows))
	for _, r := range rows {
		out = append(out, pendingTask{id: r.ID, dept: r.DeptCode, version: max(r.Version, 1)})
	}
	return out, nil
}

// benchProjectInput is the n-th benchmark project.
func benchProjectInput(n int) workflow.ProjectInput {
	return workflow.ProjectInput{Code: projectCode(n), Name: fmt.Sprintf("基准测试项目%06d", n), FlowID: FlowID, District: benchDistrict,
		Address: "集美区基准测试路 1 号", Investment: 1000, LandArea: 10000, FloorArea: 8000,
		Agents: []approval.Agent{{Name: "基准测试经办人", Phone: "13800000000"}}}
}

// decisions is scenario A: officers decide stage-1 tasks concurrently over
// HTTP; then the one-row INSERT ceiling on the same database.
func (b *bench) decisions(ctx context.Context, t *target) error {
	depts := []string{deptCode(1), deptCode(2), deptCode(3)} // the stage-1 departments of the bench flow
	a, err := b.openApp(ctx, t)
	if err != nil {
		return err
	}
	setupStart := b.now()
	ppl, err := createPeople(ctx, a.Service, depts, []auth.Role{auth.Clerk, auth.Approver}, 1)
	var tasks []pendingTask
	if err == nil {
		tasks, err = seedStageOne(ctx, a.Service, ppl.applicants[0], b.cfg.DecisionTasks/3)
	}
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	b.logf("setup: %d projects, %d stage-1 tasks in %s", b.cfg.DecisionTasks/3, len(tasks), b.now().Sub(setupStart).Round(time.Millisecond))
	return b.decisionsMeasure(ctx, t, ppl, depts, tasks)
}

func (b *bench) decisionsMeasure(ctx context.Context, t *target, ppl *people, depts []string, tasks []pendingTask) error {
	srv, err := b.startServer(ctx, t)
	if err != nil {
		return err
	}
	res, err := b.runDecisionWorkers(ctx, srv, ppl, depts, tasks)
	peak := srv.stopSampling()
	if err == nil {
		b.reportServerTime(ctx, srv, ScenarioDecisions, t.dialect, "POST /api/v1/tasks/{id}/actions")
	}
	hwm := srv.shutdown()
	if err != nil {
		return err
	}
	b.logf("decisions: %d ok, %d conflicts (409), %d errors in %s → %.0f decisions/s; p50 %s, p99 %s",
		res.ok, res.conflicts, res.errs, res.elapsed.Round(time.Millisecond), rate(res.ok, res.elapsed), ms(percentile(res.lat, .5)), ms(percentile(res.lat, .99)))
	if res.firstErr != nil {
		b.logf("first error: %s", res.firstErr)
	}
	if res.ok == 0 {
		return failure("bench.no_decisions", "没有一个决定成功", "not one decision succeeded", res.firstErr)
	}
	ceil, err := b.ceiling(ctx, t)
	if err != nil {
		return err
	}
	b.logf("ceiling: %d one-row INSERT transactions by %d goroutines in %s → %.0f rows/s", ceil.rows, b.cfg.Workers, ceil.elapsed.Round(time.Millisecond), rate(ceil.rows, ceil.elapsed))

	d := t.dialect
	dps, cps := rate(res.ok, res.elapsed), rate(ceil.rows, ceil.elapsed)
	p99 := percentile(res.lat, .99)
	b.sum.Add(Row{Scenario: ScenarioDecisions, Dialect: d, Metric: "decisions/s", Value: fmt.Sprintf("%.0f (%d workers, %d ok)", dps, b.cfg.Workers, res.ok)})
	b.sum.Add(Row{Scenario: ScenarioDecisions, Dialect: d, Metric: "p50", Value: ms(percentile(res.lat, .5))})
	b.sum.Add(Row{Scenario: ScenarioDecisions, Dialect: d, Metric: "p99", Value: ms(p99), Goal: &Goal{Target: "< 100 ms", Met: p99 < 100*time.Millisecond}})
	b.sum.Add(Row{Scenario: ScenarioDecisions, Dialect: d, Metric: "409 / errors", Value: fmt.Sprintf("%d / %d", res.conflicts, res.errs),
		Goal: &Goal{Target: "0 errors", Met: res.errs == 0}})
	b.sum.Add(Row{Scenario: ScenarioDecisions, Dialect: d, Metric: "ceiling INSERT tx/s", Value: fmt.Sprintf("%.0f", cps)})
	pct := 0.0
	if cps > 0 {
		pct = 100 * dps / cps
	}
	b.sum.Add(Row{Scenario: ScenarioDecisions, Dialect: d, Metric: "decisions ÷ ceiling", Value: fmt.Sprintf("%.1f%%", pct), Goal: &Goal{Target: "≥ 25%", Met: pct >= 25}})
	b.addRSS(ScenarioDecisions, d, peak, hwm)
	return nil
}

// runDecisionWorkers logs the officers in, then lets the workers decide
// every task: each worker belongs to one department and takes its share of
// that department's tasks.
func (b *bench) runDecisionWorkers(ctx context.Context, srv *server, ppl *people, depts []string, tasks []pendingTask) (decisionResult, error) {
	var res decisionResult
	sess := newSessions(srv.base)
	for _, d := range depts {
		for _, r := range []auth.Role{auth.Clerk, auth.Approver} {
			if _, err := sess.login(ctx, officerName(d, r), ppl.password); err != nil {
				return res, err
			}
		}
	}
	type worker struct {
		clerk, approver *apitest.Client
		tasks           []pendingTask
	}
	workers := make([]*worker, b.cfg.Workers)
	byDept := map[string][]*worker{}
	for i := range workers {
		d := depts[i%len(depts)]
		clerk, err := sess.clone(officerName(d, auth.Clerk))
		if err != nil {
			return res, err
		}
		approver, err := sess.clone(officerName(d, auth.Approver))
		if err != nil {
			return res, err
		}
		workers[i] = &worker{clerk: clerk, approver: approver}
		byDept[d] = append(byDept[d], workers[i])
	}
	seen := map[string]int{}
	for _, pt := range tasks {
		ws := byDept[pt.dept]
		if len(ws) == 0 {
			return res, apperr.Newf(apperr.Internal, "bench.dept", "办件属于意外的部门 %s", "a task belongs to an unexpected department %s", pt.dept)
		}
		w := ws[seen[pt.dept]%len(ws)]
		seen[pt.dept]++
		w.tasks = append(w.tasks, pt)
	}
	var lat latencies
	var tl tally
	var wg sync.WaitGroup
	srv.sampleRSS(100 * time.Millisecond)
	start := time.Now()
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, pt := range w.tasks {
				if ctx.Err() != nil {
					return
				}
				_ = decideTask(ctx, w.clerk, w.approver, &lat, &tl, pt) // counted in tl
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.ok, res.conflicts, res.errs = int(tl.ok.Load()), int(tl.conflicts.Load()), int(tl.errs.Load())
	res.firstErr = tl.firstErr
	res.lat = lat.snapshot()
	return res, ctx.Err()
}

// ceilingResult is the raw write rate of the database.
type ceilingResult struct {
	rows    int
	elapsed time.Duration
}

// ceiling measures the most one-row write transactions per second the
// database takes with the server's own settings (store.Open: on SQLite WAL,
// synchronous=FULL and one writer; on PostgreSQL the same pool), from as
// many goroutines as there were officers, each insert a transaction of its
// own (store.WriteAlone: SQLite's group commit does not batch them). Only
// group commit takes decisions past it: each decision is at least one such
// transaction when it commits alone.
func (b *bench) ceiling(ctx context.Context, t *target) (ceilingResult, error) {
	var res ceilingResult
	db, err := store.Open(ctx, t.dsn, t.dataDir)
	if err != nil {
		return res, err
	}
	defer db.Close()
	if err := db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE bench_ceiling (id CHAR(26) PRIMARY KEY, v BIGINT NOT NULL)`)
		return err
	}); err != nil {
		return res, err
	}
	var rows atomic.Int64
	var firstErr error
	var once sync.Once
	stop := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	for range b.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := int64(0); ; v++ {
				select {
				case <-stop:
					return
				default:
				}
				err := db.WriteAlone(ctx, func(tx *store.Tx) error {
					_, err := tx.Exec(ctx, `INSERT INTO bench_ceiling (id, v) VALUES (?, ?)`, store.NewID(), v)
					return err
				})
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				rows.Add(1)
			}
		}()
	}
	select {
	case <-time.After(b.cfg.CeilingFor):
	case <-ctx.Done():
	}
	close(stop)
	wg.Wait()
	res.elapsed = time.Since(start)
	res.rows = int(rows.Load())
	if firstErr != nil {
		return res, firstErr
	}
	return res, ctx.Err()
}

// addRSS reports the server's memory: the peak VmRSS sampled under load and
// VmHWM, the peak over its whole life.
func (b *bench) addRSS(scenario, dialect string, peakKB, hwmKB int64) {
	b.logf("server memory: peak RSS under load %s, VmHWM %s", mib(peakKB), mib(hwmKB))
	b.sum.Add(Row{Scenario: scenario, Dialect: dialect, Metric: "server RSS peak (VmHWM)", Value: fmt.Sprintf("%s (sampled under load %s)", mib(hwmKB), mib(peakKB)),
		Goal: &Goal{Target: "< 200 MB", Met: hwmKB > 0 && hwmKB*1024 < 200*1000*1000}})
}
