package workflow_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tongban/tongban/catalogs"
	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/approval"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/jobs"
	"github.com/tongban/tongban/internal/store"
	"github.com/tongban/tongban/internal/store/storetest"
	"github.com/tongban/tongban/internal/workflow"
)

const usccA = "91350200MA2Y0QXK95"

// clock is a settable time for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	svc    *workflow.Service
	db     *store.DB
	clock  *clock
	runner *jobs.Runner
	app    auth.Principal
}

func newEnv(t *testing.T, d store.Dialect) *env {
	t.Helper()
	clk := &clock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))}
	svc, db := apitest.NewService(t, d, catalogs.Xiamen, "xiamen", clk.Now)
	r := jobs.NewRunner(db, jobs.Options{Owner: "test", Poll: 10 * time.Millisecond, Lease: time.Minute, Now: clk.Now})
	r.Handle(workflow.JobClockWarning, svc.HandleClock)
	r.Handle(workflow.JobClockOverdue, svc.HandleClock)
	r.Handle(workflow.JobRongqueExpire, svc.HandleRongqueExpire)
	r.HandleSlow(workflow.JobPrereview, svc.HandlePrereview)
	u, err := svc.CreateUserAsSystem(context.Background(), workflow.UserInput{Username: "qiye", DisplayName: "林晓燕", Password: "Xm-Approval-2025!", Roles: []auth.Role{auth.Applicant},
		EnterpriseUSCC: usccA, EnterpriseName: "厦门测试有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{svc: svc, db: db, clock: clk, runner: r, app: u.Principal()}
}

func officer(dept string, r auth.Role) auth.Principal {
	return auth.Principal{UserID: strings.ToLower(dept) + "-" + string(r), DisplayName: dept + string(r), Roles: []auth.Role{r}, DeptCode: dept}
}

func (e *env) flow(t *testing.T, nameHas string) string {
	for _, f := range e.svc.Catalog().Flows() {
		if strings.Contains(f.Name, nameHas) {
			return f.ID
		}
	}
	t.Fatalf("no flow named like %q", nameHas)
	return ""
}

func (e *env) uploadAll(t *testing.T, projectID string, stage int) {
	t.Helper()
	v, err := e.svc.GetProject(context.Background(), e.app, projectID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Requirements {
		if !r.Required || r.Uploaded != nil {
			continue
		}
		content := apitest.PDF(r.Material.Code)
		if !slices.Contains(r.Material.Formats, "pdf") {
			content = apitest.PNG()
		}
		if _, err := e.svc.UploadMaterial(context.Background(), e.app, projectID, stage, r.Material.Code, "f", bytes.NewReader(content)); err != nil {
			t.Fatalf("upload %s: %v", r.Material.Code, err)
		}
	}
}

// submitted opens a small industrial project with the given code, uploads
// its stage 1 materials and submits stage 1.
func (e *env) submitted(t *testing.T, code string) (approval.Project, approval.Stage, []store.TaskRow) {
	t.Helper()
	ctx := context.Background()
	pr, err := e.svc.CreateProject(ctx, e.app, workflow.ProjectInput{Code: code, Name: "测试", FlowID: e.flow(t, "工业"), District: "350211", Investment: 100, LandArea: 100, FloorArea: 100})
	if err != nil {
		t.Fatal(err)
	}
	e.uploadAll(t, pr.ID, 1)
	if _, err := e.runner.RunDue(ctx); err != nil { // the uploads' pre-reviews
		t.Fatal(err)
	}
	st, tasks, err := e.svc.SubmitStage(ctx, e.app, pr.ID, 1, workflow.SubmitInput{})
	if err != nil {
		t.Fatal(err)
	}
	return pr, st, tasks
}

func (e *env) act(t *testing.T, p auth.Principal, id string, in workflow.ActInput) store.TaskRow {
	t.Helper()
	var cur store.TaskRow
	_ = e.db.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		cur, err = store.GetTask(context.Background(), tx, id)
		return err
	})
	in.Version = cur.Version
	r, err := e.svc.Act(context.Background(), p, id, in)
	if err != nil {
		t.Fatalf("%s by %s on %s (%s): %v", in.Action, p.UserID, cur.ItemCode, cur.State, err)
	}
	return r
}

// approveAll takes every task of a stage through all its levels.
func (e *env) approveAll(t *testing.T, tasks []store.TaskRow) {
	t.Helper()
	for _, tk := range tasks {
		r := e.act(t, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActAccept})
		for !r.State.Concluded() {
			if r.Level == len(r.Levels)-1 && r.Cosign != nil {
				for _, d := range r.Cosign.Departments {
					e.act(t, officer(d, auth.Reviewer), tk.ID, workflow.ActInput{Action: approval.ActCosign, Agree: true, Opinion: "同意"})
				}
			}
			r = e.act(t, officer(tk.DeptCode, r.Levels[r.Level].Role), tk.ID, workflow.ActInput{Action: approval.ActApprove, Opinion: "同意"})
		}
		e.clock.Add(time.Hour)
	}
}

func TestProjectThroughFourStages(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			ctx := context.Background()
			pr, err := e.svc.CreateProject(ctx, e.app, workflow.ProjectInput{Code: "2025-350211-47-03-000100", Name: "鹭岛智造新材料生产基地",
				FlowID: e.flow(t, "工业"), District: "350211", Investment: 8000, LandArea: 30000, FloorArea: 45000})
			if err != nil {
				t.Fatal(err)
			}
			for n := 1; n <= 4; n++ {
				e.uploadAll(t, pr.ID, n)
				st, tasks, err := e.svc.SubmitStage(ctx, e.app, pr.ID, n, workflow.SubmitInput{})
				if err != nil {
					t.Fatalf("submit stage %d: %v", n, err)
				}
				if st.State != approval.StageInReview || len(tasks) == 0 {
					t.Fatalf("stage %d: %s with %d tasks", n, st.State, len(tasks))
				}
				e.approveAll(t, tasks)
				v, err := e.svc.GetProject(ctx, e.app, pr.ID)
				if err != nil {
					t.Fatal(err)
				}
				if v.Stages[n-1].State != approval.StageCompleted {
					t.Fatalf("stage %d is %s after every task approved", n, v.Stages[n-1].State)
				}
				if n < 4 && (v.Stages[n].State != approval.StageOpen || v.Project.CurrentStage != n+1) {
					t.Fatalf("stage %d did not open", n+1)
				}
				e.clock.Add(24 * time.Hour)
			}
			v, _ := e.svc.GetProject(ctx, e.app, pr.ID)
			if v.Project.State != approval.ProjectCompleted {
				t.Fatalf("project %s after stage 4, want completed", v.Project.State)
			}
			kinds := map[string]int{}
			for _, ev := range v.Events {
				kinds[ev.Kind]++
			}
			if kinds["project_completed"] != 1 || kinds["stage_completed"] != 4 || kinds["accept"] == 0 {
				t.Errorf("events by kind: %v", kinds)
			}
		})
	}
}

func TestRejectionStopsStage(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	pr, _, tasks := e.submitted(t, "2025-350211-47-03-000101")
	tk := tasks[0]
	r := e.act(t, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActAccept})
	for r.Level < len(r.Levels)-1 {
		r = e.act(t, officer(tk.DeptCode, r.Levels[r.Level].Role), tk.ID, workflow.ActInput{Action: approval.ActApprove})
	}
	e.act(t, officer(tk.DeptCode, r.Levels[r.Level].Role), tk.ID, workflow.ActInput{Action: approval.ActReject, Opinion: "选址不符合国土空间规划"})
	v, _ := e.svc.GetProject(ctx, e.app, pr.ID)
	if v.Stages[0].State != approval.StageStopped || v.Project.State != approval.ProjectStopped {
		t.Fatalf("after a rejection: stage %s project %s", v.Stages[0].State, v.Project.State)
	}
	if !strings.Contains(strings.Join(v.Stages[0].Reasons, ";"), "选址不符合国土空间规划") {
		t.Errorf("reasons %v lack the opinion", v.Stages[0].Reasons)
	}
}

// TestTimersFireOnceAcrossRestarts: a warning and an overdue timer are
// stored with the acceptance; a fresh runner (a restart) fires each once.
func TestTimersFireOnceAcrossRestarts(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	pr, _, tasks := e.submitted(t, "2025-350211-47-03-000102")
	// A task of a department other than the stage's lead, when there is one,
	// so the lead coordinator's notice is its own.
	v0, _ := e.svc.GetProject(ctx, e.app, pr.ID)
	tk := tasks[0]
	for _, c := range tasks {
		if c.DeptCode != v0.Stages[0].LeadDept {
			tk = c
			break
		}
	}
	r := e.act(t, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActAccept})
	due := r.Clock.DueDate()
	if n, _ := e.runner.RunDue(ctx); n != 0 {
		t.Errorf("%d jobs ran before any deadline", n)
	}
	e.clock.t = e.svc.Calendar().StartOfDay(due).Add(time.Hour) // on the due day: warning, not yet overdue
	restarted := jobs.NewRunner(e.db, jobs.Options{Owner: "after-restart", Poll: 10 * time.Millisecond, Lease: time.Minute, Now: e.clock.Now})
	restarted.Handle(workflow.JobClockWarning, e.svc.HandleClock)
	restarted.Handle(workflow.JobClockOverdue, e.svc.HandleClock)
	restarted.Handle(workflow.JobRongqueExpire, e.svc.HandleRongqueExpire)
	if _, err := restarted.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(48 * time.Hour)
	if _, err := restarted.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := restarted.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	v, _ := e.svc.GetProject(ctx, e.app, pr.ID)
	kinds := map[string]int{}
	for _, ev := range v.Events {
		kinds[ev.Kind]++
	}
	if kinds[workflow.JobClockWarning] != 1 || kinds[workflow.JobClockOverdue] != 1 {
		t.Errorf("timer events %v: want one warning and one overdue", kinds)
	}
	open := true
	rows, _ := e.svc.ListTasks(ctx, officer(tk.DeptCode, auth.Clerk), store.TaskFilter{Open: &open, ClockState: "overdue", Limit: 10})
	if len(rows) != 1 {
		t.Errorf("%d overdue tasks in the to-do filter, want 1", len(rows))
	}
	// The warning and the overdue notice reach the department at work and
	// the stage's lead coordinators, not another department's.
	count := func(p auth.Principal) int {
		notes, err := e.svc.Notifications(ctx, p, 50)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range notes {
			if m.TaskID == tk.ID && (m.Kind == "warning" || m.Kind == "overdue") {
				n++
			}
		}
		return n
	}
	lead := v.Stages[0].LeadDept
	if got := count(officer(tk.DeptCode, auth.Clerk)); got != 2 {
		t.Errorf("the department got %d clock notices, want 2", got)
	}
	if got := count(officer(lead, auth.LeadCoordinator)); got != 2 {
		t.Errorf("the lead coordinator of %s got %d clock notices, want 2", lead, got)
	}
	for _, d := range []string{"QX", "RF", "SZYL", "FGW", "ZRGH", "STHJ"} {
		if d != lead && d != tk.DeptCode {
			if got := count(officer(d, auth.LeadCoordinator)); got != 0 {
				t.Errorf("%s's lead coordinator, uninvolved, got %d", d, got)
			}
			break
		}
	}
}

func TestSubmitBadInput(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	flow := e.flow(t, "工业")
	tests := []struct {
		name  string
		in    workflow.ProjectInput
		field string
	}{
		{"project code shape", workflow.ProjectInput{Code: "2025-3502-47-03-000001", Name: "x", FlowID: flow, District: "350211", Investment: 1}, "code"},
		{"district", workflow.ProjectInput{Code: "2025-350211-47-03-000001", Name: "x", FlowID: flow, District: "110101", Investment: 1}, "district"},
		{"investment", workflow.ProjectInput{Code: "2025-350211-47-03-000001", Name: "x", FlowID: flow, District: "350211", Investment: -5}, "investment"},
		{"agent phone", workflow.ProjectInput{Code: "2025-350211-47-03-000001", Name: "x", FlowID: flow, District: "350211", Investment: 1, Agents: []approval.Agent{{Name: "a", Phone: "123"}}}, "agents[0].phone"},
		{"unknown flow", workflow.ProjectInput{Code: "2025-350211-47-03-000001", Name: "x", FlowID: "nope", District: "350211", Investment: 1}, "flow_id"},
	}
	for _, tt := range tests {
		_, err := e.svc.CreateProject(ctx, e.app, tt.in)
		ae := apperr.As(err)
		if ae.Code != apperr.Invalid || ae.Fields[tt.field].ZH == "" || ae.Fields[tt.field].EN == "" {
			t.Errorf("%s: %v, want an invalid %s field in both languages", tt.name, err, tt.field)
		}
	}
	var n int
	_ = e.db.Read(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, `SELECT COUNT(*) FROM projects`).Scan(&n) })
	if n != 0 {
		t.Errorf("%d projects stored after bad input", n)
	}
	// An officer cannot open a project; an unknown answer is refused.
	if _, err := e.svc.CreateProject(ctx, officer("ZRGH", auth.Clerk), workflow.ProjectInput{}); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("officer opens a project: %v", err)
	}
	_, err := e.svc.CreateProject(ctx, e.app, workflow.ProjectInput{Code: "2025-350211-47-03-000001", Name: "x", FlowID: flow, District: "350211", Investment: 1,
		Answers: map[string]any{"no_such_question": true}})
	if !apperr.Is(err, apperr.Invalid) {
		t.Errorf("unknown answer: %v", err)
	}
}

func TestUploadLiesAndLimits(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	pr, err := e.svc.CreateProject(ctx, e.app, workflow.ProjectInput{Code: "2025-350211-47-03-000103", Name: "测试", FlowID: e.flow(t, "工业"), District: "350211", Investment: 100, LandArea: 100, FloorArea: 100})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := e.svc.GetProject(ctx, e.app, pr.ID)
	var pdfOnly *workflow.Requirement
	for i, r := range v.Requirements {
		if slices.Equal(r.Material.Formats, []string{"pdf"}) || (!slices.Contains(r.Material.Formats, "png") && slices.Contains(r.Material.Formats, "pdf")) {
			pdfOnly = &v.Requirements[i]
			break
		}
	}
	if pdfOnly == nil {
		t.Skip("no material without png in stage 1")
	}
	code := pdfOnly.Material.Code
	// A PNG named .pdf is judged by its content.
	_, err = e.svc.UploadMaterial(ctx, e.app, pr.ID, 1, code, "../../etc/土地证.pdf", bytes.NewReader(apitest.PNG()))
	if !apperr.Is(err, apperr.Invalid) {
		t.Errorf("png as pdf: %v, want invalid", err)
	}
	// Over the limit.
	big := bytes.Repeat([]byte("%PDF-1.4 "), (pdfOnly.Material.MaxSizeMB<<20)/9+10)
	_, err = e.svc.UploadMaterial(ctx, e.app, pr.ID, 1, code, "big.pdf", bytes.NewReader(big))
	if !apperr.Is(err, apperr.TooLarge) {
		t.Errorf("oversize: %v, want too_large", err)
	}
	// A material the stage does not ask for.
	if _, err := e.svc.UploadMaterial(ctx, e.app, pr.ID, 1, "no-such", "x.pdf", bytes.NewReader(apitest.PDF("x"))); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("unknown material: %v", err)
	}
	// Path tricks never reach the stored name.
	m, err := e.svc.UploadMaterial(ctx, e.app, pr.ID, 1, code, "../../etc/土地证.pdf", bytes.NewReader(apitest.PDF("ok")))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.FileName, "/") || strings.Contains(m.FileName, "..") {
		t.Errorf("stored display name %q keeps a path", m.FileName)
	}
	v, _ = e.svc.GetProject(ctx, e.app, pr.ID)
	if len(v.Materials) != 1 {
		t.Errorf("%d materials stored, want only the good one", len(v.Materials))
	}
}

func TestLoginLockout(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	for i := range 5 {
		_, err := e.svc.Login(ctx, "qiye", "wrong-password")
		if apperr.As(err).Key != "auth.bad_credentials" {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	_, err := e.svc.Login(ctx, "qiye", "Xm-Approval-2025!")
	if apperr.As(err).Key != "auth.locked" {
		t.Fatalf("right password while locked: %v, want auth.locked", err)
	}
	e.clock.Add(16 * time.Minute)
	res, err := e.svc.Login(ctx, "qiye", "Xm-Approval-2025!")
	if err != nil || res.Token == "" || res.CSRF == "" {
		t.Fatalf("after the lock: %v", err)
	}
	// An unknown user gets the same answer as a wrong password.
	if _, err := e.svc.Login(ctx, "nobody", "x"); apperr.As(err).Key != "auth.bad_credentials" {
		t.Errorf("unknown user: %v", err)
	}
	// The session works, then times out after 30 idle minutes.
	if _, _, err := e.svc.Authenticate(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(31 * time.Minute)
	if _, _, err := e.svc.Authenticate(ctx, res.Token); !apperr.Is(err, apperr.Unauthenticated) {
		t.Errorf("idle session: %v, want unauthenticated", err)
	}
}

func TestWithdrawAndChase(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	pr, st, tasks := e.submitted(t, "2025-350211-47-03-000104")
	// The lead department's coordinator chases; another department's cannot.
	if err := e.svc.Chase(ctx, officer(st.LeadDept, auth.LeadCoordinator), pr.ID, 1, "", "请于本周内办结"); err != nil {
		t.Fatalf("chase: %v", err)
	}
	if err := e.svc.Chase(ctx, officer("XXX", auth.LeadCoordinator), pr.ID, 1, "", ""); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("chase by another department: %v", err)
	}
	notes, _ := e.svc.Notifications(ctx, officer(tasks[0].DeptCode, auth.Clerk), 50)
	found := false
	for _, n := range notes {
		found = found || n.Kind == "chase"
	}
	if !found {
		t.Error("the chased department got no notice")
	}
	// One task accepted, then the applicant withdraws the stage.
	e.act(t, officer(tasks[0].DeptCode, auth.Clerk), tasks[0].ID, workflow.ActInput{Action: approval.ActAccept})
	if err := e.svc.WithdrawStage(ctx, e.app, pr.ID, 1, "设计方案调整"); err != nil {
		t.Fatal(err)
	}
	v, _ := e.svc.GetProject(ctx, e.app, pr.ID)
	if v.Stages[0].State != approval.StageInReview {
		t.Fatalf("stage %s before the department confirms, want in_review", v.Stages[0].State)
	}
	e.act(t, officer(tasks[0].DeptCode, auth.Clerk), tasks[0].ID, workflow.ActInput{Action: approval.ActConfirmWithdraw})
	v, _ = e.svc.GetProject(ctx, e.app, pr.ID)
	if v.Stages[0].State != approval.StageWithdrawn {
		t.Fatalf("stage %s after confirmation, want withdrawn", v.Stages[0].State)
	}
	// Resubmission opens a new round with new tasks.
	st2, tasks2, err := e.svc.SubmitStage(ctx, e.app, pr.ID, 1, workflow.SubmitInput{})
	if err != nil || st2.Round != 2 || len(tasks2) != len(tasks) {
		t.Fatalf("resubmit: round %d, %d tasks, %v", st2.Round, len(tasks2), err)
	}
}

func TestWithdrawProject(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	pr, _, tasks := e.submitted(t, "2025-350211-47-03-000108")
	events := func() int {
		v, err := e.svc.GetProject(ctx, e.app, pr.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(v.Events)
	}
	n := events()
	// Refusals, each changing nothing: no reason, another enterprise, an
	// officer, a stage still with the departments.
	other := auth.Principal{UserID: "other", Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: "91350200MA2XN5QM3A"}
	for _, tc := range []struct {
		p      auth.Principal
		reason string
		key    string
	}{
		{e.app, " ", "project.withdraw_reason"},
		{other, "不再建设", ""},
		{officer(tasks[0].DeptCode, auth.Clerk), "不再建设", ""},
		{e.app, "不再建设", "project.stage_busy"},
	} {
		_, err := e.svc.WithdrawProject(ctx, tc.p, pr.ID, tc.reason)
		ae := apperr.As(err)
		if err == nil || (tc.key != "" && ae.Key != tc.key) || ae.ZH == "" || ae.EN == "" {
			t.Errorf("withdraw by %s (%q): %v, want %s", tc.p.UserID, tc.reason, err, tc.key)
		}
	}
	if events() != n {
		t.Fatal("a refused withdrawal recorded something")
	}
	// Withdraw the stage (nothing accepted yet: recalled at once), then the project.
	if err := e.svc.WithdrawStage(ctx, e.app, pr.ID, 1, "项目取消"); err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.WithdrawProject(ctx, e.app, pr.ID, "企业决定不再建设本项目")
	if err != nil || got.State != approval.ProjectWithdrawn {
		t.Fatalf("withdraw project: %v, %s", err, got.State)
	}
	if _, err := e.svc.WithdrawProject(ctx, e.app, pr.ID, "again"); apperr.As(err).Key != "project.not_active" {
		t.Errorf("second withdrawal: %v", err)
	}
	if _, _, err := e.svc.SubmitStage(ctx, e.app, pr.ID, 1, workflow.SubmitInput{}); err == nil {
		t.Error("a withdrawn project accepted a submission")
	}
}

func TestCorrectionRoundTrip(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	_, _, tasks := e.submitted(t, "2025-350211-47-03-000105")
	tk := tasks[0]
	r := e.act(t, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActAccept})
	due := r.Clock.DueDate()
	r = e.act(t, officer(tk.DeptCode, r.Levels[r.Level].Role), tk.ID, workflow.ActInput{Action: approval.ActRequestCorrection, Opinion: "请补充红线图"})
	if r.State != approval.CorrectionStarted || !r.Clock.Paused() {
		t.Fatalf("correction: %s", r.State)
	}
	// Only the applicant resubmits; a week passes in correction.
	if _, err := e.svc.Act(ctx, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActResubmit, Version: r.Version}); err == nil {
		t.Error("an officer resubmitted for the applicant")
	}
	e.clock.Add(7 * 24 * time.Hour)
	r = e.act(t, e.app, tk.ID, workflow.ActInput{Action: approval.ActResubmit, Opinion: "已补充"})
	if r.State != approval.CorrectionEnded || !r.Clock.DueDate().After(due) {
		t.Fatalf("after resubmission: %s due %s (was %s)", r.State, r.Clock.DueDate(), due)
	}
}

// TestParallelConclusionsCompleteStage is the regression test for stages
// left in review when their last tasks concluded at the same moment on
// PostgreSQL (each transaction missed the other's approval).
func TestParallelConclusionsCompleteStage(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			ctx := context.Background()
			pr, _, tasks := e.submitted(t, "2025-350211-47-03-000106")
			// Bring every task to its last level, then conclude all at once.
			last := make([]store.TaskRow, len(tasks))
			for i, tk := range tasks {
				r := e.act(t, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActAccept})
				for r.Level < len(r.Levels)-1 {
					r = e.act(t, officer(tk.DeptCode, r.Levels[r.Level].Role), tk.ID, workflow.ActInput{Action: approval.ActApprove})
				}
				if r.Cosign != nil {
					for _, cd := range r.Cosign.Departments {
						r = e.act(t, officer(cd, auth.Reviewer), tk.ID, workflow.ActInput{Action: approval.ActCosign, Agree: true})
					}
				}
				last[i] = r
			}
			var wg sync.WaitGroup
			errs := make([]error, len(last))
			for i, r := range last {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = e.svc.Act(ctx, officer(r.DeptCode, r.Levels[r.Level].Role), r.ID, workflow.ActInput{Action: approval.ActApprove, Version: r.Version})
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatalf("parallel approval: %v", err)
				}
			}
			v, _ := e.svc.GetProject(ctx, e.app, pr.ID)
			if v.Stages[0].State != approval.StageCompleted || v.Stages[1].State != approval.StageOpen {
				t.Fatalf("after parallel approvals: stage 1 %s, stage 2 %s", v.Stages[0].State, v.Stages[1].State)
			}
		})
	}
}

// TestOwedMaterialAfterStageCompleted: a 容缺-accepted item is approved
// while a material is owed and the stage completes; the applicant can
// still upload that material (and only that one) and the debt is cleared.
func TestOwedMaterialAfterStageCompleted(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	pr, err := e.svc.CreateProject(ctx, e.app, workflow.ProjectInput{Code: "2025-350211-47-03-000107", Name: "容缺补交测试厂房",
		FlowID: e.flow(t, "工业"), District: "350211", Investment: 8000, LandArea: 30000, FloorArea: 45000})
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 2; n++ {
		e.uploadAll(t, pr.ID, n)
		_, tasks, err := e.svc.SubmitStage(ctx, e.app, pr.ID, n, workflow.SubmitInput{})
		if err != nil {
			t.Fatalf("stage %d: %v", n, err)
		}
		e.approveAll(t, tasks)
	}
	// Stage 3: leave out one material that 容缺 allows, sign the commitment.
	v, err := e.svc.GetProject(ctx, e.app, pr.ID)
	if err != nil {
		t.Fatal(err)
	}
	owed, other := "", ""
	for _, r := range v.Requirements {
		if r.Required && r.Material.RongqueAllowed && owed == "" {
			owed = r.Material.Code
		} else if r.Required && other == "" {
			other = r.Material.Code
		}
	}
	if owed == "" || other == "" {
		t.Fatal("the industrial flow's stage 3 has no 容缺-allowed required material")
	}
	for _, r := range v.Requirements {
		if !r.Required || r.Material.Code == owed {
			continue
		}
		if _, err := e.svc.UploadMaterial(ctx, e.app, pr.ID, 3, r.Material.Code, "f.pdf", bytes.NewReader(apitest.PDF(r.Material.Code))); err != nil {
			t.Fatal(err)
		}
	}
	_, tasks, err := e.svc.SubmitStage(ctx, e.app, pr.ID, 3, workflow.SubmitInput{Commitment: true})
	if err != nil {
		t.Fatal(err)
	}
	debtor := ""
	for _, tk := range tasks {
		r, err := e.svc.Act(ctx, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActAccept, Version: tk.Version})
		if apperr.As(err).Key == "task.materials_missing" {
			debtor = tk.ID
			r = e.act(t, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActAcceptRongque, Opinion: "容缺受理"})
		} else if err != nil {
			t.Fatal(err)
		}
		for !r.State.Concluded() {
			if r.Level == len(r.Levels)-1 && r.Cosign != nil {
				for _, d := range r.Cosign.Departments {
					e.act(t, officer(d, auth.Reviewer), tk.ID, workflow.ActInput{Action: approval.ActCosign, Agree: true, Opinion: "同意"})
				}
			}
			r = e.act(t, officer(tk.DeptCode, r.Levels[r.Level].Role), tk.ID, workflow.ActInput{Action: approval.ActApprove, Opinion: "同意"})
		}
	}
	if debtor == "" {
		t.Fatalf("no task misses %s", owed)
	}
	v, err = e.svc.GetProject(ctx, e.app, pr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Stages[2].State != approval.StageCompleted {
		t.Fatalf("stage 3 is %s", v.Stages[2].State)
	}
	// A material nobody owes: refused, nothing stored.
	before := len(v.Events)
	_, err = e.svc.UploadMaterial(ctx, e.app, pr.ID, 3, other, "again.pdf", bytes.NewReader(apitest.PDF("again")))
	if ae := apperr.As(err); ae.Key != "material.stage_closed" || !strings.Contains(ae.ZH, "容缺") {
		t.Fatalf("upload of %s after completion: %v", other, err)
	}
	// The owed one: accepted, and the debt is cleared.
	if _, err := e.svc.UploadMaterial(ctx, e.app, pr.ID, 3, owed, "owed.pdf", bytes.NewReader(apitest.PDF(owed))); err != nil {
		t.Fatalf("upload of the owed %s: %v", owed, err)
	}
	var row store.TaskRow
	_ = e.db.Read(ctx, func(tx *store.Tx) error { row, err = store.GetTask(ctx, tx, debtor); return err })
	if row.State != approval.ApprovedRongque || row.Rongque.Outstanding() {
		t.Fatalf("after the owed upload: %s, rongque %+v", row.State, row.Rongque)
	}
	v, _ = e.svc.GetProject(ctx, e.app, pr.ID)
	if len(v.Events) != before+2 { // material_uploaded, supply_rongque
		t.Errorf("events %d → %d, want two more", before, len(v.Events))
	}
}

// TestClockNoticeReachesOtherLead: a warning on one department's task of a
// stage another department leads reaches that lead coordinator, and not
// the lead coordinator of a third department of the same stage.
func TestClockNoticeReachesOtherLead(t *testing.T) {
	e := newEnv(t, store.SQLite)
	ctx := context.Background()
	pr, err := e.svc.CreateProject(ctx, e.app, workflow.ProjectInput{Code: "2025-350211-47-03-000109", Name: "测试厂房", FlowID: "social_industrial_plant",
		District: "350211", Investment: 100, LandArea: 100, FloorArea: 100,
		Answers: map[string]any{"in_approval_catalog": false, "env_category": "registration", "land_source": "existing"}})
	if err != nil {
		t.Fatal(err)
	}
	e.uploadAll(t, pr.ID, 1)
	st, tasks, err := e.svc.SubmitStage(ctx, e.app, pr.ID, 1, workflow.SubmitInput{})
	if err != nil {
		t.Fatal(err)
	}
	var tk store.TaskRow
	depts := map[string]bool{}
	for _, c := range tasks {
		depts[c.DeptCode] = true
		if c.DeptCode != st.LeadDept && tk.ID == "" {
			tk = c
		}
	}
	if tk.ID == "" || len(depts) < 2 {
		t.Fatalf("stage 1 led by %s has tasks of %v: want another department's", st.LeadDept, depts)
	}
	r := e.act(t, officer(tk.DeptCode, auth.Clerk), tk.ID, workflow.ActInput{Action: approval.ActAccept})
	e.clock.t = e.svc.Calendar().StartOfDay(r.Clock.DueDate()).Add(48 * time.Hour)
	for range 3 {
		if _, err := e.runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	count := func(p auth.Principal) int {
		notes, err := e.svc.Notifications(ctx, p, 50)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range notes {
			if m.TaskID == tk.ID && (m.Kind == "warning" || m.Kind == "overdue") {
				n++
			}
		}
		return n
	}
	if got := count(officer(tk.DeptCode, auth.Clerk)); got == 0 {
		t.Errorf("%s, at work, got no clock notice", tk.DeptCode)
	}
	if got := count(officer(st.LeadDept, auth.LeadCoordinator)); got == 0 {
		t.Errorf("%s's lead coordinator, leading the stage, got no clock notice", st.LeadDept)
	}
	if got := count(officer(st.LeadDept, auth.Clerk)); got != 0 {
		t.Errorf("%s's clerk got %d notices meant for its lead coordinator", st.LeadDept, got)
	}
	for d := range depts {
		if d != st.LeadDept && d != tk.DeptCode {
			if got := count(officer(d, auth.LeadCoordinator)); got != 0 {
				t.Errorf("%s's lead coordinator, neither leading nor at work, got %d", d, got)
			}
		}
	}
}
