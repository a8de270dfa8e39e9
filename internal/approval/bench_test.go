package approval

import (
	"strings"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/auth"
	"github.com/tongban/tongban/internal/calendar"
)

// The micro-benchmarks behind `make bench`: the pure cost of one decision
// in the domain and of a deadline computation, without database or HTTP, to
// compare with the end-to-end figures of cmd/tongbench.

var (
	benchClerk    = auth.Principal{UserID: "u-bench-clerk", Roles: []auth.Role{auth.Clerk}, DeptCode: "D001"}
	benchApprover = auth.Principal{UserID: "u-bench-approver", Roles: []auth.Role{auth.Approver}, DeptCode: "D001"}
	// benchAt is a Monday morning in Xiamen.
	benchAt = time.Date(2025, 3, 3, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
)

// benchTask is a received two-level task of the bench catalog's shape.
func benchTask() Task {
	return Task{ID: "t-bench", ProjectID: "p-bench", StageID: "s-bench", Stage: 1, ItemCode: "B1-D001", ItemName: "基准测试事项", DeptCode: "D001",
		Enterprise: "91350200MA2Y0QXK9T", State: Received, Levels: []Level{{"受理", auth.Clerk}, {"签发", auth.Approver}},
		Limit: 5, Unit: calendar.WorkingDays, Version: 1}
}

func benchEnv() Env {
	return Env{Now: benchAt, Calendar: calendar.Default(), Warn: calendar.DefaultWarnRule()}
}

// mustApply applies cmd and fails the benchmark on a refusal.
func mustApply(b *testing.B, t Task, cmd Command, e Env) Task {
	b.Helper()
	ch, err := Apply(t, cmd, e)
	if err != nil {
		b.Fatalf("%s from %s: %v", cmd.Action, t.State, err)
	}
	return ch.Task
}

// BenchmarkApply measures one decision through Apply: acceptance (which
// starts the deadline clock) and the final approval (which concludes).
func BenchmarkApply(b *testing.B) {
	e := benchEnv()
	accept := Command{Action: ActAccept, Actor: benchClerk, Opinion: "材料齐全，予以受理"}
	approve := Command{Action: ActApprove, Actor: benchApprover, Opinion: "同意"}
	received := benchTask()
	accepted := mustApply(b, received, accept, e)

	b.Run("accept", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Apply(received, accept, e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("approve", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ch, err := Apply(accepted, approve, e)
			if err != nil {
				b.Fatal(err)
			}
			if ch.To != Approved {
				b.Fatalf("approve ended in %s, want %s", ch.To, Approved)
			}
		}
	})
	b.Run("refused", func(b *testing.B) {
		// A refused command (wrong role) costs as much as the check and the
		// bilingual error; concurrent officers produce these.
		b.ReportAllocs()
		wrong := Command{Action: ActApprove, Actor: benchClerk, Opinion: "同意"}
		for b.Loop() {
			if _, err := Apply(accepted, wrong, e); err == nil {
				b.Fatal("a clerk approved at the approver's level")
			}
		}
	})
}

// BenchmarkCalendarDue measures a due date in working days, the
// computation behind every acceptance, for a short and a long limit.
func BenchmarkCalendarDue(b *testing.B) {
	cal := calendar.Default()
	from := calendar.DateOf(benchAt)
	for _, c := range []struct {
		name string
		days int
		unit calendar.Unit
	}{{"5WD", 5, calendar.WorkingDays}, {"60WD", 60, calendar.WorkingDays}, {"250WD", 250, calendar.WorkingDays}, {"30ND", 30, calendar.NaturalDays}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var last calendar.Date
			for b.Loop() {
				last = cal.Due(from, c.days, c.unit)
			}
			if !last.After(from) {
				b.Fatalf("Due(%s, %d, %s) = %s, not after the start", from, c.days, c.unit, last)
			}
		})
	}
}

// TestBenchFixtures checks that the benchmarks measure what they claim:
// the accept/approve sequence of a two-level task ends approved, and a
// wrong-role approval is refused with a clear bilingual message.
func TestBenchFixtures(t *testing.T) {
	e := benchEnv()
	ch, err := Apply(benchTask(), Command{Action: ActAccept, Actor: benchClerk}, e)
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	if got, want := ch.Task.Level, 1; got != want {
		t.Errorf("level after accept = %d, want %d (the approver's)", got, want)
	}
	if ch.Task.Clock == nil {
		t.Fatal("accept started no clock")
	}
	_, err = Apply(ch.Task, Command{Action: ActApprove, Actor: benchClerk}, e)
	if err == nil {
		t.Fatal("a clerk approved at the approver's level")
	}
	ae := apperr.As(err)
	if ae.Code != apperr.Forbidden || ae.Key != "task.wrong_level" || !strings.Contains(ae.ZH, "签发") || !strings.Contains(ae.EN, "approver") {
		t.Errorf("wrong-role approval: got %s [%s] %q / %q, want forbidden task.wrong_level naming 签发 and approver", ae.Code, ae.Key, ae.ZH, ae.EN)
	}
	done, err := Apply(ch.Task, Command{Action: ActApprove, Actor: benchApprover}, e)
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	if got, want := done.To, Approved; got != want {
		t.Errorf("state after approve = %s, want %s", got, want)
	}
}
