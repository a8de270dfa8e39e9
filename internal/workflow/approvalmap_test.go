package workflow_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/catalogs"
	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
	"github.com/tongban/tongban/internal/demo"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
	"github.com/tongban/tongban/internal/workflow"
)

var supervisor = auth.Principal{UserID: "sup", DisplayName: "效能监察", Roles: []auth.Role{auth.Supervisor}}

// seg is a map segment in short form.
type seg struct {
	Kind    approval.SegmentKind
	Level   int
	Reason  string
	Days    int
	EndedBy approval.Action
}

func shortSegs(ss []approval.Segment) []seg {
	out := []seg{}
	for _, s := range ss {
		out = append(out, seg{s.Kind, s.Level, s.Reason, s.Days, s.EndedBy})
	}
	return out
}

// TestApprovalMapOfADrivenProject takes one task of a real project through
// acceptance, a correction round trip, a special procedure, a send-back
// and approval, leaves another untouched, approves the rest, and reads
// the map (and the statistics) back on every dialect.
func TestApprovalMapOfADrivenProject(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			ctx := context.Background()
			// A large industrial project: stage 1 needs items of several departments.
			pr, err := e.svc.CreateProject(ctx, e.app, workflow.ProjectInput{Code: "2025-350211-47-03-000120", Name: "鹭岛智造新材料生产基地",
				FlowID: e.flow(t, "工业厂房"), District: "350211", Investment: 8000, LandArea: 30000, FloorArea: 45000,
				Answers: map[string]any{"land_source": "transfer", "env_category": "report_form", "touches_river": true}})
			if err != nil {
				t.Fatal(err)
			}
			e.uploadAll(t, pr.ID, 1)
			st, tasks, err := e.svc.SubmitStage(ctx, e.app, pr.ID, 1, workflow.SubmitInput{}) // Monday 2025-03-03 09:00
			if err != nil {
				t.Fatal(err)
			}
			// a: three levels, no co-signing; b: another department's, left waiting.
			var a, b store.TaskRow
			for _, tk := range tasks {
				if a.ID == "" && len(tk.Levels) >= 3 && tk.Cosign == nil {
					a = tk
				}
			}
			for _, tk := range tasks {
				if b.ID == "" && tk.DeptCode != a.DeptCode {
					b = tk
				}
			}
			if a.ID == "" || b.ID == "" {
				t.Fatalf("fixture: no three-level task or no second department among %d tasks", len(tasks))
			}
			t.Logf("stage 1: %d tasks; a = %s (%d levels, limit %d), b = %s", len(tasks), a.ItemCode, len(a.Levels), a.Limit, b.ItemCode)
			day := 24 * time.Hour
			as := func(r auth.Role) auth.Principal { return officer(a.DeptCode, r) }
			e.clock.Add(time.Hour)
			e.act(t, as(auth.Clerk), a.ID, workflow.ActInput{Action: approval.ActAccept})
			e.clock.Add(day) // Tue 4
			e.act(t, as(auth.Reviewer), a.ID, workflow.ActInput{Action: approval.ActRequestCorrection, Opinion: "请补充红线图"})
			e.clock.Add(7 * day) // Tue 11
			e.act(t, e.app, a.ID, workflow.ActInput{Action: approval.ActResubmit, Opinion: "已补充"})
			e.clock.Add(day) // Wed 12
			e.act(t, as(auth.Reviewer), a.ID, workflow.ActInput{Action: approval.ActApprove, Opinion: "同意"})
			e.clock.Add(day) // Thu 13
			e.act(t, as(auth.Approver), a.ID, workflow.ActInput{Action: approval.ActStartSpecial, Opinion: "组织专家评审"})
			e.clock.Add(6 * day) // Wed 19
			e.act(t, as(auth.Approver), a.ID, workflow.ActInput{Action: approval.ActEndSpecial, Opinion: "专家评审结束"})
			e.clock.Add(day) // Thu 20
			e.act(t, as(auth.Approver), a.ID, workflow.ActInput{Action: approval.ActSendBack, Opinion: "审查意见不完整"})
			e.clock.Add(day) // Fri 21
			e.act(t, as(auth.Reviewer), a.ID, workflow.ActInput{Action: approval.ActApprove, Opinion: "已完善"})
			e.clock.Add(3 * day) // Mon 24
			done := e.act(t, as(auth.Approver), a.ID, workflow.ActInput{Action: approval.ActApprove, Opinion: "准予许可"})
			if done.State != approval.Approved {
				t.Fatalf("a is %s, want approved", done.State)
			}
			var rest []store.TaskRow
			for _, tk := range tasks {
				if tk.ID != a.ID && tk.ID != b.ID {
					rest = append(rest, tk)
				}
			}
			e.approveAll(t, rest)

			m, err := e.svc.GetApprovalMap(ctx, e.app, pr.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Stages) != 4 {
				t.Fatalf("%d stages", len(m.Stages))
			}
			s1 := m.Stages[0]
			if s1.Stage.ID != st.ID || len(s1.Tasks) != len(tasks) || !s1.Running() || !s1.Submitted() {
				t.Fatalf("stage 1: %d tasks (want %d), running %v", len(s1.Tasks), len(tasks), s1.Running())
			}
			cal := e.svc.Calendar()
			if got, want := s1.Days, cal.WorkingDaysBetween(calendar.DateOf(*s1.Stage.SubmittedAt), calendar.DateOf(m.Now)); got != want {
				t.Errorf("stage 1 days %d, want %d", got, want)
			}
			for _, sm := range m.Stages[1:] {
				if len(sm.Tasks) != 0 || sm.Submitted() || sm.Days != 0 {
					t.Errorf("stage %d: %d tasks, submitted %v, %d days", sm.Stage.Number, len(sm.Tasks), sm.Submitted(), sm.Days)
				}
			}
			byID := map[string]workflow.TaskMap{}
			for _, tm := range s1.Tasks {
				byID[tm.Task.ID] = tm
			}

			ta := byID[a.ID]
			want := []seg{
				{approval.SegmentWaiting, 0, "", 0, approval.ActAccept},
				{approval.SegmentWorking, 1, "", 1, approval.ActRequestCorrection},
				{approval.SegmentPaused, 0, approval.PauseCorrection, 5, approval.ActResubmit}, // 5, 6, 7, 10, 11 March
				{approval.SegmentWorking, 1, "", 1, approval.ActApprove},
				{approval.SegmentWorking, 2, "", 1, approval.ActStartSpecial},
				{approval.SegmentPaused, 0, approval.PauseSpecial, 4, approval.ActEndSpecial}, // 14, 17, 18, 19
				{approval.SegmentWorking, 2, "", 1, approval.ActSendBack},
				{approval.SegmentWorking, 1, "", 1, approval.ActApprove},
				{approval.SegmentWorking, 2, "", 1, approval.ActApprove}, // Friday → Monday
			}
			if diff := cmp.Diff(want, shortSegs(ta.Timeline.Segments)); diff != "" {
				t.Errorf("segments of %s (-want +got):\n%s", a.ItemCode, diff)
			}
			if ta.Used() != 6 || ta.Timeline.Paused != 9 || ta.Over() != (6 > a.Limit) || ta.Margin() != a.Limit-6 {
				t.Errorf("a: used %d paused %d over %v margin %d (limit %d)", ta.Used(), ta.Timeline.Paused, ta.Over(), ta.Margin(), a.Limit)
			}

			tb := byID[b.ID]
			if got := shortSegs(tb.Timeline.Segments); len(got) != 1 || got[0].Kind != approval.SegmentWaiting || tb.Timeline.Segments[0].To != nil {
				t.Errorf("b, never accepted: %+v", got)
			} else if want := cal.WorkingDaysBetween(calendar.DateOf(tb.Task.CreatedAt), calendar.DateOf(m.Now)); got[0].Days != want || tb.Used() != 0 {
				t.Errorf("b waited %d days, want %d (used %d)", got[0].Days, want, tb.Used())
			}

			// Every decided task: the map's time used is the clock's own account.
			totals := map[string][3]int{}
			for _, tm := range s1.Tasks {
				tl := tm.Timeline
				if tl.ConcludedAt != nil && tm.Task.Clock != nil {
					if got, want := tm.Used(), tm.Task.Limit-tm.Task.Clock.Remaining(cal, *tl.ConcludedAt); got != want {
						t.Errorf("%s: map used %d, clock used %d", tm.Task.ItemCode, got, want)
					}
				}
				c := totals[tm.Task.DeptCode]
				totals[tm.Task.DeptCode] = [3]int{c[0] + tl.WaitingWD, c[1] + tl.WorkingWD, c[2] + tl.PausedWD}
			}
			if len(m.Departments) != len(totals) {
				t.Errorf("%d departments on the map, %d with tasks", len(m.Departments), len(totals))
			}
			for i, dt := range m.Departments {
				if got := [3]int{dt.Waiting, dt.Working, dt.Paused}; got != totals[dt.Code] {
					t.Errorf("department %s totals %v, want %v", dt.Code, got, totals[dt.Code])
				}
				if i > 0 && dt.Working > m.Departments[i-1].Working {
					t.Errorf("departments not sorted by working days: %s after %s", dt.Code, m.Departments[i-1].Code)
				}
				if dt.Name == "" || dt.Name == dt.Code {
					t.Errorf("department %s has no name", dt.Code)
				}
			}

			// Scope: the map is seen by whoever sees the project, hidden from others.
			other, err := e.svc.CreateUserAsSystem(ctx, workflow.UserInput{Username: "qiye2", DisplayName: "陈建国", Password: "Xm-Approval-2025!",
				Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: demo.Enterprises[1].USCC, EnterpriseName: demo.Enterprises[1].Name})
			if err != nil {
				t.Fatal(err)
			}
			involved := map[string]bool{st.LeadDept: true}
			for _, tk := range tasks {
				involved[tk.DeptCode] = true
				if tk.Cosign != nil {
					for _, c := range tk.Cosign.Departments {
						involved[c] = true
					}
				}
			}
			var stranger string
			for _, dp := range e.svc.Catalog().Departments() {
				if !involved[dp.Code] {
					stranger = dp.Code
					break
				}
			}
			for _, p := range []auth.Principal{other.Principal(), officer(stranger, auth.Approver)} {
				if _, err := e.svc.GetApprovalMap(ctx, p, pr.ID); !apperr.Is(err, apperr.NotFound) {
					t.Errorf("map for %v: %v, want not found", p.Roles, err)
				}
			}
			for _, p := range []auth.Principal{supervisor, officer(b.DeptCode, auth.Clerk), officer(st.LeadDept, auth.LeadCoordinator)} {
				if _, err := e.svc.GetApprovalMap(ctx, p, pr.ID); err != nil {
					t.Errorf("map for %s of %s: %v", p.Roles[0], p.DeptCode, err)
				}
			}
			if _, err := e.svc.GetApprovalMap(ctx, e.app, "01JZZZZZZZZZZZZZZZZZZZZZZZ"); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("map of no project: %v", err)
			}

			// The statistics count a as the map does.
			s, err := e.svc.DurationStats(ctx, supervisor, workflow.DurationQuery{From: "2025-03-01", To: "2025-03-31", By: "item"})
			if err != nil {
				t.Fatal(err)
			}
			if s.Overall.Count != len(tasks)-1 {
				t.Errorf("%d tasks decided in March, want %d", s.Overall.Count, len(tasks)-1)
			}
			for _, g := range s.Groups {
				if g.Key == a.ItemCode && (g.Count != 1 || g.Mean != 6 || g.P90 != 6 || g.Over != b2i(6 > a.Limit) || !g.HasLimit || g.Limit != a.Limit) {
					t.Errorf("group of a: %+v", g)
				}
			}
			if s, err := e.svc.DurationStats(ctx, supervisor, workflow.DurationQuery{From: "2025-03-01", To: "2025-03-31", By: "stage"}); err != nil || len(s.Groups) != 0 {
				t.Errorf("stage 1 is still in review, yet %+v (%v)", s.Groups, err)
			}
			if s, err := e.svc.DurationStats(ctx, supervisor, workflow.DurationQuery{From: "2025-02-01", To: "2025-02-28", By: "dept"}); err != nil || s.Overall.Count != 0 {
				t.Errorf("nothing was decided in February, yet %+v (%v)", s.Overall, err)
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestDurationStatsBadInput feeds each kind of wrong request and checks
// the key, the field and both messages.
func TestDurationStatsBadInput(t *testing.T) {
	e := newEnv(t, store.SQLite) // today is 2025-03-03
	ctx := context.Background()
	tests := []struct {
		q      workflow.DurationQuery
		key    string
		fields []string
		zh, en string
	}{
		{workflow.DurationQuery{From: "2025-02-30"}, "stats.date", []string{"from"}, `开始日期 "2025-02-30" 无效`, `the from date "2025-02-30" is invalid`},
		{workflow.DurationQuery{From: "2025-01-01", To: "2025/03/01"}, "stats.date", []string{"to"}, `结束日期 "2025/03/01" 无效，应为真实存在的日期，格式 YYYY-MM-DD`, `want a real date written YYYY-MM-DD`},
		{workflow.DurationQuery{From: "2025-03-02", To: "2025-03-01"}, "stats.range_order", []string{"from"}, "开始日期 2025-03-02 晚于结束日期 2025-03-01", "the from date 2025-03-02 is after the to date 2025-03-01"},
		{workflow.DurationQuery{From: "2025-04-01"}, "stats.range_order", []string{"from"}, "晚于结束日期 2025-03-03", "after the to date 2025-03-03"},
		{workflow.DurationQuery{From: "2020-01-01", To: "2023-01-01"}, "stats.range_too_long", []string{"to"}, "统计区间最长 3 年", "at most 3 years"},
		{workflow.DurationQuery{By: "project"}, "stats.by", []string{"by"}, `分组方式 "project" 无效，应为 stage（按阶段）、item（按事项）或 dept（按部门）`, `grouping "project" is unknown: want stage, item or dept`},
		{workflow.DurationQuery{From: "yesterday", By: "week"}, "stats.invalid", []string{"by", "from"}, "统计条件有误", "errors in the marked fields"},
	}
	for _, tt := range tests {
		_, err := e.svc.DurationStats(ctx, supervisor, tt.q)
		ae := apperr.As(err)
		if ae == nil || ae.Code != apperr.Invalid || ae.Key != tt.key {
			t.Errorf("%+v: %v, want invalid %s", tt.q, err, tt.key)
			continue
		}
		var fields []string
		for f := range ae.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		if !slices.Equal(fields, tt.fields) {
			t.Errorf("%+v: fields %v, want %v", tt.q, fields, tt.fields)
		}
		if !strings.Contains(ae.ZH, tt.zh) || !strings.Contains(ae.EN, tt.en) {
			t.Errorf("%+v: messages %q / %q, want %q / %q", tt.q, ae.ZH, ae.EN, tt.zh, tt.en)
		}
	}
	// Right at the bounds, and the defaults.
	for _, q := range []workflow.DurationQuery{{From: "2020-01-01", To: "2022-12-31"}, {From: "2025-03-03", To: "2025-03-03", By: "dept"}, {By: " item "}} {
		if _, err := e.svc.DurationStats(ctx, supervisor, q); err != nil {
			t.Errorf("%+v: %v", q, err)
		}
	}
	s, err := e.svc.DurationStats(ctx, supervisor, workflow.DurationQuery{})
	if err != nil || s.From.String() != "2024-03-04" || s.To.String() != "2025-03-03" || s.By != workflow.ByStage {
		t.Errorf("defaults: %s to %s by %s (%v), want the twelve months to today by stage", s.From, s.To, s.By, err)
	}
	for _, p := range []auth.Principal{e.app, officer("ZRGH", auth.Clerk), officer("ZRGH", auth.Reviewer), {UserID: "audit", Roles: []auth.Role{auth.AuditAdmin}}} {
		if _, err := e.svc.DurationStats(ctx, p, workflow.DurationQuery{}); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("stats for %v: %v, want forbidden", p.Roles, err)
		}
	}
	for _, r := range []auth.Role{auth.Approver, auth.LeadCoordinator, auth.Supervisor, auth.SystemAdmin} {
		if _, err := e.svc.DurationStats(ctx, auth.Principal{UserID: "x", Roles: []auth.Role{r}, DeptCode: "ZRGH"}, workflow.DurationQuery{}); err != nil {
			t.Errorf("stats for %s: %v", r, err)
		}
	}
}

func TestSummarize(t *testing.T) {
	wd, nd := calendar.WorkingDays, calendar.NaturalDays
	s := func(key string, days int, limit int, over bool) workflow.DurationSample {
		return workflow.DurationSample{Key: key, Name: "名称" + key, Days: days, WD: days, Unit: wd, Limit: limit, HasLimit: limit > 0, Over: over}
	}
	var samples []workflow.DurationSample
	for i := 1; i <= 10; i++ { // A: 1..10 days, limit 5
		samples = append(samples, s("A", i, 5, i > 5))
	}
	samples = append(samples, s("B", 20, 30, false), s("B", 2, 10, false)) // B: limits differ
	samples = append(samples, s("C", 4, 0, false))
	samples = append(samples, workflow.DurationSample{Key: "D", Name: "自然日", Days: 7, WD: 5, Unit: nd, Limit: 10, HasLimit: true},
		workflow.DurationSample{Key: "D", Name: "自然日", Days: 3, WD: 1, Unit: nd, Limit: 10, HasLimit: true})
	samples = append(samples, workflow.DurationSample{Key: "E", Days: 7, WD: 5, Unit: nd}, workflow.DurationSample{Key: "E", Days: 2, WD: 2, Unit: wd})
	got := workflow.Summarize(samples)
	want := []workflow.DurationGroup{
		{Key: "B", Name: "名称B", Unit: wd, Count: 2, Mean: 11, P90: 20, Max: 20, Slowest: true},
		{Key: "A", Name: "名称A", Unit: wd, Count: 10, Mean: 5.5, P90: 9, Max: 10, Limit: 5, HasLimit: true, Over: 5, OverShare: 0.5},
		{Key: "D", Name: "自然日", Unit: nd, Count: 2, Mean: 5, P90: 7, Max: 7, Limit: 10, HasLimit: true},
		{Key: "C", Name: "名称C", Unit: wd, Count: 1, Mean: 4, P90: 4, Max: 4},
		{Key: "E", Unit: wd, Count: 2, Mean: 3.5, P90: 5, Max: 5}, // mixed units: working days
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize (-want +got):\n%s", diff)
	}
	if len(workflow.Summarize(nil)) != 0 {
		t.Error("groups from no samples")
	}
	for _, tt := range []struct {
		vals []int
		p    float64
		want int
	}{{nil, 90, 0}, {[]int{3}, 90, 3}, {[]int{1, 2}, 90, 2}, {[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9}, {[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 90, 10}, {[]int{1, 2, 3}, 50, 2}} {
		if got := workflow.Percentile(tt.vals, tt.p); got != tt.want {
			t.Errorf("Percentile(%v, %v) = %d, want %d", tt.vals, tt.p, got, tt.want)
		}
	}
}

// seedNow is the end of the simulated demo history.
var seedNow = time.Date(2025, 11, 20, 16, 0, 0, 0, calendar.Location())

// seeded returns a service on a fresh database of dialect d holding the
// demo accounts and a simulated history of n projects.
func seeded(t testing.TB, d store.Dialect, n int) *workflow.Service {
	t.Helper()
	ctx := context.Background()
	svc, _ := apitest.NewService(t, d, catalogs.Xiamen, "xiamen", func() time.Time { return seedNow })
	if _, err := demo.Load(ctx, svc, demo.Options{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := demo.Seed(ctx, svc, demo.SeedOptions{Projects: n, Seed: 11, Now: seedNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: seeded %+v in %v", d, res, time.Since(start).Round(time.Millisecond))
	return svc
}

// TestDurationStatsOnDemoHistory checks the statistics over a simulated
// history against the same numbers computed project by project from the
// public read use cases, and that every dialect gives the same answer.
func TestDurationStatsOnDemoHistory(t *testing.T) {
	ctx := context.Background()
	q := workflow.DurationQuery{From: "2024-12-01", To: "2025-11-20"}
	answers := map[store.Dialect]map[string][]workflow.DurationGroup{}
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			svc := seeded(t, d, 30)
			got := map[string][]workflow.DurationGroup{}
			for _, by := range []string{"stage", "item", "dept"} {
				q.By = by
				start := time.Now()
				st, err := svc.DurationStats(ctx, supervisor, q)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s by %s: %d groups, %d members in %v; slowest %s %s (mean %.1f, p90 %d)", d, by, len(st.Groups), st.Overall.Count,
					time.Since(start).Round(time.Microsecond), st.Groups[0].Key, st.Groups[0].Name, st.Groups[0].Mean, st.Groups[0].P90)
				n := 0
				for i, g := range st.Groups {
					n += g.Count
					if g.Slowest != (i == 0) {
						t.Errorf("by %s: group %d %s slowest=%v", by, i, g.Key, g.Slowest)
					}
					if i > 0 && g.Mean > st.Groups[i-1].Mean {
						t.Errorf("by %s: %s (mean %.1f) after %s (mean %.1f)", by, g.Key, g.Mean, st.Groups[i-1].Key, st.Groups[i-1].Mean)
					}
					if g.P90 > g.Max || float64(g.Max) < g.Mean || g.Over > g.Count {
						t.Errorf("by %s: inconsistent group %+v", by, g)
					}
				}
				if n != st.Overall.Count || n == 0 {
					t.Errorf("by %s: groups hold %d members, overall %d", by, n, st.Overall.Count)
				}
				got[by] = append(st.Groups, st.Overall)
			}
			answers[d] = got

			// The same numbers, project by project, from GetProject's tasks and events.
			want := statsByProject(t, svc, q)
			for by, w := range want {
				g := map[string]workflow.DurationGroup{}
				for _, x := range got[by] {
					g[x.Key] = x
				}
				if len(w) != len(got[by])-1 {
					t.Errorf("by %s: %d groups, %d by project", by, len(got[by])-1, len(w))
				}
				for k, days := range w {
					sum := 0
					for _, v := range days {
						sum += v
					}
					mean := math.Round(float64(sum)/float64(len(days))*10) / 10
					if x := g[k]; x.Count != len(days) || x.Mean != mean {
						t.Errorf("by %s, %s: count %d mean %.1f; by project %d, %.1f", by, k, x.Count, x.Mean, len(days), mean)
					}
				}
			}
		})
	}
	var first store.Dialect
	for _, d := range storetest.Dialects() {
		if answers[d] == nil {
			continue
		}
		if first == "" {
			first = d
			continue
		}
		if diff := cmp.Diff(answers[first], answers[d]); diff != "" {
			t.Errorf("%s and %s disagree (-%s +%s):\n%s", first, d, first, d, diff)
		}
	}
}

// statsByProject recomputes the statistics' members from each project's
// full record: by → key → days.
func statsByProject(t *testing.T, svc *workflow.Service, q workflow.DurationQuery) map[string]map[string][]int {
	t.Helper()
	ctx := context.Background()
	cal := svc.Calendar()
	from, to := calendar.MustParseDate(q.From), calendar.MustParseDate(q.To)
	in := func(at *time.Time) bool {
		if at == nil {
			return false
		}
		d := calendar.DateOf(*at)
		return !d.Before(from) && !d.After(to)
	}
	out := map[string]map[string][]int{"stage": {}, "item": {}, "dept": {}}
	prs, _, err := svc.ListProjects(ctx, supervisor, store.ProjectFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range prs {
		v, err := svc.GetProject(ctx, supervisor, pr.ID)
		if err != nil {
			t.Fatal(err)
		}
		m, err := svc.GetApprovalMap(ctx, supervisor, pr.ID)
		if err != nil {
			t.Fatal(err)
		}
		onMap := map[string]workflow.TaskMap{}
		for _, sm := range m.Stages {
			for _, tm := range sm.Tasks {
				onMap[tm.Task.ID] = tm
			}
		}
		for _, st := range v.Stages {
			if st.State == approval.StageCompleted && in(st.ConcludedAt) {
				k := string(rune('0' + st.Number))
				out["stage"][k] = append(out["stage"][k], cal.WorkingDaysBetween(calendar.DateOf(*st.SubmittedAt), calendar.DateOf(*st.ConcludedAt)))
			}
		}
		for _, tk := range v.Tasks {
			if !(tk.State == approval.Approved || tk.State == approval.ApprovedRongque || tk.State == approval.Rejected) || !in(tk.ConcludedAt) {
				continue
			}
			var recs []approval.Record
			for _, e := range v.Events {
				if e.TaskID == tk.ID {
					recs = append(recs, workflow.RecordOf(e))
				}
			}
			tl := approval.BuildTimeline(recs, tk.Unit, cal, seedNow)
			if tm, ok := onMap[tk.ID]; ok && tm.Used() != tl.Used() {
				t.Errorf("task %s: map used %d, record %d", tk.ID, tm.Used(), tl.Used())
			}
			out["item"][tk.ItemCode] = append(out["item"][tk.ItemCode], tl.Used())
			out["dept"][tk.DeptCode] = append(out["dept"][tk.DeptCode], tl.WorkingWD)
		}
	}
	return out
}

// BenchmarkDurationStats measures the statistics and the map on the demo
// history of 200 projects (the size the brief asks to answer in well
// under 100 ms): go test -run '^$' -bench DurationStats ./internal/workflow/
func BenchmarkDurationStats(b *testing.B) {
	ctx := context.Background()
	for _, d := range storetest.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			svc := seeded(b, d, 200)
			prs, _, err := svc.ListProjects(ctx, supervisor, store.ProjectFilter{Limit: 1000})
			if err != nil {
				b.Fatal(err)
			}
			for _, by := range []string{"stage", "item", "dept"} {
				b.Run(by, func(b *testing.B) {
					q := workflow.DurationQuery{From: "2024-11-21", To: "2025-11-20", By: by}
					for b.Loop() {
						if _, err := svc.DurationStats(ctx, supervisor, q); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("map", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := svc.GetApprovalMap(ctx, supervisor, prs[i%len(prs)].ID); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		})
	}
}
