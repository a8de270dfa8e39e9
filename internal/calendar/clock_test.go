package calendar

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/apperr"
)

// at returns 10:00 in Xiamen on the given date.
func at(t *testing.T, date string) time.Time {
	t.Helper()
	return MustParseDate(date).Time(Location()).Add(10 * time.Hour)
}

func mustRule(t *testing.T, s string) WarnRule {
	t.Helper()
	w, err := ParseWarnRule(s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestStart(t *testing.T) {
	c := Default()
	tests := []struct {
		name              string
		start             string
		limit             int
		unit              Unit
		warn              string
		wantDue, wantWarn string
	}{
		{"5 WD at 80%: warn on day 4", "2025-03-03", 5, WorkingDays, "80%", "2025-03-10", "2025-03-07"},
		{"5 WD, 2 days before: warn on day 3", "2025-03-03", 5, WorkingDays, "2d", "2025-03-10", "2025-03-06"},
		{"20 WD at 80% across National Day 2025", "2025-09-26", 20, WorkingDays, "80%", "2025-10-30", "2025-10-24"},
		{"10 ND at 80%", "2025-09-30", 10, NaturalDays, "80%", "2025-10-10", "2025-10-08"},
		{"1 WD at 80%: warn on the due day", "2025-03-07", 1, WorkingDays, "80%", "2025-03-10", "2025-03-10"},
		{"warning longer than the limit starts at once", "2025-03-03", 2, WorkingDays, "5d", "2025-03-05", "2025-03-03"},
		{"zero limit: due the same day", "2025-03-03", 0, WorkingDays, "80%", "2025-03-03", "2025-03-03"},
		{"negative limit counts as zero", "2025-03-03", -3, WorkingDays, "80%", "2025-03-03", "2025-03-03"},
		{"unknown unit counts working days", "2025-01-24", 1, "hours", "100%", "2025-01-26", "2025-01-26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := Start(c, at(t, tt.start), tt.limit, tt.unit, mustRule(t, tt.warn))
			if got := k.DueDate().String(); got != tt.wantDue {
				t.Errorf("due %s, want %s", got, tt.wantDue)
			}
			if got := k.WarnDate().String(); got != tt.wantWarn {
				t.Errorf("warn from %s, want %s", got, tt.wantWarn)
			}
			if k.StartDate().String() != tt.start || k.Paused() {
				t.Errorf("start %s paused %v", k.StartDate(), k.Paused())
			}
		})
	}
	if k := Start(c, at(t, "2025-03-03"), 5, WorkingDays, WarnRule{}); k.Warn != DefaultWarnRule() || k.WarnDate().String() != "2025-03-07" {
		t.Errorf("zero warn rule: %v from %s, want the default 80%%", k.Warn, k.WarnDate())
	}
}

func TestStateAndRemaining(t *testing.T) {
	c := Default()
	k := Start(c, at(t, "2025-03-03"), 5, WorkingDays, DefaultWarnRule()) // due Mon 03-10, warning from Fri 03-07
	tests := []struct {
		now       string
		state     State
		remaining int
	}{
		{"2025-03-03", Normal, 5},
		{"2025-03-06", Normal, 2},
		{"2025-03-07", Warning, 1},
		{"2025-03-09", Warning, 1}, // Sunday
		{"2025-03-10", Warning, 0}, // the due day itself is still in time
		{"2025-03-11", Overdue, -1},
		{"2025-03-15", Overdue, -4}, // Saturday after Tue–Fri late
	}
	for _, tt := range tests {
		now := at(t, tt.now)
		if got := k.State(c, now); got != tt.state {
			t.Errorf("State(%s) = %s, want %s", tt.now, got, tt.state)
		}
		if got := k.Remaining(c, now); got != tt.remaining {
			t.Errorf("Remaining(%s) = %d, want %d", tt.now, got, tt.remaining)
		}
	}
	// Due Friday: the weekend after it is overdue by at least one day.
	f := Start(c, at(t, "2025-02-28"), 5, WorkingDays, DefaultWarnRule())
	if f.DueDate().String() != "2025-03-07" || f.State(c, at(t, "2025-03-08")) != Overdue || f.Remaining(c, at(t, "2025-03-08")) != -1 {
		t.Errorf("weekend after a Friday due date: %s %s %d", f.DueDate(), f.State(c, at(t, "2025-03-08")), f.Remaining(c, at(t, "2025-03-08")))
	}
	// Dates are taken in Xiamen: 2025-03-10 23:30 UTC is already 03-11 there.
	if got := k.State(c, time.Date(2025, 3, 10, 23, 30, 0, 0, time.UTC)); got != Overdue {
		t.Errorf("state at 03-11 07:30 Xiamen = %s, want overdue", got)
	}
}

func TestStateLabels(t *testing.T) {
	for _, tt := range []struct {
		s      State
		zh, en string
	}{{Normal, "正常", "normal"}, {Warning, "预警", "warning"}, {Overdue, "逾期", "overdue"}, {"", "正常", "normal"}} {
		if tt.s.ZH() != tt.zh || tt.s.EN() != tt.en {
			t.Errorf("%q: %s %s", tt.s, tt.s.ZH(), tt.s.EN())
		}
	}
}

func TestPauseResume(t *testing.T) {
	c := Default()
	tests := []struct {
		name                  string
		start                 string
		limit                 int
		unit                  Unit
		warn                  string
		pause, resume         string
		wantDue, wantWarn     string
		wantPausedDays        int
		stateOnResume         State
		remainingBeforeResume int
	}{
		{
			// Due Mon 03-10 with Thu, Fri, Mon left after the Wednesday pause;
			// counted again from Mon 03-10: Tue, Wed, Thu.
			name: "across a weekend", start: "2025-03-03", limit: 5, unit: WorkingDays, warn: "80%",
			pause: "2025-03-05", resume: "2025-03-10", wantDue: "2025-03-13", wantWarn: "2025-03-12", wantPausedDays: 3,
			stateOnResume: Normal, remainingBeforeResume: 3,
		},
		{
			name: "across a weekend, warn 2 days before", start: "2025-03-03", limit: 5, unit: WorkingDays, warn: "2d",
			pause: "2025-03-05", resume: "2025-03-10", wantDue: "2025-03-13", wantWarn: "2025-03-11", wantPausedDays: 3,
			stateOnResume: Normal, remainingBeforeResume: 3,
		},
		{
			// Accepted Wed 01-22: due Wed 02-05 (Thu, Fri, make-up Sun 01-26, Mon, then
			// after Spring Festival). Paused Fri 01-24 with Sun 01-26, Mon 01-27 and
			// Wed 02-05 left; resumed Fri 02-07: make-up Sat 02-08, Mon, Tue.
			name: "across Spring Festival 2025", start: "2025-01-22", limit: 5, unit: WorkingDays, warn: "80%",
			pause: "2025-01-24", resume: "2025-02-07", wantDue: "2025-02-11", wantWarn: "2025-02-10", wantPausedDays: 5,
			stateOnResume: Normal, remainingBeforeResume: 3,
		},
		{
			name: "natural days", start: "2025-03-03", limit: 10, unit: NaturalDays, warn: "80%",
			pause: "2025-03-05", resume: "2025-03-10", wantDue: "2025-03-18", wantWarn: "2025-03-16", wantPausedDays: 5,
			stateOnResume: Normal, remainingBeforeResume: 8,
		},
		{
			name: "same day: nothing moves", start: "2025-03-03", limit: 5, unit: WorkingDays, warn: "80%",
			pause: "2025-03-05", resume: "2025-03-05", wantDue: "2025-03-10", wantWarn: "2025-03-07", wantPausedDays: 0,
			stateOnResume: Normal, remainingBeforeResume: 3,
		},
		{
			name: "paused in warning stays in warning", start: "2025-03-03", limit: 5, unit: WorkingDays, warn: "80%",
			pause: "2025-03-07", resume: "2025-03-12", wantDue: "2025-03-13", wantWarn: "2025-03-12", wantPausedDays: 3,
			stateOnResume: Warning, remainingBeforeResume: 1,
		},
		{
			// Two working days late on Wed 03-12; two working days late on Mon 03-17.
			name: "overdue stays as late", start: "2025-03-03", limit: 5, unit: WorkingDays, warn: "80%",
			pause: "2025-03-12", resume: "2025-03-17", wantDue: "2025-03-13", wantWarn: "2025-03-12", wantPausedDays: 3,
			stateOnResume: Overdue, remainingBeforeResume: -2,
		},
		{
			// Due Fri 03-07, paused Saturday: the due date never moves earlier.
			name: "overdue on a weekend", start: "2025-02-28", limit: 5, unit: WorkingDays, warn: "80%",
			pause: "2025-03-08", resume: "2025-03-09", wantDue: "2025-03-07", wantWarn: "2025-03-06", wantPausedDays: 0,
			stateOnResume: Overdue, remainingBeforeResume: -1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := Start(c, at(t, tt.start), tt.limit, tt.unit, mustRule(t, tt.warn))
			before := k
			p, err := k.Pause(c, at(t, tt.pause))
			if err != nil {
				t.Fatal(err)
			}
			if !p.Paused() || k.Paused() {
				t.Fatal("Pause must return a paused copy and leave the original running")
			}
			// Frozen: weeks later the state and remaining days are those of the pause day.
			later := at(t, tt.resume).Add(30 * 24 * time.Hour)
			if got, want := p.State(c, later), before.State(c, at(t, tt.pause)); got != want {
				t.Errorf("paused state %s, want frozen %s", got, want)
			}
			if got := p.Remaining(c, later); got != tt.remainingBeforeResume {
				t.Errorf("paused remaining %d, want %d", got, tt.remainingBeforeResume)
			}
			r, err := p.Resume(c, at(t, tt.resume))
			if err != nil {
				t.Fatal(err)
			}
			if r.Paused() || r.Pauses != 1 {
				t.Errorf("after resume: paused %v pauses %d", r.Paused(), r.Pauses)
			}
			if got := r.DueDate().String(); got != tt.wantDue {
				t.Errorf("due %s, want %s", got, tt.wantDue)
			}
			if got := r.WarnDate().String(); got != tt.wantWarn {
				t.Errorf("warn from %s, want %s", got, tt.wantWarn)
			}
			if r.PausedDays != tt.wantPausedDays {
				t.Errorf("paused days %d, want %d", r.PausedDays, tt.wantPausedDays)
			}
			if got := r.State(c, at(t, tt.resume)); got != tt.stateOnResume {
				t.Errorf("state on resume %s, want %s", got, tt.stateOnResume)
			}
			if got := r.Remaining(c, at(t, tt.resume)); tt.pause != tt.resume && tt.remainingBeforeResume < 0 && got != tt.remainingBeforeResume {
				t.Errorf("remaining on resume %d, want %d (as late as at the pause)", got, tt.remainingBeforeResume)
			}
		})
	}
}

func TestPauseResumeErrors(t *testing.T) {
	c := Default()
	k := Start(c, at(t, "2025-03-03"), 5, WorkingDays, DefaultWarnRule())
	p, _ := k.Pause(c, at(t, "2025-03-05"))
	tests := []struct {
		name   string
		run    func() error
		code   apperr.Code
		key    string
		zh, en string
	}{
		{"pause twice", func() error { _, err := p.Pause(c, at(t, "2025-03-06")); return err }, apperr.Conflict, "clock.paused", "不能重复暂停", "cannot be paused again"},
		{"resume a running clock", func() error { _, err := k.Resume(c, at(t, "2025-03-06")); return err }, apperr.Conflict, "clock.not_paused", "计时未暂停", "not paused"},
		{"pause before the start", func() error { _, err := k.Pause(c, at(t, "2025-03-01")); return err }, apperr.Invalid, "clock.pause_before_start", "早于计时开始", "earlier than the start"},
		{"resume before the pause", func() error { _, err := p.Resume(c, at(t, "2025-03-04")); return err }, apperr.Invalid, "clock.resume_before_pause", "早于暂停", "earlier than the pause"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ae := apperr.As(tt.run())
			if ae.Code != tt.code || ae.Key != tt.key || !strings.Contains(ae.ZH, tt.zh) || !strings.Contains(ae.EN, tt.en) {
				t.Errorf("got %s %s %q / %q", ae.Code, ae.Key, ae.ZH, ae.EN)
			}
		})
	}
}

func TestTimerInstants(t *testing.T) {
	c := Default()
	k := Start(c, at(t, "2025-03-03"), 5, WorkingDays, DefaultWarnRule())
	cst := Location()
	if got, want := k.WarnAt(c), time.Date(2025, 3, 7, 0, 0, 0, 0, cst); !got.Equal(want) {
		t.Errorf("WarnAt = %s, want %s", got, want)
	}
	if got, want := k.DueAt(c), time.Date(2025, 3, 11, 0, 0, 0, 0, cst); !got.Equal(want) {
		t.Errorf("DueAt = %s, want %s (start of the first overdue day)", got, want)
	}
	if k.State(c, k.DueAt(c).Add(-time.Nanosecond)) != Warning || k.State(c, k.DueAt(c)) != Overdue {
		t.Error("DueAt is not the instant the clock turns overdue")
	}
	if k.State(c, k.WarnAt(c).Add(-time.Nanosecond)) != Normal || k.State(c, k.WarnAt(c)) != Warning {
		t.Error("WarnAt is not the instant the clock turns to warning")
	}
}

func TestClockJSON(t *testing.T) {
	c := Default()
	k := Start(c, at(t, "2025-03-03"), 5, WorkingDays, mustRule(t, "2d"))
	k, _ = k.Pause(c, at(t, "2025-03-05"))
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"unit":"WD"`, `"limit":5`, `"due":"2025-03-10"`, `"warn_from":"2025-03-06"`, `"warn":"2d"`, `"paused_at":`, `"paused_days":0`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
	var back Clock
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(k, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	var bad Clock
	if err := json.Unmarshal([]byte(`{"due":"2025-02-30"}`), &bad); err == nil {
		t.Error("an impossible stored date was accepted")
	}
	if err := json.Unmarshal([]byte(`{"warn":"120%"}`), &bad); err == nil {
		t.Error("an impossible stored warn rule was accepted")
	}
}

func TestParseWarnRule(t *testing.T) {
	tests := []struct {
		in   string
		want WarnRule
	}{
		{"80%", WarnRule{WarnPercent, 80}},
		{" 100 % ", WarnRule{WarnPercent, 100}},
		{"1%", WarnRule{WarnPercent, 1}},
		{"2d", WarnRule{WarnDaysBefore, 2}},
		{"2D", WarnRule{WarnDaysBefore, 2}},
		{"0d", WarnRule{WarnDaysBefore, 0}},
		{"365d", WarnRule{WarnDaysBefore, 365}},
	}
	for _, tt := range tests {
		got, err := ParseWarnRule(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseWarnRule(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if again, _ := ParseWarnRule(got.String()); again != got {
			t.Errorf("%q does not round-trip through String: %q", tt.in, got.String())
		}
	}
	errs := []struct {
		in     string
		zh, en string
	}{
		{"120%", "百分比须在 1% 到 100% 之间", "between 1% and 100%"},
		{"0%", "百分比须在 1% 到 100% 之间", "between 1% and 100%"},
		{"-1d", "天数须在 0 到 365 之间", "between 0 and 365"},
		{"366d", "天数须在 0 到 365 之间", "between 0 and 365"},
		{"abc", "应为百分比（如 80%）或到期前天数（如 2d）", `"80%"`},
		{"80", "应为百分比", `"2d"`},
		{"%", "应为百分比", "percentage"},
		{"d", "应为百分比", "percentage"},
		{"1.5d", "应为百分比", "percentage"},
		{"", "不能为空", "empty"},
	}
	for _, tt := range errs {
		_, err := ParseWarnRule(tt.in)
		ae := apperr.As(err)
		if ae.Code != apperr.Invalid || ae.Key != "calendar.warn_rule" || !strings.Contains(ae.ZH, tt.zh) || !strings.Contains(ae.EN, tt.en) {
			t.Errorf("ParseWarnRule(%q): %s %q / %q", tt.in, ae.Code, ae.ZH, ae.EN)
		}
		if _, ok := ae.Fields["warn"]; !ok {
			t.Errorf("ParseWarnRule(%q): no field error", tt.in)
		}
	}
}
