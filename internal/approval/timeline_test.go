package approval

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/calendar"
)

// mar returns a time on day d of March 2025 (the 3rd is a Monday; no
// holidays that month) at hour h in Xiamen.
func mar(d, h int) time.Time { return time.Date(2025, 3, d, h, 0, 0, 0, calendar.Location()) }

func rec(kind string, to State, level int, at time.Time) Record {
	return Record{Kind: kind, To: to, ToLevel: level, At: at}
}

// seg is a segment in short form: kind, level (working), reason (paused),
// days, the action that ended it ("" while running).
type seg struct {
	Kind    SegmentKind
	Level   int
	Reason  string
	Days    int
	EndedBy Action
}

func short(ss []Segment) []seg {
	out := []seg{}
	for _, s := range ss {
		out = append(out, seg{s.Kind, s.Level, s.Reason, s.Days, s.EndedBy})
	}
	return out
}

const created = CreatedKind

func TestBuildTimeline(t *testing.T) {
	cal := calendar.Default()
	tests := []struct {
		name    string
		recs    []Record
		unit    calendar.Unit
		now     time.Time
		want    []seg
		used    int // working days against the limit
		paused  int
		waiting int
		done    bool
	}{
		{
			name: "never accepted, still waiting",
			recs: []Record{rec(created, Received, 0, mar(3, 9))},
			now:  mar(6, 10),
			want: []seg{{SegmentWaiting, 0, "", 3, ""}}, waiting: 3,
		},
		{
			name: "never accepted, refused",
			recs: []Record{rec(created, Received, 0, mar(3, 9)), rec("refuse", Refused, 0, mar(4, 11))},
			now:  mar(20, 9),
			want: []seg{{SegmentWaiting, 0, "", 1, ActRefuse}}, waiting: 1, done: true,
		},
		{
			name: "never accepted, recalled by the applicant",
			recs: []Record{rec(created, Received, 0, mar(7, 9)), rec("recall", Recalled, 0, mar(10, 9))},
			now:  mar(20, 9),
			want: []seg{{SegmentWaiting, 0, "", 1, ActRecall}}, waiting: 1, done: true, // Friday → Monday: one working day
		},
		{
			name: "accepted and approved through three levels",
			recs: []Record{
				rec(created, Received, 0, mar(3, 9)),
				rec("accept", DeptAccepted, 1, mar(4, 10)),
				rec("approve", DeptAccepted, 2, mar(6, 15)),
				rec("approve", Approved, 2, mar(10, 11)),
			},
			now: mar(20, 9),
			want: []seg{
				{SegmentWaiting, 0, "", 1, ActAccept},
				{SegmentWorking, 1, "", 2, ActApprove},
				{SegmentWorking, 2, "", 2, ActApprove}, // Fri 7 and Mon 10: the weekend does not count
			},
			waiting: 1, used: 4, done: true,
		},
		{
			name: "correction round trip after acceptance",
			recs: []Record{
				rec(created, Received, 0, mar(3, 9)),
				rec("accept", DeptAccepted, 1, mar(3, 14)),
				rec("request_correction", CorrectionStarted, 1, mar(5, 10)),
				rec("resubmit", CorrectionEnded, 1, mar(12, 16)),
				rec("approve", CorrectionEnded, 2, mar(13, 9)),
				rec("approve", Approved, 2, mar(14, 9)),
			},
			now: mar(20, 9),
			want: []seg{
				{SegmentWaiting, 0, "", 0, ActAccept},
				{SegmentWorking, 1, "", 2, ActRequestCorrection}, // the pause day counts as used, as on the clock
				{SegmentPaused, 0, PauseCorrection, 5, ActResubmit},
				{SegmentWorking, 1, "", 1, ActApprove},
				{SegmentWorking, 2, "", 1, ActApprove},
			},
			used: 4, paused: 5, done: true,
		},
		{
			name: "correction before acceptance waits again after the resubmission",
			recs: []Record{
				rec(created, Received, 0, mar(3, 9)),
				rec("request_correction", CorrectionStarted, 0, mar(4, 9)),
				rec("resubmit", CorrectionEnded, 0, mar(7, 9)),
				rec("accept", DeptAccepted, 1, mar(10, 9)),
			},
			now: mar(12, 17),
			want: []seg{
				{SegmentWaiting, 0, "", 1, ActRequestCorrection},
				{SegmentPaused, 0, PauseCorrection, 3, ActResubmit},
				{SegmentWaiting, 0, "", 1, ActAccept},
				{SegmentWorking, 1, "", 2, ""},
			},
			waiting: 2, paused: 3, used: 2,
		},
		{
			name: "special procedure",
			recs: []Record{
				rec(created, Received, 0, mar(3, 9)),
				rec("accept", DeptAccepted, 1, mar(3, 10)),
				rec("approve", DeptAccepted, 2, mar(4, 10)),
				rec("start_special", SpecialStarted, 2, mar(5, 10)),
				rec("end_special", SpecialEnded, 2, mar(19, 10)),
				rec("approve", Approved, 2, mar(20, 10)),
			},
			now: mar(28, 9),
			want: []seg{
				{SegmentWaiting, 0, "", 0, ActAccept},
				{SegmentWorking, 1, "", 1, ActApprove},
				{SegmentWorking, 2, "", 1, ActStartSpecial},
				{SegmentPaused, 0, PauseSpecial, 10, ActEndSpecial},
				{SegmentWorking, 2, "", 1, ActApprove},
			},
			used: 3, paused: 10, done: true,
		},
		{
			name: "sent back between levels",
			recs: []Record{
				rec(created, Received, 0, mar(3, 9)),
				rec("accept", DeptAccepted, 1, mar(3, 10)),
				rec("approve", DeptAccepted, 2, mar(4, 10)),
				rec("send_back", DeptAccepted, 1, mar(5, 10)),
				rec("approve", DeptAccepted, 2, mar(6, 10)),
				rec("approve", DeptAccepted, 3, mar(7, 10)),
				rec("approve", Approved, 3, mar(10, 10)),
			},
			now: mar(28, 9),
			want: []seg{
				{SegmentWaiting, 0, "", 0, ActAccept},
				{SegmentWorking, 1, "", 1, ActApprove},
				{SegmentWorking, 2, "", 1, ActSendBack},
				{SegmentWorking, 1, "", 1, ActApprove},
				{SegmentWorking, 2, "", 1, ActApprove},
				{SegmentWorking, 3, "", 1, ActApprove},
			},
			used: 5, done: true,
		},
		{
			name: "withdrawal: the clock runs until the department confirms",
			recs: []Record{
				rec(created, Received, 0, mar(3, 9)),
				rec("accept", DeptAccepted, 1, mar(3, 10)),
				rec("withdraw", WithdrawPending, 1, mar(5, 10)),
				rec("confirm_withdraw", Withdrawn, 1, mar(7, 10)),
			},
			now:  mar(28, 9),
			want: []seg{{SegmentWaiting, 0, "", 0, ActAccept}, {SegmentWorking, 1, "", 4, ActConfirmWithdraw}},
			used: 4, done: true,
		},
		{
			name: "withdrawal during a special procedure stays paused",
			recs: []Record{
				rec(created, Received, 0, mar(3, 9)),
				rec("accept", DeptAccepted, 1, mar(3, 10)),
				rec("start_special", SpecialStarted, 1, mar(4, 10)),
				rec("withdraw", WithdrawPending, 1, mar(5, 10)),
				rec("confirm_withdraw", Withdrawn, 1, mar(6, 10)),
			},
			now: mar(28, 9),
			want: []seg{
				{SegmentWaiting, 0, "", 0, ActAccept},
				{SegmentWorking, 1, "", 1, ActStartSpecial},
				{SegmentPaused, 0, PauseSpecial, 2, ActConfirmWithdraw},
			},
			used: 1, paused: 2, done: true,
		},
		{
			name: "co-signing opinions, chasing and timers do not split a segment",
			recs: []Record{
				rec(created, Received, 0, mar(3, 9)),
				rec("accept", DeptAccepted, 1, mar(3, 10)),
				rec("approve", DeptAccepted, 2, mar(4, 10)),
				rec("cosign", DeptAccepted, 2, mar(5, 10)),
				rec("chase", DeptAccepted, 2, mar(5, 11)),
				{Kind: "clock_warning", At: mar(6, 0)}, // From/To are clock states, not state codes
				rec("cosign", DeptAccepted, 2, mar(6, 10)),
				rec("approve", Approved, 2, mar(7, 10)),
			},
			now:  mar(28, 9),
			want: []seg{{SegmentWaiting, 0, "", 0, ActAccept}, {SegmentWorking, 1, "", 1, ActApprove}, {SegmentWorking, 2, "", 3, ActApprove}},
			used: 4, done: true,
		},
		{
			name: "still running in a correction",
			recs: []Record{
				rec(created, Received, 0, mar(3, 9)),
				rec("accept", DeptAccepted, 1, mar(3, 10)),
				rec("request_correction", CorrectionStarted, 1, mar(4, 10)),
			},
			now:  mar(11, 9),
			want: []seg{{SegmentWaiting, 0, "", 0, ActAccept}, {SegmentWorking, 1, "", 1, ActRequestCorrection}, {SegmentPaused, 0, PauseCorrection, 5, ""}},
			used: 1, paused: 5,
		},
		{
			name: "natural days for an ND item",
			unit: calendar.NaturalDays,
			recs: []Record{
				rec(created, Received, 0, mar(7, 9)),
				rec("accept", DeptAccepted, 0, mar(7, 10)),
				rec("approve", Approved, 0, mar(10, 10)),
			},
			now:  mar(28, 9),
			want: []seg{{SegmentWaiting, 0, "", 0, ActAccept}, {SegmentWorking, 0, "", 3, ActApprove}},
			used: 3, done: true,
		},
		{
			name: "decided on a commitment at once",
			recs: []Record{rec(created, Received, 0, mar(3, 9)), rec("approve_commitment", Approved, 2, mar(3, 9))},
			now:  mar(28, 9),
			want: []seg{{SegmentWaiting, 0, "", 0, ActApproveCommitment}}, done: true,
		},
		{
			name: "a later revocation is not time spent",
			recs: []Record{
				rec(created, Received, 0, mar(3, 9)),
				rec("accept", DeptAccepted, 0, mar(3, 10)),
				rec("approve", Approved, 0, mar(4, 10)),
				rec("revoke", Revoked, 0, mar(20, 10)),
			},
			now:  mar(28, 9),
			want: []seg{{SegmentWaiting, 0, "", 0, ActAccept}, {SegmentWorking, 0, "", 1, ActApprove}},
			used: 1, done: true,
		},
		{
			name: "no record: nothing to show",
			now:  mar(28, 9),
			want: []seg{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unit := tt.unit
			if unit == "" {
				unit = calendar.WorkingDays
			}
			tl := BuildTimeline(tt.recs, unit, cal, tt.now)
			if diff := cmp.Diff(tt.want, short(tl.Segments)); diff != "" {
				t.Errorf("segments (-want +got):\n%s", diff)
			}
			got := [3]int{tl.Waiting, tl.Used(), tl.Paused}
			if want := [3]int{tt.waiting, tt.used, tt.paused}; got != want {
				t.Errorf("waiting, used, paused = %v, want %v", got, want)
			}
			if (tl.ConcludedAt != nil) != tt.done {
				t.Errorf("concluded = %v, want %v", tl.ConcludedAt, tt.done)
			}
			// Segments tile the task's time: each starts where the one before ended.
			for i := 1; i < len(tl.Segments); i++ {
				if prev := tl.Segments[i-1]; prev.To == nil || !prev.To.Equal(tl.Segments[i].From) {
					t.Errorf("segment %d starts at %v, the one before ends at %v", i, tl.Segments[i].From, prev.To)
				}
			}
			for i, s := range tl.Segments {
				if (s.To == nil) != (i == len(tl.Segments)-1 && !tt.done) {
					t.Errorf("segment %d: to = %v; only the last segment of an open task runs", i, s.To)
				}
				if unit == calendar.WorkingDays && s.WD != s.Days {
					t.Errorf("segment %d: %d working days but %d days in a WD unit", i, s.WD, s.Days)
				}
			}
		})
	}
}

// TestTimelineAgreesWithClock drives a task through Apply and checks that
// the used time the timeline reconstructs from the transitions is the
// clock's own account: the limit minus the days remaining at the end.
func TestTimelineAgreesWithClock(t *testing.T) {
	cal := calendar.Default()
	tk := newTask()
	tk.Limit = 10
	var recs []Record
	at := mar(3, 9)
	recs = append(recs, rec(created, Received, 0, at))
	step := func(p Command, days int) {
		t.Helper()
		at = at.Add(time.Duration(days) * 24 * time.Hour)
		ch, err := Apply(tk, p, Env{Now: at, Calendar: cal, Warn: calendar.DefaultWarnRule()})
		if err != nil {
			t.Fatalf("%s: %v", p.Action, err)
		}
		tk = ch.Task
		recs = append(recs, rec(string(p.Action), ch.To, ch.ToLevel, at))
	}
	step(Command{Action: ActAccept, Actor: clerk}, 1)
	step(Command{Action: ActRequestCorrection, Actor: reviewer, Opinion: "补正"}, 2)
	step(Command{Action: ActResubmit, Actor: applic}, 6)
	step(Command{Action: ActStartSpecial, Actor: reviewer, Opinion: "专家评审"}, 1)
	step(Command{Action: ActEndSpecial, Actor: reviewer}, 9)
	step(Command{Action: ActApprove, Actor: reviewer, Opinion: "同意"}, 1)
	step(Command{Action: ActSendBack, Actor: approver, Opinion: "退回"}, 1)
	step(Command{Action: ActApprove, Actor: reviewer, Opinion: "同意"}, 1)
	step(Command{Action: ActApprove, Actor: approver, Opinion: "同意"}, 1)
	if tk.State != Approved {
		t.Fatalf("state %s, want approved", tk.State)
	}
	tl := BuildTimeline(recs, tk.Unit, cal, at.Add(30*24*time.Hour))
	if got, want := tl.Used(), tk.Limit-tk.Clock.Remaining(cal, at); got != want {
		t.Errorf("timeline used %d, clock used %d (due %s)\n%s", got, want, tk.Clock.DueDate(), fmt.Sprint(short(tl.Segments)))
	}
	if got := tl.Paused; got != tk.Clock.PausedDays {
		t.Errorf("timeline paused %d, clock moved by %d", got, tk.Clock.PausedDays)
	}
}
