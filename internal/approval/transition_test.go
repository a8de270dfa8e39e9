package approval

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
)

const ent = "91350200MA2Y0QXK9T"

var (
	clerk    = auth.Principal{UserID: "u-clerk", Roles: []auth.Role{auth.Clerk}, DeptCode: "ZRGH"}
	reviewer = auth.Principal{UserID: "u-rev", Roles: []auth.Role{auth.Reviewer}, DeptCode: "ZRGH"}
	approver = auth.Principal{UserID: "u-app", Roles: []auth.Role{auth.Approver}, DeptCode: "ZRGH"}
	other    = auth.Principal{UserID: "u-oth", Roles: []auth.Role{auth.Approver, auth.Reviewer, auth.Clerk}, DeptCode: "ZJ"}
	cosigner = auth.Principal{UserID: "u-cos", Roles: []auth.Role{auth.Reviewer}, DeptCode: "SZYL"}
	applic   = auth.Principal{UserID: "u-ent", Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: ent}
	stranger = auth.Principal{UserID: "u-str", Roles: []auth.Role{auth.Applicant}, EnterpriseUSCC: "91350200MA2Y0QXK8X"}
)

// monday 2025-03-03 09:00 in Xiamen.
var t0 = time.Date(2025, 3, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newTask() Task {
	return Task{ID: "t1", ProjectID: "p1", StageID: "s1", Stage: 1, ItemCode: "XM-ZRGH-001", ItemName: "建设用地规划许可证", DeptCode: "ZRGH",
		Enterprise: ent, State: Received, Levels: []Level{{"受理", auth.Clerk}, {"审查", auth.Reviewer}, {"签发", auth.Approver}},
		Limit: 5, Unit: calendar.WorkingDays, AllowRongque: true, AllowCommitment: true, Version: 1}
}

func env(d time.Duration) Env {
	return Env{Now: t0.Add(d), Calendar: calendar.Default(), Warn: calendar.DefaultWarnRule()}
}

func must(t *testing.T, tk Task, cmd Command, e Env) Task {
	t.Helper()
	ch, err := Apply(tk, cmd, e)
	if err != nil {
		t.Fatalf("%s from %s: %v", cmd.Action, tk.State, err)
	}
	return ch.Task
}

// TestTableIsTotal checks that every state is reachable in the table and
// that each (state, action) pair has at most one rule.
func TestTableIsTotal(t *testing.T) {
	seen := map[State]map[Action]bool{}
	for _, r := range Transitions {
		for _, f := range r.From {
			if !f.Valid() {
				t.Errorf("rule %s: invalid from-state %d", r.Action, f)
			}
			if seen[f] == nil {
				seen[f] = map[Action]bool{}
			}
			if seen[f][r.Action] {
				t.Errorf("two rules for %s from %s", r.Action, f)
			}
			seen[f][r.Action] = true
		}
		if r.To != 0 && !r.To.Valid() {
			t.Errorf("rule %s: invalid to-state %d", r.Action, r.To)
		}
	}
	for _, s := range []State{Withdrawn, Refused, Rejected, Recalled, Revoked} {
		if len(seen[s]) != 0 {
			t.Errorf("terminal state %s has outgoing actions %v", s, seen[s])
		}
	}
}

// TestIllegalTransitions walks every (state, action) pair the table does not
// allow and checks each is refused with a conflict naming the state.
func TestIllegalTransitions(t *testing.T) {
	for _, s := range States() {
		for _, a := range Actions() {
			if _, ok := Lookup(s, a); ok {
				continue
			}
			tk := newTask()
			tk.State = s
			_, err := Apply(tk, Command{Action: a, Actor: approver, Opinion: "x"}, env(0))
			if !apperr.Is(err, apperr.Conflict) {
				t.Errorf("%s from %s: got %v, want conflict", a, s, err)
				continue
			}
			ae := apperr.As(err)
			if ae.Key != "task.illegal_transition" || !containsAll(ae.ZH, s.ZH(), ActionZH(a)) {
				t.Errorf("%s from %s: message %q does not name state and action", a, s, ae.ZH)
			}
		}
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func TestHappyPathThroughLevels(t *testing.T) {
	tk := newTask()
	tk = must(t, tk, Command{Action: ActAccept, Actor: clerk}, env(0))
	if tk.State != DeptAccepted || tk.Level != 1 || tk.Clock == nil {
		t.Fatalf("after accept: state %s level %d clock %v", tk.State, tk.Level, tk.Clock)
	}
	// 5 WD from Monday 2025-03-03: day 1 is Tuesday, due Monday 2025-03-10.
	if got, want := tk.Clock.DueDate().String(), "2025-03-10"; got != want {
		t.Errorf("due %s, want %s", got, want)
	}
	tk = must(t, tk, Command{Action: ActApprove, Actor: reviewer, Opinion: "符合要求"}, env(time.Hour))
	if tk.Level != 2 || tk.State != DeptAccepted {
		t.Fatalf("after review: level %d state %s", tk.Level, tk.State)
	}
	tk = must(t, tk, Command{Action: ActApprove, Actor: approver, Opinion: "同意"}, env(2*time.Hour))
	if tk.State != Approved || tk.ConcludedAt == nil {
		t.Fatalf("after sign-off: %s", tk.State)
	}
}

func TestGuards(t *testing.T) {
	accepted := must(t, newTask(), Command{Action: ActAccept, Actor: clerk}, env(0))
	atSign := must(t, accepted, Command{Action: ActApprove, Actor: reviewer}, env(0))
	noRongque := newTask()
	noRongque.AllowRongque = false
	bad := newTask()
	bad.BadCredit, bad.Commitment = true, true
	unsigned := newTask()
	cosign := atSign
	cosign.Cosign = &Cosign{Mode: CosignAll, Departments: []string{"SZYL", "QX"}}

	tests := []struct {
		name string
		task Task
		cmd  Command
		code apperr.Code
		key  string
	}{
		{"reviewer cannot accept", newTask(), Command{Action: ActAccept, Actor: reviewer}, apperr.Forbidden, "task.forbidden"},
		{"other department", newTask(), Command{Action: ActAccept, Actor: other}, apperr.Forbidden, "task.forbidden"},
		{"wrong level role", accepted, Command{Action: ActApprove, Actor: approver}, apperr.Forbidden, "task.wrong_level"},
		{"applicant cannot approve", accepted, Command{Action: ActApprove, Actor: applic}, apperr.Forbidden, "task.forbidden"},
		{"reject before last level", accepted, Command{Action: ActReject, Actor: reviewer, Opinion: "不符合"}, apperr.Conflict, "task.reject_not_final"},
		{"reject needs reasons", atSign, Command{Action: ActReject, Actor: approver}, apperr.Invalid, "task.opinion_required"},
		{"refuse needs reasons", newTask(), Command{Action: ActRefuse, Actor: clerk}, apperr.Invalid, "task.opinion_required"},
		{"rongque not allowed", noRongque, Command{Action: ActAcceptRongque, Actor: clerk, Materials: []string{"m1"}}, apperr.Invalid, "task.rongque_not_allowed"},
		{"rongque bad credit", bad, Command{Action: ActAcceptRongque, Actor: clerk, Materials: []string{"m1"}}, apperr.Forbidden, "task.bad_credit"},
		{"rongque lists nothing", newTask(), Command{Action: ActAcceptRongque, Actor: clerk}, apperr.Invalid, "task.rongque_materials"},
		{"commitment unsigned", unsigned, Command{Action: ActApproveCommitment, Actor: clerk}, apperr.Invalid, "task.commitment_unsigned"},
		{"commitment bad credit", bad, Command{Action: ActApproveCommitment, Actor: clerk}, apperr.Forbidden, "task.bad_credit"},
		{"send back from first review level", accepted, Command{Action: ActSendBack, Actor: reviewer, Opinion: "x"}, apperr.Conflict, "task.send_back_first"},
		{"cosign pending", cosign, Command{Action: ActApprove, Actor: approver}, apperr.Conflict, "task.cosign_pending"},
		{"cosign by non-cosigner", accepted, Command{Action: ActCosign, Actor: cosigner, Agree: true}, apperr.Forbidden, "task.forbidden"},
		{"recall by another enterprise", newTask(), Command{Action: ActRecall, Actor: stranger}, apperr.Forbidden, "task.forbidden"},
		{"system action by a person", accepted, Command{Action: ActRongqueExpire, Actor: approver}, apperr.Forbidden, "task.forbidden"},
		{"special needs reason", accepted, Command{Action: ActStartSpecial, Actor: reviewer}, apperr.Invalid, "task.opinion_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cloneTask(tt.task)
			_, err := Apply(tt.task, tt.cmd, env(0))
			ae := apperr.As(err)
			if err == nil || ae.Code != tt.code || ae.Key != tt.key {
				t.Fatalf("got %v, want %s [%s]", err, tt.code, tt.key)
			}
			if ae.ZH == "" || ae.EN == "" {
				t.Errorf("message missing a language: %q / %q", ae.ZH, ae.EN)
			}
			if diff := cmp.Diff(before, tt.task); diff != "" {
				t.Errorf("refused command changed the task: %s", diff)
			}
		})
	}
}

func TestCorrectionPausesClock(t *testing.T) {
	tk := must(t, newTask(), Command{Action: ActAccept, Actor: clerk}, env(0)) // Mon 03-03, due Mon 03-10
	// Wednesday: send back for correction; the clock stops.
	tk = must(t, tk, Command{Action: ActRequestCorrection, Actor: reviewer, Opinion: "补充地形图", Materials: []string{"dxt"}}, env(48*time.Hour))
	if tk.State != CorrectionStarted || !tk.Clock.Paused() || tk.Correction == nil || tk.Correction.Round != 1 {
		t.Fatalf("after correction request: %s paused=%v", tk.State, tk.Clock.Paused())
	}
	// The applicant resubmits the next Monday (03-10): five working days later.
	tk = must(t, tk, Command{Action: ActResubmit, Actor: applic}, env(7*24*time.Hour))
	if tk.State != CorrectionEnded || tk.Clock.Paused() {
		t.Fatalf("after resubmit: %s paused=%v", tk.State, tk.Clock.Paused())
	}
	if tk.Assignee != reviewer.UserID {
		t.Errorf("assignee after the applicant's resubmission = %q, want the reviewer %q", tk.Assignee, reviewer.UserID)
	}
	if !tk.Clock.DueDate().After(calendar.MustParseDate("2025-03-10")) {
		t.Errorf("due %s did not move past the original 2025-03-10", tk.Clock.DueDate())
	}
	// Work continues at the same level.
	tk = must(t, tk, Command{Action: ActApprove, Actor: reviewer}, env(8*24*time.Hour))
	if tk.Level != 2 {
		t.Errorf("level %d, want 2", tk.Level)
	}
}

func TestSpecialProcedure(t *testing.T) {
	tk := must(t, newTask(), Command{Action: ActAccept, Actor: clerk}, env(0))
	tk = must(t, tk, Command{Action: ActStartSpecial, Actor: reviewer, Opinion: "组织专家评审"}, env(time.Hour))
	if tk.State != SpecialStarted || !tk.Clock.Paused() {
		t.Fatalf("special: %s", tk.State)
	}
	if _, err := Apply(tk, Command{Action: ActApprove, Actor: reviewer}, env(2*time.Hour)); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("approve during special procedure: %v, want conflict", err)
	}
	tk = must(t, tk, Command{Action: ActEndSpecial, Actor: reviewer}, env(72*time.Hour))
	if tk.State != SpecialEnded || tk.Clock.Paused() {
		t.Fatalf("after special: %s", tk.State)
	}
}

func TestRongqueAndCommitment(t *testing.T) {
	tk := must(t, newTask(), Command{Action: ActAcceptRongque, Actor: clerk, Materials: []string{"tdz"}, RongqueDays: 99}, env(0))
	if !tk.Rongque.Outstanding() || tk.Rongque.Due.String() != "2025-03-10" {
		t.Fatalf("rongque %+v: want due capped at the 5-day limit 2025-03-10", tk.Rongque)
	}
	tk = must(t, tk, Command{Action: ActApprove, Actor: reviewer}, env(time.Hour))
	done := must(t, tk, Command{Action: ActApprove, Actor: approver}, env(2*time.Hour))
	if done.State != ApprovedRongque {
		t.Fatalf("approve with materials owed: %s, want 12", done.State)
	}
	// Not supplied by the deadline: the approval is revoked by the system.
	late := Env{Now: time.Date(2025, 3, 11, 1, 0, 0, 0, time.UTC), Calendar: calendar.Default()}
	if _, err := Apply(done, Command{Action: ActRongqueExpire, System: true}, env(3*time.Hour)); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("expire before the deadline: %v, want conflict", err)
	}
	revoked := must(t, done, Command{Action: ActRongqueExpire, System: true}, late)
	if revoked.State != Revoked {
		t.Errorf("after 容缺 deadline: %s, want 15", revoked.State)
	}
	// Supplied in time: it stays 12 with nothing owed.
	ok := must(t, done, Command{Action: ActSupplyRongque, Actor: applic}, env(4*time.Hour))
	if ok.Rongque.Outstanding() || ok.State != ApprovedRongque {
		t.Errorf("after supply: %s outstanding=%v", ok.State, ok.Rongque.Outstanding())
	}
	// 告知承诺: decided on the spot.
	c := newTask()
	c.Commitment = true
	c = must(t, c, Command{Action: ActApproveCommitment, Actor: clerk, Opinion: "告知承诺，当场办结"}, env(0))
	if c.State != Approved || c.ConcludedAt == nil {
		t.Errorf("commitment: %s", c.State)
	}
}

func TestCosign(t *testing.T) {
	for _, mode := range []CosignMode{CosignAll, CosignAny} {
		tk := newTask()
		tk.Cosign = &Cosign{Mode: mode, Departments: []string{"SZYL", "QX"}}
		tk = must(t, tk, Command{Action: ActAccept, Actor: clerk}, env(0))
		tk = must(t, tk, Command{Action: ActApprove, Actor: reviewer}, env(0))
		tk = must(t, tk, Command{Action: ActCosign, Actor: cosigner, Agree: true, Opinion: "同意"}, env(time.Hour))
		if tk.Assignee != reviewer.UserID {
			t.Errorf("a co-signing department took the task over: assignee %q", tk.Assignee)
		}
		_, err := Apply(tk, Command{Action: ActApprove, Actor: approver}, env(2*time.Hour))
		if mode == CosignAny && err != nil {
			t.Errorf("或签 with one agreement: %v", err)
		}
		if mode == CosignAll && !apperr.Is(err, apperr.Conflict) {
			t.Errorf("会签 with one of two: %v, want conflict", err)
		}
		qx := auth.Principal{UserID: "u-qx", Roles: []auth.Role{auth.Approver}, DeptCode: "QX"}
		tk = must(t, tk, Command{Action: ActCosign, Actor: qx, Agree: true}, env(3*time.Hour))
		tk = must(t, tk, Command{Action: ActApprove, Actor: approver}, env(4*time.Hour))
		if tk.State != Approved {
			t.Errorf("%s: %s", mode, tk.State)
		}
	}
}

func TestWithdrawal(t *testing.T) {
	recalled := must(t, newTask(), Command{Action: ActRecall, Actor: applic}, env(0))
	if recalled.State != Recalled {
		t.Errorf("recall: %s", recalled.State)
	}
	tk := must(t, newTask(), Command{Action: ActAccept, Actor: clerk}, env(0))
	tk = must(t, tk, Command{Action: ActWithdraw, Actor: applic, Opinion: "方案调整"}, env(time.Hour))
	if tk.State != WithdrawPending {
		t.Fatalf("withdraw: %s", tk.State)
	}
	tk = must(t, tk, Command{Action: ActConfirmWithdraw, Actor: clerk}, env(2*time.Hour))
	if tk.State != Withdrawn || tk.ConcludedAt == nil {
		t.Errorf("confirm: %s", tk.State)
	}
}

func TestEvaluateStage(t *testing.T) {
	mk := func(states ...State) []Task {
		var out []Task
		for _, s := range states {
			out = append(out, Task{State: s, ItemName: "事项", DeptCode: "D"})
		}
		return out
	}
	tests := []struct {
		in   []Task
		want StageState
	}{
		{mk(Approved, ApprovedRongque), StageCompleted},
		{mk(Approved, DeptAccepted), StageInReview},
		{mk(Approved, Rejected, DeptAccepted), StageStopped},
		{mk(Refused), StageStopped},
		{mk(Withdrawn, Recalled), StageWithdrawn},
		{mk(Approved, Withdrawn), StageWithdrawn},
		{mk(WithdrawPending), StageInReview},
	}
	for _, tt := range tests {
		got, reasons := EvaluateStage(tt.in)
		if got != tt.want {
			t.Errorf("%v: got %s, want %s", tt.in, got, tt.want)
		}
		if got == StageStopped && len(reasons) == 0 {
			t.Errorf("stopped without reasons")
		}
	}
}
