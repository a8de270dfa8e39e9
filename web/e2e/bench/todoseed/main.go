// Command todoseed gives one department a to-do list of N open tasks, for
// the web UI benchmark (make bench-ui, web/e2e/bench/todo.bench.ts).
//
// Run it on a data directory that `tongban demo seed --projects 0` has
// prepared (the bundled Xiamen catalog and the demo accounts). Creating a
// thousand open tasks the way the demo history does (every project driven
// through the workflow use cases) takes about half an hour here, so the
// rows are written straight into the store in a few transactions, the way
// cmd/tongbench's to-do scenario does: one project per task, with its four
// stages, the task of one of the department's items that the project's
// flow lists at its current stage, shaped as SubmitStage creates it, and
// moved on with the domain's own transitions (approval.Apply: 受理 starts
// the clock, some pass one more level) at simulated past times. No events
// are written: only the to-do list reads these rows.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/app"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/demo"
	"github.com/tongban/tongban/internal/store"
)

// batch is how many tasks (each with its project and stages) one transaction writes.
const batch = 500

func main() {
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "todoseed:", err)
		os.Exit(1)
	}
}

// candidate is one item of the department that a flow lists at a stage.
type candidate struct {
	flow  catalog.Flow
	stage int
	item  catalog.Item
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("todoseed", flag.ContinueOnError)
	dir := fs.String("data", "", "data directory prepared by `tongban demo seed --data DIR --projects 0` (required)")
	dept := fs.String("dept", "ZRGH", "department whose to-do list is filled")
	n := fs.Int("tasks", 1200, "open tasks to add")
	seed := fs.Uint64("seed", 1, "random seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *n < 1 {
		return errors.New("usage: todoseed --data DIR [--dept ZRGH] [--tasks 1200] [--seed 1]")
	}
	if _, err := os.Stat(*dir); err != nil {
		return fmt.Errorf("data directory: %w (prepare it with `tongban demo seed --data DIR --projects 0`)", err)
	}
	db, err := store.Open(ctx, "", *dir)
	if err != nil {
		return err
	}
	defer db.Close()
	cat, err := app.LoadCatalog("")
	if err != nil {
		return err
	}
	cal, err := app.LoadCalendar(ctx, db)
	if err != nil {
		return err
	}
	cands := candidates(cat, *dept)
	if len(cands) == 0 {
		return fmt.Errorf("no flow of the catalog lists an item of department %q", *dept)
	}
	ppl, err := loadPeople(ctx, db, *dept)
	if err != nil {
		return err
	}
	s := &seeder{rng: rand.New(rand.NewPCG(*seed, 0x746f646f)), cal: cal, warn: calendar.DefaultWarnRule(), now: time.Now(), cands: cands, people: ppl}
	start := time.Now()
	for first := 0; first < *n; first += batch {
		err := db.Write(ctx, func(tx *store.Tx) error {
			for i := first; i < min(first+batch, *n); i++ {
				if err := s.insert(ctx, tx, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	var open int
	err = db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE dept_code=? AND is_open=1`, *dept).Scan(&open)
	})
	if err != nil {
		return err
	}
	fmt.Printf("ok: %d open tasks of %s (%d added) in %s\n", open, *dept, *n, time.Since(start).Round(time.Millisecond))
	return nil
}

// candidates lists, for the latest version of every flow, the department's
// items each stage lists.
func candidates(cat *catalog.Catalog, dept string) []candidate {
	latest := map[string]catalog.Flow{}
	for _, f := range cat.Flows() {
		if l, ok := latest[f.ID]; !ok || f.Version > l.Version {
			latest[f.ID] = f
		}
	}
	ids := make([]string, 0, len(latest))
	for id := range latest {
		ids = append(ids, id)
	}
	slices.Sort(ids) // map order is random: keep the same seed giving the same data
	var out []candidate
	for _, id := range ids {
		f := latest[id]
		for _, st := range f.Stages {
			for _, ref := range st.Items {
				it, err := cat.Item(ref.Code, ref.Version)
				if err == nil && it.Department == dept {
					out = append(out, candidate{flow: f, stage: st.Number, item: it})
				}
			}
		}
	}
	return out
}

// people are the demo accounts the rows name: the applicants own the
// projects, the department's officers act on the tasks.
type people struct {
	applicants []store.User
	officers   map[auth.Role]auth.Principal
}

func loadPeople(ctx context.Context, db *store.DB, dept string) (people, error) {
	p := people{officers: map[auth.Role]auth.Principal{}}
	err := db.Read(ctx, func(tx *store.Tx) error {
		for _, e := range demo.Enterprises {
			u, err := store.GetUserByName(ctx, tx, e.Username)
			if err != nil {
				return fmt.Errorf("demo applicant %s: %w (prepare the data directory with `tongban demo seed --data DIR --projects 0`)", e.Username, err)
			}
			p.applicants = append(p.applicants, u)
		}
		for _, r := range []auth.Role{auth.Clerk, auth.Reviewer, auth.Approver} {
			u, err := store.GetUserByName(ctx, tx, demo.OfficerUsername(dept, r))
			if err != nil {
				return fmt.Errorf("demo officer %s: %w", demo.OfficerUsername(dept, r), err)
			}
			p.officers[r] = u.Principal()
		}
		return nil
	})
	return p, err
}

type seeder struct {
	rng    *rand.Rand
	cal    *calendar.Calendar
	warn   calendar.WarnRule
	now    time.Time
	cands  []candidate
	people people
}

// Names are put together from these, so the list looks like a city's.
var (
	places = map[string][]string{
		"350203": {"莲花", "观音山", "前埔", "软件园二期", "筼筜"},
		"350205": {"海沧港区", "东孚", "马銮湾", "新阳", "海沧新城"},
		"350206": {"五缘湾", "湖里创新园", "火炬高新区", "殿前", "高林"},
		"350211": {"后溪", "杏林", "灌口", "集美新城", "软件园三期"},
		"350212": {"同安工业集中区", "新民", "汀溪", "西柯", "祥平"},
		"350213": {"马巷", "新店", "翔安南部", "环东海域", "内厝"},
	}
	kinds  = []string{"智能制造厂房", "新能源电池生产基地", "保障性租赁住房", "安置房", "商品住宅", "市政道路", "生物医药产业园", "物流仓储中心", "学校扩建", "社区卫生服务中心", "电子元器件厂房", "城市更新", "人才公寓", "污水处理厂提标改造", "综合管廊"}
	phases = []string{"", "一期", "二期", "三期", "A地块", "B地块"}
)

// insert writes task number i with its project and stages.
func (s *seeder) insert(ctx context.Context, tx *store.Tx, i int) error {
	r := s.rng
	c := s.cands[r.IntN(len(s.cands))]
	ent := s.people.applicants[r.IntN(len(s.people.applicants))]
	districts := []string{"350203", "350205", "350206", "350211", "350212", "350213"}
	district := districts[r.IntN(len(districts))]
	place := places[district][r.IntN(len(places[district]))]

	// When things happened: a task still waiting for 受理 arrived in the
	// last three working days; an accepted one was accepted up to 1.25
	// times its limit ago (so some are overdue and more are in warning),
	// up to two working days after it arrived.
	item := c.item
	received := r.Float64() < 0.15
	var submitted, accepted time.Time
	if received {
		submitted = s.past(r.Float64() * 3)
	} else {
		wd := r.Float64() * 1.25 * float64(max(item.CommittedLimit, 1))
		accepted = s.past(wd)
		submitted = s.past(wd + float64(r.IntN(3)))
		if !submitted.Before(accepted) { // the same day: earlier that day
			opening := calendar.DateOf(accepted).Time(calendar.Location()).Add(8*time.Hour + 30*time.Minute)
			submitted = opening.Add(time.Duration(r.Float64() * float64(accepted.Sub(opening))))
		}
	}
	created := submitted.Add(-time.Duration(30+r.IntN(90)) * 24 * time.Hour)

	name := fmt.Sprintf("%s%s%s项目", strings.TrimSuffix(approval.Districts[district], "区"), place, kinds[r.IntN(len(kinds))])
	if ph := phases[r.IntN(len(phases))]; ph != "" {
		name += "（" + ph + "）"
	}
	pr := approval.Project{ID: store.NewID(), Code: fmt.Sprintf("%d-%s-%02d-03-%06d", calendar.DateOf(created).Y, district, 47+r.IntN(3), 800000+i), Name: name,
		FlowID: c.flow.ID, FlowVersion: c.flow.Version, Type: c.flow.ProjectType, District: district,
		Address:    fmt.Sprintf("厦门市%s%s片区%d号", approval.Districts[district], place, 1+r.IntN(300)),
		Investment: float64(500 + r.IntN(200000)), LandArea: float64(2000 + r.IntN(200000)), FloorArea: float64(3000 + r.IntN(300000)),
		GovernmentInvested: c.flow.GovernmentInvested, EnterpriseUSCC: ent.EnterpriseUSCC, EnterpriseName: enterpriseName(ent),
		Agents: []approval.Agent{}, Answers: map[string]any{}, State: approval.ProjectActive, CurrentStage: c.stage, CreatedBy: ent.ID,
		CreatedAt: created, UpdatedAt: submitted}
	if err := store.InsertProject(ctx, tx, pr); err != nil {
		return fmt.Errorf("project %s: %w", pr.Code, err)
	}
	var current approval.Stage
	for k := 1; k <= 4; k++ {
		fst, err := c.flow.StageOf(k)
		if err != nil {
			return err
		}
		st := approval.Stage{ID: store.NewID(), ProjectID: pr.ID, Number: k, Name: fst.Name, LeadDept: fst.LeadDepartment,
			State: approval.StagePending, LimitDays: fst.LimitDays, Reasons: []string{}}
		switch {
		case k < c.stage:
			done := submitted.Add(-time.Duration(c.stage-k) * 20 * 24 * time.Hour)
			sub := done.Add(-15 * 24 * time.Hour)
			st.State, st.Round, st.SubmittedAt, st.ConcludedAt = approval.StageCompleted, 1, &sub, &done
		case k == c.stage:
			st.State, st.Round, st.SubmittedAt = approval.StageInReview, 1, &submitted
			current = st
		}
		if err := store.InsertStage(ctx, tx, st); err != nil {
			return err
		}
	}

	// The task as SubmitStage creates it…
	t := approval.Task{ID: store.NewID(), ProjectID: pr.ID, StageID: current.ID, Stage: c.stage, ItemCode: item.Code, ItemVersion: item.Version,
		ItemName: item.Name, DeptCode: item.Department, Enterprise: pr.EnterpriseUSCC, State: approval.Received, Levels: levels(item),
		AllowRongque: item.Rongque, AllowCommitment: item.Commitment, Limit: item.CommittedLimit, Unit: calendar.Unit(item.Unit),
		Result: item.ResultName, CreatedAt: submitted, UpdatedAt: submitted, Version: 1}
	if item.Cosign != nil && len(item.Cosign.Departments) > 0 {
		t.Cosign = &approval.Cosign{Mode: approval.CosignMode(item.Cosign.Mode), Departments: slices.Clone(item.Cosign.Departments)}
	}
	// …then 受理 by the clerk and, for some, one more level passed.
	if !received {
		var err error
		if t, err = s.apply(t, approval.ActAccept, accepted); err != nil {
			return err
		}
		if t.Level < len(t.Levels)-1 && r.Float64() < 0.35 {
			at := accepted.Add(time.Duration(1+r.Int64N(int64(s.now.Sub(accepted)/time.Minute)+1)) * time.Minute)
			if at.After(s.now) {
				at = s.now
			}
			if t, err = s.apply(t, approval.ActApprove, at); err != nil {
				return err
			}
		}
	}
	return store.InsertTask(ctx, tx, t, current.Round)
}

// apply performs a transition as the officer of the task's current level.
func (s *seeder) apply(t approval.Task, a approval.Action, at time.Time) (approval.Task, error) {
	role := auth.Clerk
	if t.Accepted {
		role = t.CurrentLevel().Role
	}
	p, ok := s.people.officers[role]
	if !ok {
		return t, fmt.Errorf("no demo officer with role %s", role)
	}
	ch, err := approval.Apply(t, approval.Command{Action: a, Actor: p, Opinion: "符合要求，同意。"}, approval.Env{Now: at, Calendar: s.cal, Warn: s.warn})
	if err != nil {
		return t, fmt.Errorf("%s %s: %w", a, t.ItemCode, err)
	}
	ch.Task.UpdatedAt = at
	return ch.Task, nil
}

// past is a moment during office hours on the working day wd working days
// (fractions allowed) before now; never in the future.
func (s *seeder) past(wd float64) time.Time {
	loc := calendar.Location()
	d := s.cal.AddWorkingDays(calendar.DateOf(s.now), -int(wd))
	t := d.Time(loc).Add(8*time.Hour + 30*time.Minute + time.Duration(s.rng.IntN(9*60))*time.Minute)
	if latest := s.now.Add(-time.Minute); t.After(latest) {
		return latest
	}
	return t
}

func levels(it catalog.Item) []approval.Level {
	out := make([]approval.Level, 0, len(it.Levels))
	for _, l := range it.Levels {
		out = append(out, approval.Level{Name: l.Name, Role: auth.Role(l.Role)})
	}
	return out
}

func enterpriseName(u store.User) string {
	for _, e := range demo.Enterprises {
		if strings.EqualFold(e.USCC, u.EnterpriseUSCC) {
			return e.Name
		}
	}
	return ""
}
