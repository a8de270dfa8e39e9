package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/auth"
)

// Shape of a whole project in the bench flow; keep it exactly: it is the
// shape other durable-workflow engines are benchmarked on (a root with 3
// children of 3 leaves with 2 activities each).
const (
	wholeStages    = 3 // stages driven; stage 4 only exists because every flow lists four
	tasksPerStage  = 3
	levelsPerTask  = 2
	decisionsWhole = wholeStages * tasksPerStage * levelsPerTask // 18
)

// projectsResult is what the whole-project drivers measured.
type projectsResult struct {
	done      int // projects driven to the end of stage 3
	decisions int
	elapsed   time.Duration
	decLat    []time.Duration // sorted, one per decision
	projLat   []time.Duration // sorted, one per completed project
	conflicts int
	errs      int
	firstErr  error
}

// projects is scenario B: applicants create and submit projects over HTTP;
// for each of stages 1–3 the three departments decide in parallel.
func (b *bench) projects(ctx context.Context, t *target) error {
	var depts []string
	for i := 1; i <= wholeStages*tasksPerStage; i++ {
		depts = append(depts, deptCode(i))
	}
	a, err := b.openApp(ctx, t)
	if err != nil {
		return err
	}
	setupStart := b.now()
	ppl, err := createPeople(ctx, a.Service, depts, []auth.Role{auth.Clerk, auth.Approver}, b.cfg.InFlight)
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	b.logf("setup: %d officers, %d applicants in %s", len(ppl.officers), len(ppl.applicants), b.now().Sub(setupStart).Round(time.Millisecond))

	srv, err := b.startServer(ctx, t)
	if err != nil {
		return err
	}
	res, err := b.driveProjects(ctx, srv, ppl, depts)
	peak := srv.stopSampling()
	hwm := srv.shutdown()
	if err != nil {
		return err
	}
	b.logf("projects: %d of %d completed stages 1–3, %d decisions, %d conflicts, %d errors in %s",
		res.done, b.cfg.Projects, res.decisions, res.conflicts, res.errs, res.elapsed.Round(time.Millisecond))
	if res.firstErr != nil {
		b.logf("first error: %s", res.firstErr)
	}
	if res.done == 0 {
		return failure("bench.no_projects", "没有一个项目走完三个阶段", "not one project completed stages 1–3", res.firstErr)
	}
	d := t.dialect
	b.sum.Add(Row{Scenario: ScenarioProjects, Dialect: d, Metric: "projects/s", Value: fmt.Sprintf("%.1f (%d projects, %d in flight)", rate(res.done, res.elapsed), res.done, b.cfg.InFlight)})
	b.sum.Add(Row{Scenario: ScenarioProjects, Dialect: d, Metric: "decisions/s", Value: fmt.Sprintf("%.0f (%d per project)", rate(res.decisions, res.elapsed), decisionsWhole)})
	b.sum.Add(Row{Scenario: ScenarioProjects, Dialect: d, Metric: "decision p50 / p99", Value: ms(percentile(res.decLat, .5)) + " / " + ms(percentile(res.decLat, .99))})
	b.sum.Add(Row{Scenario: ScenarioProjects, Dialect: d, Metric: "project p50 / p99", Value: ms(percentile(res.projLat, .5)) + " / " + ms(percentile(res.projLat, .99))})
	b.sum.Add(Row{Scenario: ScenarioProjects, Dialect: d, Metric: "409 / errors", Value: fmt.Sprintf("%d / %d", res.conflicts, res.errs),
		Goal: &Goal{Target: "0 errors", Met: res.errs == 0 && res.done == b.cfg.Projects}})
	b.addRSS(ScenarioProjects, d, peak, hwm)
	return nil
}

// driveProjects logs everyone in, then drives the projects with InFlight
// drivers, each acting for its own applicant enterprise.
func (b *bench) driveProjects(ctx context.Context, srv *server, ppl *people, depts []string) (projectsResult, error) {
	var res projectsResult
	sess := newSessions(srv.base)
	officers := map[string][2]*apitest.Client{} // dept → clerk, approver
	for _, d := range depts {
		var pair [2]*apitest.Client
		for i, r := range []auth.Role{auth.Clerk, auth.Approver} {
			c, err := sess.login(ctx, officerName(d, r), ppl.password)
			if err != nil {
				return res, err
			}
			pair[i] = c
		}
		officers[d] = pair
	}
	applicants := make([]*apitest.Client, len(ppl.applicants))
	for i, u := range ppl.applicants {
		c, err := sess.login(ctx, u.Username, ppl.password)
		if err != nil {
			return res, err
		}
		applicants[i] = c
	}
	var decLat, projLat latencies
	var tl tally
	var done atomic.Int64
	next := atomic.Int64{}
	var wg sync.WaitGroup
	srv.sampleRSS(100 * time.Millisecond)
	start := time.Now()
	for _, app := range applicants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := int(next.Add(1))
				if n > b.cfg.Projects {
					return
				}
				pStart := time.Now()
				err := driveOne(ctx, app, officers, &decLat, &tl, n)
				if err != nil {
					if !errors.Is(err, errDecisionFailed) {
						tl.record(err)
					}
					continue
				}
				projLat.add(time.Since(pStart))
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.done = int(done.Load())
	res.decLat, res.projLat = decLat.snapshot(), projLat.snapshot()
	res.decisions = int(tl.ok.Load())
	res.conflicts, res.errs, res.firstErr = int(tl.conflicts.Load()), int(tl.errs.Load()), tl.firstErr
	return res, ctx.Err()
}

// submitAnswer is the part of a stage submission the driver reads.
type submitAnswer struct {
	Tasks []struct {
		ID       string `json:"id"`
		DeptCode string `json:"dept_code"`
		Version  int64  `json:"version"`
	} `json:"tasks"`
}

// driveOne creates project n and takes it through stages 1–3: submit, then
// the departments decide their tasks in parallel, accept then approve.
// Decision outcomes go to t; the first failed step ends the project.
func driveOne(ctx context.Context, app *apitest.Client, officers map[string][2]*apitest.Client, lat *latencies, t *tally, n int) error {
	in := benchProjectInput(n)
	body := map[string]any{"code": in.Code, "name": in.Name, "flow_id": in.FlowID, "district": in.District, "address": in.Address,
		"investment": in.Investment, "land_area": in.LandArea, "floor_area": in.FloorArea, "agents": in.Agents}
	var pr struct {
		ID string `json:"id"`
	}
	if err := app.Do(ctx, http.MethodPost, "/api/v1/projects", body, &pr); err != nil {
		return fmt.Errorf("create project %d: %w", n, err)
	}
	for stage := 1; stage <= wholeStages; stage++ {
		var sub submitAnswer
		if err := app.Do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/projects/%s/stages/%d/submit", pr.ID, stage), map[string]any{}, &sub); err != nil {
			return fmt.Errorf("submit stage %d of project %d: %w", stage, n, err)
		}
		if len(sub.Tasks) != tasksPerStage {
			return fmt.Errorf("stage %d of project %d has %d tasks, the bench flow has %d", stage, n, len(sub.Tasks), tasksPerStage)
		}
		var wg sync.WaitGroup
		var failed atomic.Bool
		for _, tk := range sub.Tasks {
			pair, ok := officers[tk.DeptCode]
			if !ok {
				return fmt.Errorf("task of unexpected department %s", tk.DeptCode)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if decideTask(ctx, pair[0], pair[1], lat, t, pendingTask{id: tk.ID, dept: tk.DeptCode, version: tk.Version}) != nil {
					failed.Store(true)
				}
			}()
		}
		wg.Wait()
		if failed.Load() {
			// Already counted; the next stage cannot be open, so stop here.
			return errDecisionFailed
		}
	}
	return nil
}

// errDecisionFailed ends a project whose decision failed; the decision's
// own error is already counted.
var errDecisionFailed = errors.New("a decision failed")
