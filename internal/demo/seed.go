package demo

import (
	"bytes"
	"container/heap"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/catalog"
	"github.com/tongban/tongban/internal/prereview/corpus"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/workflow"
)

// SeedOptions control Seed.
type SeedOptions struct {
	Projects int       // projects to create; 0 creates none
	Seed     int64     // the same seed gives the same history (counts, states, texts)
	Progress io.Writer // may be nil; a line is printed every 10% of simulated time
	Now      time.Time // the end of the history; zero means time.Now()
}

// SeedResult counts what Seed added.
type SeedResult struct {
	Projects, Tasks, Events int
}

// maxSeedProjects bounds one run; the command line checks the same bound.
const maxSeedProjects = 1000000

// Seed fills the database with projects that have a realistic history:
// spread over the twelve months before Now, in every state, acted on by
// the demo accounts through the workflow use cases with a simulated clock,
// so every event carries a past timestamp. Run it after Load: it acts as
// the demo applicants and officers.
//
// The simulation is one ordered queue of steps (uploads, submissions,
// decisions) across all projects, executed in time order; a step that
// would happen after Now is never executed, which is how projects still in
// progress (some of them overdue at slow departments) arise.
func Seed(ctx context.Context, svc *workflow.Service, o SeedOptions) (SeedResult, error) {
	if o.Projects < 0 || o.Projects > maxSeedProjects {
		return SeedResult{}, apperr.Newf(apperr.Invalid, "demo.projects", "演示项目数量须在 0 到 %d 之间", "the number of demo projects must be between 0 and %d", maxSeedProjects).
			WithField("projects", "invalid", "项目数量不能为负数或过大", "the number of projects must not be negative or too large")
	}
	if svc == nil {
		return SeedResult{}, apperr.Wrap(fmt.Errorf("nil workflow service"), "demo seed")
	}
	if o.Projects == 0 {
		return SeedResult{}, nil
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	s := &sim{
		rng:   rand.New(rand.NewPCG(uint64(o.Seed), 0x746f6e6762616e)), // second word: "tongban", any constant works
		clock: &simClock{},
		now:   now,
		cal:   svc.Calendar(),
		cat:   svc.Catalog(),
		out:   o.Progress,
	}
	s.svc = svc.WithClock(s.clock.Now)
	s.docs, s.unsealed = materialWriter(), map[string]bool{}
	if err := s.loadPeople(ctx); err != nil {
		return SeedResult{}, err
	}
	before, err := s.counts(ctx)
	if err != nil {
		return SeedResult{}, err
	}
	if err := s.plan(o.Projects); err != nil {
		return SeedResult{}, err
	}
	if err := s.run(ctx); err != nil {
		return SeedResult{Projects: s.created}, err
	}
	after, err := s.counts(ctx)
	if err != nil {
		return SeedResult{Projects: s.created}, err
	}
	return SeedResult{Projects: s.created, Tasks: after[0] - before[0], Events: after[1] - before[1]}, nil
}

// simClock is the simulated time the workflow reads through WithClock. The
// simulation runs in one goroutine, so it needs no lock.
type simClock struct{ t time.Time }

// Now returns the simulated time.
func (c *simClock) Now() time.Time { return c.t }

// outcome is what a project is meant to go through; the clock may cut it short.
type outcome int

const (
	outComplete   outcome = iota // all four stages, started long enough ago
	outInProgress                // started recently: still somewhere in the stages
	outStop                      // a refusal or rejection stops a stage
	outWithdraw                  // a stage withdrawn, then the project abandoned
	outResubmit                  // a stage withdrawn and submitted again
)

// Working hours in the city, in minutes after midnight.
const (
	dayStart = 8*60 + 30
	dayLen   = 9 * 60
)

// deptSpeed makes some departments fast and some slow, so the statistics
// show a bottleneck; unknown departments get a speed from the seed.
var deptSpeed = map[string]float64{
	"FGW": 0.8, "ZRGH": 1.2, "ZJ": 1.0, "STHJ": 1.9, "JT": 0.9, "SZYL": 1.1, "SL": 1.5, "RF": 1.7, "QX": 0.6,
	"CJDA": 0.7, "CGZF": 0.5, "GAJJ": 1.3, "XF": 1.0, "GS": 0.7, "GD": 0.8,
}

type sim struct {
	svc   *workflow.Service
	rng   *rand.Rand
	clock *simClock
	now   time.Time
	cal   *calendar.Calendar
	cat   *catalog.Catalog
	out   io.Writer

	docs       *corpus.MaterialWriter    // nil without CJK fonts: plain placeholder PDFs
	unsealed   map[string]bool           // project id/material code: its latest version lacks its seal
	applicants []auth.Principal          // by index of Enterprises
	officers   map[string]auth.Principal // dept + "/" + role
	deptNames  map[string]string         // code → name
	speed      map[string]float64        // code → factor
	flows      []catalog.Flow            // latest version of each flow
	queue      stepQueue
	seq        int
	created    int
	serial     int // next project code serial
	start      time.Time
	reported   int // last progress decile printed
}

// step is one thing that happens at one time.
type step struct {
	at  time.Time
	seq int // insertion order breaks ties: determinism
	fn  func(ctx context.Context) error
}

type stepQueue []*step

func (q stepQueue) Len() int { return len(q) }
func (q stepQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q stepQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *stepQueue) Push(x any)   { *q = append(*q, x.(*step)) }
func (q *stepQueue) Pop() any {
	old := *q
	n := len(old)
	x := old[n-1]
	*q = old[:n-1]
	return x
}

// at schedules fn at t. A step after Now never happens: the history ends there.
func (s *sim) at(t time.Time, fn func(ctx context.Context) error) {
	if t.After(s.now) {
		return
	}
	s.seq++
	heap.Push(&s.queue, &step{at: t, seq: s.seq, fn: fn})
}

func (s *sim) run(ctx context.Context) error {
	for s.queue.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return apperr.Wrap(err, "demo seed")
		}
		st := heap.Pop(&s.queue).(*step)
		s.clock.t = st.at
		if err := st.fn(ctx); err != nil {
			return err
		}
		s.progress(false)
	}
	s.progress(true)
	return nil
}

// progress prints a line each time another 10% of the simulated year is done.
func (s *sim) progress(final bool) {
	if s.out == nil {
		return
	}
	total := s.now.Sub(s.start)
	pct := 100
	if !final && total > 0 {
		pct = int(100 * float64(s.clock.t.Sub(s.start)) / float64(total))
	}
	if pct < s.reported+10 {
		return
	}
	s.reported = pct - pct%10
	day := calendar.DateOf(s.clock.t)
	if final {
		day = calendar.DateOf(s.now)
	}
	fmt.Fprintf(s.out, "演示历史 %3d%%（模拟至 %s），已建项目 %d 个 / demo history %3d%% (simulated to %s), %d projects\n",
		s.reported, day, s.created, s.reported, day, s.created)
}

func (s *sim) counts(ctx context.Context) ([2]int, error) {
	var c [2]int
	err := s.svc.DB().Read(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tasks`).Scan(&c[0]); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM events`).Scan(&c[1])
	})
	if err != nil {
		return c, apperr.Wrap(err, "demo: count rows")
	}
	return c, nil
}

// loadPeople finds the demo accounts Load created: events record real user ids.
func (s *sim) loadPeople(ctx context.Context) error {
	s.officers = map[string]auth.Principal{}
	s.deptNames = map[string]string{}
	s.speed = map[string]float64{}
	missing := func(name string) error {
		return apperr.Newf(apperr.Invalid, "demo.accounts_missing", "缺少演示账号 %s：请先创建演示账号（demo.Load）再生成演示项目",
			"demo account %s is missing: create the demo accounts (demo.Load) before seeding projects", name)
	}
	return s.svc.DB().Read(ctx, func(tx *store.Tx) error {
		for _, e := range Enterprises {
			u, err := store.GetUserByName(ctx, tx, e.Username)
			if apperr.Is(err, apperr.NotFound) {
				return missing(e.Username)
			} else if err != nil {
				return err
			}
			s.applicants = append(s.applicants, u.Principal())
		}
		for _, d := range s.cat.Departments() {
			s.deptNames[d.Code] = d.Name
			sp, ok := deptSpeed[d.Code]
			if !ok {
				sp = between(s.rng, 0.6, 1.8)
			}
			s.speed[d.Code] = sp
			for _, r := range []auth.Role{auth.Clerk, auth.Reviewer, auth.Approver, auth.LeadCoordinator} {
				name := OfficerUsername(d.Code, r)
				u, err := store.GetUserByName(ctx, tx, name)
				if apperr.Is(err, apperr.NotFound) {
					return missing(name)
				} else if err != nil {
					return err
				}
				s.officers[d.Code+"/"+string(r)] = u.Principal()
			}
		}
		return nil
	})
}

func (s *sim) officer(dept string, r auth.Role) (auth.Principal, error) {
	p, ok := s.officers[dept+"/"+string(r)]
	if !ok {
		return p, apperr.Newf(apperr.Invalid, "demo.officer_missing", "缺少演示账号 %s", "demo account %s is missing", OfficerUsername(dept, r))
	}
	return p, nil
}

// --- time ------------------------------------------------------------------

// norm moves t into working hours: a time outside them becomes the next
// opening, 08:30 of the next working day.
func (s *sim) norm(t time.Time) time.Time {
	loc := calendar.Location()
	lt := t.In(loc)
	d := calendar.DateOf(t)
	m := lt.Hour()*60 + lt.Minute()
	switch {
	case !s.cal.IsWorkingDay(d) || m >= dayStart+dayLen:
		d = s.cal.AddWorkingDays(d, 1)
		for !s.cal.IsWorkingDay(d) { // AddWorkingDays from a non-working day may land on one
			d = d.AddDays(1)
		}
		return d.Time(loc).Add(dayStart * time.Minute)
	case m < dayStart:
		return d.Time(loc).Add(dayStart * time.Minute)
	}
	return t
}

// addWD returns t plus wd working days of working hours (fractions allowed),
// with a few random seconds so events do not line up on the minute.
func (s *sim) addWD(t time.Time, wd float64) time.Time {
	t = s.norm(t)
	loc := calendar.Location()
	lt := t.In(loc)
	d := calendar.DateOf(t)
	off := lt.Hour()*60 + lt.Minute() - dayStart + max(1, int(wd*dayLen+0.5))
	for off > dayLen {
		off -= dayLen
		d = s.cal.AddWorkingDays(d, 1)
	}
	return d.Time(loc).Add(time.Duration(dayStart+off)*time.Minute + time.Duration(s.rng.IntN(60))*time.Second)
}

// later is addWD by a random amount in [lo, hi) working days.
func (s *sim) later(t time.Time, lo, hi float64) time.Time { return s.addWD(t, between(s.rng, lo, hi)) }

// levelDays is how long one level of a department takes: 0.5–4 working
// days, most of them short, times the department's speed.
func (s *sim) levelDays(dept string) float64 {
	u := s.rng.Float64()
	return (0.5 + 3.5*u*math.Sqrt(u)) * s.speed[dept]
}

// --- planning --------------------------------------------------------------

// plan picks each project's outcome (in fixed shares, shuffled) and start
// date, and schedules its creation.
func (s *sim) plan(n int) error {
	for _, f := range s.cat.Flows() {
		if len(s.flows) > 0 && s.flows[len(s.flows)-1].ID == f.ID {
			s.flows[len(s.flows)-1] = f // Flows is ordered by id then version: keep the latest
			continue
		}
		s.flows = append(s.flows, f)
	}
	if len(s.flows) == 0 {
		return apperr.New(apperr.Invalid, "demo.no_flows", "目录中没有审批流程，无法生成演示项目", "the catalog has no flows to seed projects with")
	}
	outs := make([]outcome, n)
	for i := range outs {
		// Stratified shares: about 52% complete, 26% in progress, 9%
		// stopped, 6% withdrawn, 7% withdrawn and resubmitted.
		u := (float64(i) + 0.5) / float64(n)
		switch {
		case u < 0.52:
			outs[i] = outComplete
		case u < 0.78:
			outs[i] = outInProgress
		case u < 0.87:
			outs[i] = outStop
		case u < 0.93:
			outs[i] = outWithdraw
		default:
			outs[i] = outResubmit
		}
	}
	s.rng.Shuffle(n, func(i, j int) { outs[i], outs[j] = outs[j], outs[i] })
	s.serial = 1 + s.rng.IntN(900000) // a per-run offset: two runs into one database rarely collide
	s.start = s.now
	for _, oc := range outs {
		var lo, hi float64 // days before now
		switch oc {
		case outComplete:
			lo, hi = 250, 365
		case outInProgress:
			// Aim at a stage's review: the expected time from the start to
			// stage k being with the departments, in calendar days.
			w := [...][2]float64{{3, 16}, {26, 40}, {46, 60}, {95, 110}}
			k := pickWeighted(s.rng, []float64{0.35, 0.3, 0.25, 0.1})
			lo, hi = w[k][0], w[k][1]
		case outResubmit:
			lo, hi = 120, 365
		default:
			lo, hi = 160, 365
		}
		start := s.norm(s.now.Add(-time.Duration(between(s.rng, lo, hi) * float64(24*time.Hour))))
		if start.After(s.now) {
			start = s.now.Add(-time.Hour)
		}
		if start.Before(s.start) {
			s.start = start
		}
		p := &projSim{s: s, plan: oc, flow: s.pickFlow()}
		switch oc {
		case outStop:
			p.failStage = pickWeighted(s.rng, []float64{0.4, 0.35, 0.25}) + 1
			p.refuse = chance(s.rng, 0.3)
		case outWithdraw, outResubmit:
			p.failStage = pickWeighted(s.rng, []float64{0.45, 0.4, 0.15}) + 1
		}
		s.at(start, p.create)
	}
	return nil
}

func pickWeighted(r *rand.Rand, w []float64) int {
	x := r.Float64() * sum(w)
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// pickFlow favours industrial plants and housing, as a city's mix does.
func (s *sim) pickFlow() catalog.Flow {
	w := make([]float64, len(s.flows))
	for i, f := range s.flows {
		w[i] = map[string]float64{"industrial_plant": 0.35, "residential": 0.25, "municipal_road": 0.15, "small_industrial": 0.25}[f.ProjectType]
		if w[i] == 0 {
			w[i] = 0.1
		}
	}
	return s.flows[pickWeighted(s.rng, w)]
}

// --- projects --------------------------------------------------------------

type projSim struct {
	s         *sim
	plan      outcome
	flow      catalog.Flow
	failStage int  // the stage that stops (outStop) or is withdrawn
	refuse    bool // outStop: refused at acceptance rather than rejected at the end
	id        string
	code      string // the project code: from the seed, unlike id
	app       auth.Principal
	run       *stageRun
	withdrawn bool // the planned withdrawal happened
}

// stageRun is one submission round of one stage.
type stageRun struct {
	number    int
	lead      string
	limit     int
	items     map[string]catalog.MatchedItem // by item code
	names     map[string]string              // material code → name
	mats      map[string]catalog.Material    // material code → definition
	owed      []string                       // 容缺 materials not yet uploaded
	tasks     []*taskSim
	open      int
	cancelled bool // withdrawn: the departments' pending steps do nothing
}

// enterpriseFor gives housing to the developer, roads to the city
// construction company and plants to the manufacturer, with some mixing.
func (p *projSim) enterpriseFor() int {
	r := p.s.rng
	n := len(p.s.applicants)
	want := 0
	switch p.flow.ProjectType {
	case "residential":
		want = 1
	case "municipal_road":
		want = 2
	}
	if chance(r, 0.2) {
		want = r.IntN(n)
	}
	return want % n
}

func (p *projSim) create(ctx context.Context) error {
	s := p.s
	ent := p.enterpriseFor()
	p.app = s.applicants[ent]
	var d projectDraft
	for range 20 {
		d = draftProject(s.rng, p.flow, s.cat.Questions())
		if ok, err := p.everyStageHasItems(d); err != nil {
			return err
		} else if ok {
			break
		}
	}
	year := calendar.DateOf(s.clock.t).Y
	typ := projectType(p.flow, d.answers)
	for attempt := 0; ; attempt++ {
		code := fmt.Sprintf("%04d-%s-%s-%s-%06d", year, d.district, d.industry, typ, s.serial%1000000)
		s.serial += 1 + s.rng.IntN(7)
		pr, err := s.svc.CreateProject(ctx, p.app, workflow.ProjectInput{Code: code, Name: d.name, FlowID: p.flow.ID, District: d.district,
			Address: d.address, Investment: d.investment, LandArea: d.land, FloorArea: d.floor, EnterpriseName: Enterprises[ent].Name,
			Agents: d.agents, Answers: d.answers})
		if apperr.Is(err, apperr.Conflict) && attempt < 20 {
			s.serial += 1000 + s.rng.IntN(50000) // a code from an earlier run: jump past its serials
			continue
		}
		if err != nil {
			return fmt.Errorf("demo: create project %s: %w", code, err)
		}
		p.id, p.code = pr.ID, code
		s.created++
		break
	}
	// The applicant prepares the stage 1 materials over a few days.
	s.at(s.later(s.clock.t, 1, 6), func(ctx context.Context) error { return p.prepare(ctx, 1, false) })
	return nil
}

// everyStageHasItems reports whether the answers give every stage at least
// one item: a stage without items cannot be submitted.
func (p *projSim) everyStageHasItems(d projectDraft) (bool, error) {
	ms, err := p.s.cat.MatchAll(p.flow.ID, p.flow.Version, catalog.ProjectFacts{Type: p.flow.ProjectType, District: d.district,
		Investment: d.investment, LandArea: d.land, FloorArea: d.floor, GovernmentInvested: p.flow.GovernmentInvested}, d.answers)
	if err != nil {
		return false, fmt.Errorf("demo: generated answers do not fit the catalog: %w", err)
	}
	for _, m := range ms {
		if len(m.Items) == 0 {
			return false, nil
		}
	}
	return true, nil
}

// requirements reads a stage's items and materials as the applicant's checklist shows them.
func (p *projSim) requirements(ctx context.Context, n int) ([]catalog.MatchedItem, []workflow.Requirement, error) {
	var items []catalog.MatchedItem
	var reqs []workflow.Requirement
	err := p.s.svc.DB().Read(ctx, func(tx *store.Tx) error {
		pr, err := store.GetProject(ctx, tx, p.id)
		if err != nil {
			return err
		}
		items, reqs, err = p.s.svc.StageRequirements(ctx, tx, pr, n)
		return err
	})
	return items, reqs, err
}

// upload stores one tiny file as the next version of a material.
func (p *projSim) upload(ctx context.Context, n int, m catalog.Material, variant int) error {
	code, name := m.Code, m.Name
	// Now and then a first upload of a material that needs a seal is not
	// stamped: pre-review shows seal_missing, and the clerk sends it back
	// for correction (intake); the corrected version (variant 3 and up) is.
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%s", p.code, code)
	unsealed := variant < 3 && m.SealRequired && !m.StraddleSealRequired && h.Sum32()%12 == 0
	p.s.unsealed[p.id+"/"+code] = unsealed
	content, ext, ok := p.s.materialFile(m, p.app.EnterpriseUSCC, variant, unsealed)
	if !ok {
		return apperr.Newf(apperr.Invalid, "demo.material_format", "演示数据无法生成材料“%s”所需格式的文件", "the demo cannot produce a file in a format material %s accepts", name)
	}
	if _, err := p.s.svc.UploadMaterial(ctx, p.app, p.id, n, code, name+ext, bytes.NewReader(content)); err != nil {
		return fmt.Errorf("demo: upload %s for project %s stage %d: %w", code, p.id, n, err)
	}
	return nil
}

// prepare uploads what the stage still lacks and schedules the submission.
// With the 容缺/告知承诺 commitment signed, a material that may follow
// later is sometimes left out.
func (p *projSim) prepare(ctx context.Context, n int, again bool) error {
	s := p.s
	items, reqs, err := p.requirements(ctx, n)
	if err != nil {
		return err
	}
	run := &stageRun{number: n, items: map[string]catalog.MatchedItem{}, names: map[string]string{}, mats: map[string]catalog.Material{}}
	commitable := false
	for _, it := range items {
		run.items[it.Item.Code] = it
		commitable = commitable || it.Item.Commitment || it.Item.Rongque
	}
	commitment := commitable && chance(s.rng, 0.3)
	for _, r := range reqs {
		run.names[r.Material.Code] = r.Material.Name
		run.mats[r.Material.Code] = r.Material
		switch {
		case r.Uploaded != nil:
			if again && chance(s.rng, 0.3) { // a revised version for the new round
				if err := p.upload(ctx, n, r.Material, 3+s.rng.IntN(2)); err != nil {
					return err
				}
			}
			continue
		case !r.Required && !chance(s.rng, 0.1):
			continue // optional material, usually not supplied
		case r.Required && commitment && r.Material.RongqueAllowed && len(run.owed) < 2 && chance(s.rng, 0.5):
			run.owed = append(run.owed, r.Material.Code)
			continue
		}
		if err := p.upload(ctx, n, r.Material, s.rng.IntN(3)); err != nil {
			return err
		}
	}
	s.at(s.later(s.clock.t, 0.1, 1), func(ctx context.Context) error { return p.submit(ctx, run, commitment) })
	return nil
}

func (p *projSim) submit(ctx context.Context, run *stageRun, commitment bool) error {
	s := p.s
	st, rows, err := s.svc.SubmitStage(ctx, p.app, p.id, run.number, workflow.SubmitInput{Commitment: commitment})
	if err != nil {
		return fmt.Errorf("demo: submit stage %d of project %s: %w", run.number, p.id, err)
	}
	run.lead, run.limit, run.open = st.LeadDept, st.LimitDays, len(rows)
	p.run = run
	fail := -1
	if p.plan == outStop && run.number == p.failStage {
		fail = s.rng.IntN(len(rows))
	}
	for i, row := range rows {
		t := &taskSim{p: p, run: run, row: row, item: run.items[row.ItemCode].Item}
		if i == fail {
			t.fail = failReject
			if p.refuse {
				t.fail = failRefuse
			}
		}
		run.tasks = append(run.tasks, t)
		s.at(s.addWD(s.clock.t, between(s.rng, 0.05, 1)*s.speed[row.DeptCode]), t.intake)
	}
	if len(run.owed) > 0 { // the applicant supplies the 容缺 materials within a few days
		s.at(s.later(s.clock.t, 1, 5), func(ctx context.Context) error { return p.supplyOwed(ctx, run) })
	}
	if (p.plan == outWithdraw || p.plan == outResubmit) && !p.withdrawn && run.number == p.failStage {
		s.at(s.later(s.clock.t, 0.2, 1.5), func(ctx context.Context) error { return p.withdraw(ctx, run) })
	}
	// The lead coordinator chases a stage that nears its limit.
	if chance(s.rng, 0.5) && run.limit > 0 {
		s.at(s.addWD(s.clock.t, 0.8*float64(run.limit)), func(ctx context.Context) error { return p.chase(ctx, run) })
	}
	return nil
}

// supplyOwed uploads the 容缺 materials; the workflow marks the tasks supplied.
func (p *projSim) supplyOwed(ctx context.Context, run *stageRun) error {
	if run.cancelled {
		return nil
	}
	for _, code := range run.owed {
		if err := p.upload(ctx, run.number, run.mats[code], p.s.rng.IntN(3)); err != nil {
			return err
		}
	}
	run.owed = nil
	return nil
}

func (p *projSim) chase(ctx context.Context, run *stageRun) error {
	if run.cancelled || run.open == 0 || p.run != run {
		return nil
	}
	lead, err := p.s.officer(run.lead, auth.LeadCoordinator)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("第%d阶段办理时间已接近承诺时限（%d个工作日），请各部门加快办理，如有问题及时反馈牵头部门。", run.number, run.limit)
	err = p.s.svc.Chase(ctx, lead, p.id, run.number, "", msg)
	if apperr.Is(err, apperr.NotFound) || apperr.Is(err, apperr.Conflict) {
		return nil // everything concluded meanwhile: nothing to chase
	}
	return err
}

// withdraw takes the stage back; the departments confirm withdrawals of
// accepted tasks. A stage that cannot be withdrawn any more (everything
// decided) moves the plan to the next stage.
func (p *projSim) withdraw(ctx context.Context, run *stageRun) error {
	s := p.s
	if run.cancelled || run.open == 0 {
		p.failStage++
		return nil
	}
	err := s.svc.WithdrawStage(ctx, p.app, p.id, run.number, pick(s.rng, withdrawReasons))
	if apperr.Is(err, apperr.Conflict) {
		p.failStage++
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: withdraw stage %d of project %s: %w", run.number, p.id, err)
	}
	run.cancelled, p.withdrawn = true, true
	last := s.clock.t
	for _, t := range run.tasks {
		if err := t.reload(ctx); err != nil {
			return err
		}
		if t.row.State != approval.WithdrawPending {
			continue
		}
		at := s.addWD(s.clock.t, between(s.rng, 0.2, 2)*s.speed[t.row.DeptCode])
		last = maxTime(last, at)
		s.at(at, t.confirmWithdraw)
	}
	next := s.later(last, 2, 15)
	if p.plan == outWithdraw {
		s.at(next, func(ctx context.Context) error { return p.abandon(ctx, run) })
	} else {
		s.at(next, func(ctx context.Context) error { return p.prepare(ctx, run.number, true) })
	}
	return nil
}

// abandon withdraws the whole project once its stage's withdrawal is
// confirmed by every department (until then the service refuses, and the
// project stays active: a confirmation is still outstanding).
func (p *projSim) abandon(ctx context.Context, _ *stageRun) error {
	_, err := p.s.svc.WithdrawProject(ctx, p.app, p.id, "申请人撤回项目申报，不再继续办理。")
	if apperr.Is(err, apperr.Conflict) {
		return nil
	}
	return err
}

// stageDone is called when the last task of a round concluded: a
// completed stage opens the next one after the applicant's preparation
// (design, bidding, and before stage 4 the construction itself).
func (p *projSim) stageDone(ctx context.Context, run *stageRun) error {
	s := p.s
	var st approval.Stage
	err := s.svc.DB().Read(ctx, func(tx *store.Tx) error {
		var err error
		st, err = store.GetStage(ctx, tx, p.id, run.number)
		return err
	})
	if err != nil {
		return err
	}
	if st.State != approval.StageCompleted || run.number >= catalog.Stages {
		return nil
	}
	gap := [...][2]float64{{}, {3, 12}, {3, 10}, {15, 40}}[run.number]
	next := run.number + 1
	s.at(s.later(s.clock.t, gap[0], gap[1]), func(ctx context.Context) error { return p.prepare(ctx, next, false) })
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// --- tasks -----------------------------------------------------------------

type failMode int

const (
	failNone   failMode = iota
	failRefuse          // 不予受理 at intake
	failReject          // 不予许可 at the last level
)

type taskSim struct {
	p         *projSim
	run       *stageRun
	row       store.TaskRow
	item      catalog.Item
	fail      failMode
	corrected bool // a correction round happened already
	special   bool // a special procedure happened already
	sentBack  bool
	cosigned  bool
	done      bool
}

func (t *taskSim) reload(ctx context.Context) error {
	return t.p.s.svc.DB().Read(ctx, func(tx *store.Tx) error {
		var err error
		t.row, err = store.GetTask(ctx, tx, t.row.ID)
		return err
	})
}

// act performs an action on the task with the version last seen; when a
// side effect moved the version (a 容缺 supply, a co-signing opinion), it
// reads the task again and retries once.
func (t *taskSim) act(ctx context.Context, p auth.Principal, in workflow.ActInput) error {
	for attempt := 0; ; attempt++ {
		in.Version = t.row.Version
		row, err := t.p.s.svc.Act(ctx, p, t.row.ID, in)
		if err == nil {
			t.row = row
			return nil
		}
		if attempt == 0 && apperr.As(err).Key == "db.stale" {
			if err := t.reload(ctx); err != nil {
				return err
			}
			continue
		}
		return fmt.Errorf("demo: %s on task %s (%s, %s) by %s: %w", in.Action, t.row.ID, t.row.ItemCode, t.row.State, p.Username, err)
	}
}

func (t *taskSim) officer(r auth.Role) (auth.Principal, error) {
	return t.p.s.officer(t.row.DeptCode, r)
}

// alive reports whether the task's department still works on it.
func (t *taskSim) alive() bool { return !t.run.cancelled && !t.done }

// missing lists the required materials of the task's item still owed.
func (t *taskSim) missing() []string {
	var out []string
	for _, m := range t.run.items[t.row.ItemCode].Materials {
		if m.Required && slices.Contains(t.run.owed, m.Code) {
			out = append(out, m.Code)
		}
	}
	return out
}

// concluded records the end of the task and, after the round's last one,
// lets the project move on.
func (t *taskSim) concluded(ctx context.Context) error {
	t.done = true
	t.run.open--
	if t.run.open == 0 && !t.run.cancelled {
		return t.p.stageDone(ctx, t.run)
	}
	return nil
}

// supplyFirst makes the applicant supply owed 容缺 materials before the
// round's last task concludes: once the stage completes it takes no more
// uploads, and an owed material never supplied would later end the case.
// It reports whether it did, the caller then retries its step a little later.
func (t *taskSim) supplyFirst(ctx context.Context, retry func(context.Context) error) (bool, error) {
	if t.run.open > 1 || len(t.run.owed) == 0 {
		return false, nil
	}
	if err := t.p.supplyOwed(ctx, t.run); err != nil {
		return true, err
	}
	if err := t.reload(ctx); err != nil {
		return true, err
	}
	t.p.s.at(t.p.s.later(t.p.s.clock.t, 0.1, 0.5), retry)
	return true, nil
}

// intake is the clerk's decision on a received (or corrected) submission.
func (t *taskSim) intake(ctx context.Context) error {
	if !t.alive() {
		return nil
	}
	s := t.p.s
	clerk, err := t.officer(auth.Clerk)
	if err != nil {
		return err
	}
	missing := t.missing()
	switch {
	case t.fail == failRefuse && t.run.open > 1:
		// The stop comes last: a stopped stage takes no more uploads, so a
		// task still waiting for a correction would never conclude.
		s.at(s.later(s.clock.t, 0.5, 2), t.intake)
		return nil
	case t.fail == failRefuse:
		if err := t.act(ctx, clerk, workflow.ActInput{Action: approval.ActRefuse, Opinion: pick(s.rng, refuseReasons)}); err != nil {
			return err
		}
		return t.concluded(ctx)
	case len(t.unsealedMaterials()) > 0:
		codes := t.unsealedMaterials()
		return t.requestCorrectionFor(ctx, clerk, codes, "请一次性补正以下材料："+t.materialNames(codes)+"未加盖单位公章（材料预审已提示缺少公章），请加盖公章后重新上传。")
	case t.fail == failNone && t.row.Commitment && t.row.AllowCommitment && !t.row.BadCredit && chance(s.rng, 0.75):
		if waited, err := t.supplyFirst(ctx, t.intake); waited || err != nil {
			return err
		}
		if err := t.act(ctx, clerk, workflow.ActInput{Action: approval.ActApproveCommitment,
			Opinion: "申请人已签署告知承诺书，按告知承诺制当场办结，事后核查。"}); err != nil {
			return err
		}
		return t.concluded(ctx)
	case len(missing) > 0 && t.row.AllowRongque && !t.row.BadCredit:
		names := t.materialNames(missing)
		if err := t.act(ctx, clerk, workflow.ActInput{Action: approval.ActAcceptRongque, Materials: missing,
			Opinion: "主要申报材料齐全，同意容缺受理，请于期限内补齐" + names + "。"}); err != nil {
			return err
		}
	case len(missing) > 0 || (!t.corrected && chance(s.rng, 0.1)):
		codes := missing
		if len(codes) == 0 {
			codes = t.someMaterials()
		}
		return t.requestCorrection(ctx, clerk, codes)
	default:
		if err := t.act(ctx, clerk, workflow.ActInput{Action: approval.ActAccept, Opinion: "申报材料齐全，符合法定形式，予以受理。"}); err != nil {
			return err
		}
	}
	s.at(s.addWD(s.clock.t, s.levelDays(t.row.DeptCode)), t.level)
	return nil
}

// requestCorrection sends the task back to the applicant, who corrects
// the materials and resubmits after one to five working days.
func (t *taskSim) requestCorrection(ctx context.Context, by auth.Principal, codes []string) error {
	s := t.p.s
	if len(codes) == 0 {
		codes = t.someMaterials()
	}
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = t.run.names[c]
	}
	return t.requestCorrectionFor(ctx, by, codes, correctionNote(s.rng, names))
}

// unsealedMaterials are the task's materials whose latest version lacks
// the seal it needs.
func (t *taskSim) unsealedMaterials() []string {
	var codes []string
	for _, m := range t.run.items[t.row.ItemCode].Materials {
		if t.p.s.unsealed[t.p.id+"/"+m.Code] && !slices.Contains(codes, m.Code) {
			codes = append(codes, m.Code)
		}
	}
	return codes
}

// requestCorrectionFor sends the task back for codes with the opinion given.
func (t *taskSim) requestCorrectionFor(ctx context.Context, by auth.Principal, codes []string, opinion string) error {
	s := t.p.s
	if err := t.act(ctx, by, workflow.ActInput{Action: approval.ActRequestCorrection, Materials: codes, Opinion: opinion}); err != nil {
		return err
	}
	t.corrected = true
	s.at(s.later(s.clock.t, 1, 5), func(ctx context.Context) error { return t.resubmit(ctx, codes) })
	return nil
}

func (t *taskSim) resubmit(ctx context.Context, codes []string) error {
	if !t.alive() {
		return nil
	}
	p := t.p
	for _, c := range codes {
		if err := p.upload(ctx, t.run.number, t.run.mats[c], 3+p.s.rng.IntN(3)); err != nil {
			return err
		}
		t.run.owed = slices.DeleteFunc(t.run.owed, func(o string) bool { return o == c })
	}
	if err := t.reload(ctx); err != nil { // the uploads may have marked 容缺 materials supplied
		return err
	}
	if err := t.act(ctx, p.app, workflow.ActInput{Action: approval.ActResubmit, Opinion: "已按补正通知逐项补正，请审查。"}); err != nil {
		return err
	}
	if !t.row.Accepted {
		p.s.at(p.s.addWD(p.s.clock.t, between(p.s.rng, 0.1, 1)*p.s.speed[t.row.DeptCode]), t.intake)
		return nil
	}
	p.s.at(p.s.addWD(p.s.clock.t, p.s.levelDays(t.row.DeptCode)), t.level)
	return nil
}

// level is the work at the task's current level: sometimes a special
// procedure, a correction round or a send-back; co-signing opinions before
// the last level decides; then a pass or, for the planned failure, a
// rejection.
func (t *taskSim) level(ctx context.Context) error {
	if !t.alive() {
		return nil
	}
	s := t.p.s
	lv := t.row.CurrentLevel()
	last := t.row.Level >= len(t.row.Levels)-1
	by, err := t.officer(lv.Role)
	if err != nil {
		return err
	}
	reviewing := lv.Role == auth.Reviewer || lv.Role == auth.Approver
	switch {
	case reviewing && !t.special && t.row.Level == 1 && chance(s.rng, 0.07):
		t.special = true
		if err := t.act(ctx, by, workflow.ActInput{Action: approval.ActStartSpecial, Opinion: pick(s.rng, specialReasons)}); err != nil {
			return err
		}
		s.at(s.later(s.clock.t, 3, 10), func(ctx context.Context) error {
			if !t.alive() {
				return nil
			}
			if err := t.act(ctx, by, workflow.ActInput{Action: approval.ActEndSpecial, Opinion: pick(s.rng, endSpecial)}); err != nil {
				return err
			}
			s.at(s.addWD(s.clock.t, s.levelDays(t.row.DeptCode)), t.level)
			return nil
		})
		return nil
	case reviewing && !t.corrected && chance(s.rng, 0.08):
		return t.requestCorrection(ctx, by, nil)
	case reviewing && !t.sentBack && t.row.Level >= 2 && chance(s.rng, 0.05):
		t.sentBack = true
		if err := t.act(ctx, by, workflow.ActInput{Action: approval.ActSendBack, Opinion: "审查意见对相关技术指标的核查依据表述不完整，退回重新审查。"}); err != nil {
			return err
		}
		s.at(s.addWD(s.clock.t, s.levelDays(t.row.DeptCode)), t.level)
		return nil
	case last && t.row.Cosign != nil && !t.cosigned:
		return t.cosign(ctx)
	case last && t.fail == failReject && t.run.open > 1:
		s.at(s.later(s.clock.t, 0.5, 2), t.level) // the stop comes last, as for a refusal
		return nil
	case last && t.fail == failReject:
		if err := t.act(ctx, by, workflow.ActInput{Action: approval.ActReject, Opinion: pick(s.rng, rejectReasons)}); err != nil {
			return err
		}
		return t.concluded(ctx)
	}
	if last {
		if waited, err := t.supplyFirst(ctx, t.level); waited || err != nil {
			return err
		}
	}
	if err := t.act(ctx, by, workflow.ActInput{Action: approval.ActApprove, Opinion: approveOpinion(s.rng, t.item, lv, last)}); err != nil {
		return err
	}
	if last {
		return t.concluded(ctx)
	}
	s.at(s.addWD(s.clock.t, s.levelDays(t.row.DeptCode)), t.level)
	return nil
}

// cosign has every co-signing department's reviewer give its opinion, then
// returns the task to its last level.
func (t *taskSim) cosign(ctx context.Context) error {
	s := t.p.s
	t.cosigned = true
	last := s.clock.t
	for _, d := range t.row.Cosign.Departments {
		rev, err := s.officer(d, auth.Reviewer)
		if err != nil {
			return err
		}
		at := s.addWD(s.clock.t, between(s.rng, 0.2, 2)*s.speed[d])
		last = maxTime(last, at)
		s.at(at, func(ctx context.Context) error {
			if !t.alive() {
				return nil
			}
			return t.act(ctx, rev, workflow.ActInput{Action: approval.ActCosign, Agree: true, Opinion: cosignOpinion(s.rng, s.deptNames[d])})
		})
	}
	s.at(s.later(last, 0.1, 1), t.level)
	return nil
}

func (t *taskSim) confirmWithdraw(ctx context.Context) error {
	clerk, err := t.officer(auth.Clerk)
	if err != nil {
		return err
	}
	if err := t.act(ctx, clerk, workflow.ActInput{Action: approval.ActConfirmWithdraw, Opinion: "经核实，同意撤件。"}); err != nil {
		return err
	}
	t.done = true
	return nil
}

// someMaterials picks one or two uploaded required materials of the item to correct.
func (t *taskSim) someMaterials() []string {
	var codes []string
	for _, m := range t.run.items[t.row.ItemCode].Materials {
		if m.Required && !slices.Contains(t.run.owed, m.Code) {
			codes = append(codes, m.Code)
		}
	}
	if len(codes) == 0 {
		for _, m := range t.run.items[t.row.ItemCode].Materials {
			codes = append(codes, m.Code)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	r := t.p.s.rng
	r.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
	return codes[:min(len(codes), 1+r.IntN(2))]
}

func (t *taskSim) materialNames(codes []string) string {
	out := ""
	for _, c := range codes {
		out += "《" + t.run.names[c] + "》"
	}
	return out
}
