package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

// State is where a deadline clock stands.
type State string

// Clock states. The strings are stored (a task's last timer state) and
// sent to clients; never rename them.
const (
	Normal  State = "normal"  // 正常
	Warning State = "warning" // 预警
	Overdue State = "overdue" // 逾期
)

// ZH returns the state's Chinese label.
func (s State) ZH() string {
	switch s {
	case Warning:
		return "预警"
	case Overdue:
		return "逾期"
	}
	return "正常"
}

// EN returns the state's English label.
func (s State) EN() string {
	if s == "" {
		return string(Normal)
	}
	return string(s)
}

// WarnKind says how a WarnRule measures.
type WarnKind string

// Warn rule kinds.
const (
	WarnPercent    WarnKind = "percent"     // warn once N% of the limit has elapsed
	WarnDaysBefore WarnKind = "days_before" // warn N days (in the clock's unit) before the due date
)

// Bounds of a warn rule's N for days before the due date.
const maxWarnDays = 365

// WarnRule says when a running clock turns to warning. Written "80%"
// (warn on the day 80% of the limit is used up) or "2d" (warn from the
// day 2 working days, or natural days for an ND clock, remain). The zero
// WarnRule is the default, 80%. It travels as its string form in JSON.
type WarnRule struct {
	Kind WarnKind
	N    int
}

// DefaultWarnRule returns 80% of the limit, the usual rule.
func DefaultWarnRule() WarnRule { return WarnRule{Kind: WarnPercent, N: 80} }

// ParseWarnRule reads "80%" (1–100) or "2d" (0–365 days before due).
func ParseWarnRule(s string) (WarnRule, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	bad := func(zh, en string) (WarnRule, error) {
		return WarnRule{}, apperr.New(apperr.Invalid, "calendar.warn_rule", fmt.Sprintf("预警规则 %q 无效：%s", s, zh),
			fmt.Sprintf("warning rule %q is invalid: %s", s, en)).WithField("warn", "invalid", zh, en)
	}
	var kind WarnKind
	var num string
	switch {
	case t == "":
		return bad("不能为空，应为百分比（如 80%）或到期前天数（如 2d）", `it is empty; write a percentage such as "80%" or days before due such as "2d"`)
	case strings.HasSuffix(t, "%"):
		kind, num = WarnPercent, strings.TrimSpace(strings.TrimSuffix(t, "%"))
	case strings.HasSuffix(t, "d"):
		kind, num = WarnDaysBefore, strings.TrimSpace(strings.TrimSuffix(t, "d"))
	default:
		return bad("应为百分比（如 80%）或到期前天数（如 2d）", `write a percentage such as "80%" or days before due such as "2d"`)
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return bad("应为百分比（如 80%）或到期前天数（如 2d）", `write a percentage such as "80%" or days before due such as "2d"`)
	}
	if kind == WarnPercent && (n < 1 || n > 100) {
		return bad("百分比须在 1% 到 100% 之间", "the percentage must be between 1% and 100%")
	}
	if kind == WarnDaysBefore && (n < 0 || n > maxWarnDays) {
		return bad(fmt.Sprintf("天数须在 0 到 %d 之间", maxWarnDays), fmt.Sprintf("the days must be between 0 and %d", maxWarnDays))
	}
	return WarnRule{Kind: kind, N: n}, nil
}

// orDefault maps the zero rule (and any rule not made by ParseWarnRule
// that is out of range) to the default.
func (w WarnRule) orDefault() WarnRule {
	switch {
	case w.Kind == WarnPercent && w.N >= 1 && w.N <= 100:
		return w
	case w.Kind == WarnDaysBefore && w.N >= 0 && w.N <= maxWarnDays:
		return w
	}
	return DefaultWarnRule()
}

// String returns the rule as written: "80%" or "2d".
func (w WarnRule) String() string {
	w = w.orDefault()
	if w.Kind == WarnDaysBefore {
		return fmt.Sprintf("%dd", w.N)
	}
	return fmt.Sprintf("%d%%", w.N)
}

// MarshalText writes the rule as "80%" or "2d".
func (w WarnRule) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText reads "80%" or "2d"; empty is the default rule.
func (w *WarnRule) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*w = DefaultWarnRule()
		return nil
	}
	r, err := ParseWarnRule(string(b))
	if err != nil {
		return err
	}
	*w = r
	return nil
}

// Clock is the deadline of one task: a value stored as JSON with the task
// and changed only by Start, Pause and Resume, which return a new Clock.
//
// Counting: the start day does not count (day 1 is the next working day,
// or the next day for ND), and Due is the last day within the limit; the
// clock is overdue from the day after. The warning begins on WarnFrom.
//
// Pauses (补正, 特别程序): a clock paused on day P keeps the days it had
// left after P (the pause day itself counts as used); resumed on day R, it
// counts them again from R, the resume day not counting, as for an
// acceptance. So Due moves from P+r to R+r, where r is the working days in
// (P, Due]; WarnFrom keeps its distance to Due. Paused and resumed on
// the same day, nothing moves. A clock already overdue at P is as many
// days overdue on R as it was on P (Remaining is unchanged), and a pause
// never moves Due earlier. While paused, State and Remaining stay what
// they were on P. PausedDays adds up how far Due has moved.
type Clock struct {
	Unit       Unit       `json:"unit"`
	Limit      int        `json:"limit"`
	Started    time.Time  `json:"started"`             // the acceptance instant
	Due        Date       `json:"due"`                 // last day within the limit
	WarnFrom   Date       `json:"warn_from"`           // first day of the warning state
	Warn       WarnRule   `json:"warn"`                // the rule WarnFrom came from
	PausedAt   *time.Time `json:"paused_at,omitempty"` // set while paused
	PausedDays int        `json:"paused_days"`         // how far pauses have moved Due, in Unit
	Pauses     int        `json:"pauses,omitempty"`    // completed pauses, for reports
}

// Start starts a clock at instant at (the acceptance) for limit units; a
// negative limit counts as 0 (due the same day). Any unit but ND means
// working days.
func Start(c *Calendar, at time.Time, limit int, unit Unit, warn WarnRule) Clock {
	if unit != NaturalDays {
		unit = WorkingDays
	}
	limit = max(limit, 0)
	warn = warn.orDefault()
	s := DateOf(at)
	due := c.Due(s, limit, unit)
	var k int // the day (counted like the limit) on which the warning begins
	if warn.Kind == WarnDaysBefore {
		k = max(limit-warn.N, 0)
	} else {
		k = (limit*warn.N + 99) / 100 // ceil: the day on which N% is used up
	}
	return Clock{Unit: unit, Limit: limit, Started: at, Due: due, WarnFrom: c.Due(s, k, unit), Warn: warn}
}

// StartDate returns the acceptance day in the city's time zone.
func (k Clock) StartDate() Date { return DateOf(k.Started) }

// DueDate returns the last day within the limit.
func (k Clock) DueDate() Date { return k.Due }

// WarnDate returns the first day of the warning state.
func (k Clock) WarnDate() Date { return k.WarnFrom }

// Paused reports whether the clock is stopped.
func (k Clock) Paused() bool { return k.PausedAt != nil }

// WarnAt returns the instant the clock turns to warning, for a durable
// timer. It is meaningless while paused (the state is frozen then): check
// State when the timer fires.
func (k Clock) WarnAt(c *Calendar) time.Time { return c.StartOfDay(k.WarnFrom) }

// DueAt returns the instant the clock turns overdue: the start of the day
// after DueDate. Like WarnAt, check State when the timer fires.
func (k Clock) DueAt(c *Calendar) time.Time { return c.StartOfDay(k.Due.AddDays(1)) }

// Pause stops the clock at instant at. Pausing a paused clock, or pausing
// before the start, is an error; on error k is returned unchanged.
func (k Clock) Pause(c *Calendar, at time.Time) (Clock, error) {
	if k.Paused() {
		return k, apperr.Newf(apperr.Conflict, "clock.paused", "计时已于 %s 暂停，不能重复暂停", "the clock has been paused since %s; it cannot be paused again", DateOf(*k.PausedAt))
	}
	if at.Before(k.Started) {
		return k, apperr.New(apperr.Invalid, "clock.pause_before_start", "暂停时间早于计时开始时间", "the pause is earlier than the start of the clock")
	}
	p := at
	k.PausedAt = &p
	return k, nil
}

// Resume restarts a paused clock at instant at, moving Due and WarnFrom by
// the rule in the Clock comment. Resuming a running clock, or resuming
// before the pause, is an error; on error k is returned unchanged.
func (k Clock) Resume(c *Calendar, at time.Time) (Clock, error) {
	if !k.Paused() {
		return k, apperr.New(apperr.Conflict, "clock.not_paused", "计时未暂停，无需恢复", "the clock is not paused")
	}
	if at.Before(*k.PausedAt) {
		return k, apperr.New(apperr.Invalid, "clock.resume_before_pause", "恢复时间早于暂停时间", "the resume is earlier than the pause")
	}
	p, r := DateOf(*k.PausedAt), DateOf(at)
	k.PausedAt = nil
	k.Pauses++
	if p == r {
		return k, nil // paused and resumed the same day: no day was lost
	}
	due := c.Due(r, k.remainingOn(c, p), k.Unit)
	if due.Before(k.Due) {
		due = k.Due // a pause never brings a deadline forward (an overdue clock paused on a weekend)
	}
	gap := c.Between(k.WarnFrom, k.Due, k.Unit) // the warning keeps its distance to the due date
	warn := c.Due(due, -gap, k.Unit)
	warn = maxDate(warn, k.WarnFrom)
	if warn.After(due) {
		warn = due
	}
	k.PausedDays += c.Between(k.Due, due, k.Unit)
	k.Due, k.WarnFrom = due, warn
	return k, nil
}

func maxDate(a, b Date) Date {
	if a.After(b) {
		return a
	}
	return b
}

// today is the day the clock is read on: the pause day while paused.
func (k Clock) today(now time.Time) Date {
	if k.PausedAt != nil {
		return DateOf(*k.PausedAt)
	}
	return DateOf(now)
}

// State returns the clock's state at now: overdue after DueDate, warning
// from WarnDate, else normal. While paused it is the state on the pause day.
func (k Clock) State(c *Calendar, now time.Time) State {
	d := k.today(now)
	switch {
	case d.After(k.Due):
		return Overdue
	case !d.Before(k.WarnFrom):
		return Warning
	}
	return Normal
}

// Remaining returns the units left after today until DueDate: 0 on the due
// day, negative when overdue (-1 at least, even on a weekend after the due
// date, so a negative number always means overdue). While paused it is
// the value on the pause day.
func (k Clock) Remaining(c *Calendar, now time.Time) int {
	return k.remainingOn(c, k.today(now))
}

func (k Clock) remainingOn(c *Calendar, d Date) int {
	r := c.Between(d, k.Due, k.Unit)
	if d.After(k.Due) && r > -1 {
		r = -1
	}
	return r
}
