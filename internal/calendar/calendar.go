package calendar

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

//go:embed holidays/*.yaml
var bundled embed.FS

// Calendar says which days are working days. It is immutable: WithYear
// returns a new Calendar, so one value can be shared by every goroutine and
// swapped atomically when an administrator imports a year. A nil *Calendar
// is usable and knows no holidays (Monday–Friday).
type Calendar struct {
	years map[int]*year
	// adj lists, in date order, every listed day that changes what its
	// weekday alone would say (a holiday on a weekday: −1; a make-up day
	// on a weekend: +1) with the running sum, so counting working days is
	// arithmetic plus one binary search instead of a walk day by day (the
	// to-do list computes two counts per task on every page).
	adj []adjustment
}

type adjustment struct {
	day int // days since 1970-01-01
	sum int // sum of the deltas of this and every earlier entry
}

// index builds adj from the years; call it on every new Calendar.
func (c *Calendar) index() *Calendar {
	type delta struct{ day, d int }
	var ds []delta
	for _, yr := range c.years {
		for d := range yr.holidays {
			if isWeekday(d.dayNum()) {
				ds = append(ds, delta{d.dayNum(), -1})
			}
		}
		for d := range yr.workdays {
			if !isWeekday(d.dayNum()) {
				ds = append(ds, delta{d.dayNum(), +1})
			}
		}
	}
	slices.SortFunc(ds, func(a, b delta) int { return a.day - b.day })
	c.adj = make([]adjustment, len(ds))
	sum := 0
	for i, d := range ds {
		sum += d.d
		c.adj[i] = adjustment{day: d.day, sum: sum}
	}
	return c
}

// isWeekday reports whether day number n is Monday to Friday.
func isWeekday(n int) bool {
	wd := (n%7 + 7 + 4) % 7 // 1970-01-01 was a Thursday (4)
	return wd != 0 && wd != 6
}

// weekdaysBefore counts the Mondays to Fridays with day numbers below n.
func weekdaysBefore(n int) int {
	m := n + 3 // 1969-12-29, day −3, was a Monday: count from there
	w, r := m/7, m%7
	if r < 0 {
		w, r = w-1, r+7
	}
	return 5*w + min(r, 5)
}

// workingThrough returns the working days up to and including day number
// n, counted from a fixed origin: only differences mean anything.
func (c *Calendar) workingThrough(n int) int {
	w := weekdaysBefore(n + 1)
	if c == nil {
		return w
	}
	// The last adjustment on or before n.
	i, _ := slices.BinarySearchFunc(c.adj, n+1, func(a adjustment, t int) int { return a.day - t })
	if i > 0 {
		w += c.adj[i-1].sum
	}
	return w
}

// year is one imported YearFile in look-up form; never modified once built.
type year struct {
	file     YearFile        // normalized, for Export
	holidays map[Date]string // date → festival
	workdays map[Date]string // date → festival whose make-up day it is
}

// defaultCalendar parses the embedded years once. The data is checked by
// the package tests, so a failure here is a build defect: panic.
var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := Load(bundled, "holidays")
	if err != nil {
		panic("calendar: bundled data: " + err.Error())
	}
	return c
})

// Default returns the calendar built from the bundled schedules for
// 2020–2026. Administrators' imports are laid over it with WithYear.
func Default() *Calendar { return defaultCalendar() }

// Load builds a calendar from every *.yaml file in dir of fsys, one year
// per file.
func Load(fsys fs.FS, dir string) (*Calendar, error) {
	names, err := fs.Glob(fsys, dir+"/*.yaml")
	if err != nil {
		return nil, apperr.Wrap(err, "list calendar files")
	}
	c := &Calendar{years: map[int]*year{}}
	for _, n := range names {
		f, err := fsys.Open(n)
		if err != nil {
			return nil, apperr.Wrap(err, "open calendar file "+n)
		}
		yf, err := ParseYearFile(n, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		if _, dup := c.years[yf.Year]; dup {
			return nil, apperr.Newf(apperr.Invalid, "calendar.year_twice", "%d 年的安排出现在两个文件中（%s）", "year %d appears in two files (%s)", yf.Year, n)
		}
		c.years[yf.Year] = buildYear(yf)
	}
	return c.index(), nil
}

func buildYear(yf YearFile) *year {
	y := &year{file: yf.normalized(), holidays: map[Date]string{}, workdays: map[Date]string{}}
	for _, e := range y.file.Holidays {
		y.holidays[e.Date] = e.Name
	}
	for _, e := range y.file.Workdays {
		y.workdays[e.Date] = e.Name
	}
	return y
}

// WithYear returns a new calendar with yf in force. A year already present
// is replaced as a whole: re-importing is how a published correction (or
// an extension such as 2020's Spring Festival) is applied. c is unchanged.
func (c *Calendar) WithYear(yf YearFile) (*Calendar, error) {
	if err := yf.Validate(); err != nil {
		return nil, err
	}
	n := &Calendar{years: map[int]*year{}}
	if c != nil {
		n.years = maps.Clone(c.years) // years are immutable: sharing them is safe
	}
	n.years[yf.Year] = buildYear(yf)
	return n.index(), nil
}

// Export returns the schedule of one year in date order, and false if the
// calendar has no data for it.
func (c *Calendar) Export(y int) (YearFile, bool) {
	yr := c.year(y)
	if yr == nil {
		return YearFile{}, false
	}
	f := yr.file
	f.Holidays, f.Workdays = slices.Clone(f.Holidays), slices.Clone(f.Workdays)
	return f, true
}

// Years returns the years the calendar has data for, ascending.
func (c *Calendar) Years() []int {
	if c == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(c.years))
}

func (c *Calendar) year(y int) *year {
	if c == nil {
		return nil
	}
	return c.years[y]
}

// Covers reports whether the calendar has the published schedule for d's
// year. Outside it, Monday–Friday are assumed and callers may warn.
func (c *Calendar) Covers(d Date) bool { return c.year(d.Y) != nil }

// IsWorkingDay reports whether d is a working day: a make-up day, or a
// Monday–Friday that is not a holiday.
func (c *Calendar) IsWorkingDay(d Date) bool {
	if yr := c.year(d.Y); yr != nil {
		if _, ok := yr.workdays[d]; ok {
			return true
		}
		if _, ok := yr.holidays[d]; ok {
			return false
		}
	}
	return isWeekday(d.dayNum())
}

// Holiday returns the festival d belongs to if d is a listed holiday.
func (c *Calendar) Holiday(d Date) (string, bool) {
	if yr := c.year(d.Y); yr != nil {
		n, ok := yr.holidays[d]
		return n, ok
	}
	return "", false
}

// StartOfDay returns the instant d begins in the city's time zone, for
// timers that fire "on" a date.
func (c *Calendar) StartOfDay(d Date) time.Time { return d.Time(Location()) }

// AddWorkingDays returns the n-th working day after from. The day of
// acceptance does not count: day 1 is the next working day, so a Friday
// plus 1 is the next working Monday (or a make-up Saturday). n = 0 returns
// from itself. A negative n counts back: the result is the latest working
// day d with -n working days in (d, from], the inverse of WorkingDaysBetween.
func (c *Calendar) AddWorkingDays(from Date, n int) Date {
	if n > 0 {
		// The first day whose count since from reaches n: a working day,
		// since the count only grows on working days. Widen the window
		// until it holds the answer, then bisect.
		f := from.dayNum()
		base := c.workingThrough(f)
		lo, hi := f, f+2*n+14
		for c.workingThrough(hi)-base < n {
			lo, hi = hi, hi+2*n+14
		}
		for hi-lo > 1 { // invariant: count(lo) < n <= count(hi)
			mid := lo + (hi-lo)/2
			if c.workingThrough(mid)-base >= n {
				hi = mid
			} else {
				lo = mid
			}
		}
		return fromDayNum(hi)
	}
	d := from
	for n < 0 {
		if c.IsWorkingDay(d) {
			n++
		}
		d = d.AddDays(-1)
	}
	if d != from {
		for !c.IsWorkingDay(d) {
			d = d.AddDays(-1)
		}
	}
	return d
}

// AddNaturalDays returns from plus n calendar days. A due date that falls
// on a holiday is not moved.
func (c *Calendar) AddNaturalDays(from Date, n int) Date { return from.AddDays(n) }

// WorkingDaysBetween returns the number of working days in (a, b]: the
// working days elapsed from a to b, or left from a until b. It is negative
// when b is before a (minus the working days in (b, a]).
func (c *Calendar) WorkingDaysBetween(a, b Date) int {
	return c.workingThrough(b.dayNum()) - c.workingThrough(a.dayNum())
}

// Unit is the unit of a time limit.
type Unit string

// Time limit units. Administrative licensing periods are working days
// (行政许可法 Art. 82); some laws count natural days.
const (
	WorkingDays Unit = "WD" // 工作日
	NaturalDays Unit = "ND" // 自然日
)

// ParseUnit reads "WD" or "ND" (any case, or 工作日 / 自然日).
func ParseUnit(s string) (Unit, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "WD", "工作日":
		return WorkingDays, nil
	case "ND", "自然日":
		return NaturalDays, nil
	}
	return "", apperr.Newf(apperr.Invalid, "calendar.unit",
		"时限单位 %q 无效，应为 WD（工作日）或 ND（自然日）", "unit %q is invalid: want WD (working days) or ND (natural days)", s).
		WithField("unit", "invalid", "应为 WD 或 ND", "want WD or ND")
}

// ZH returns the unit's Chinese name.
func (u Unit) ZH() string {
	if u == NaturalDays {
		return "自然日"
	}
	return "工作日"
}

// Due returns the last day of a limit of n units counted from from (the
// acceptance day, which does not count). Any unit but ND counts working
// days, the legal default, so a task stored without a unit is still right.
func (c *Calendar) Due(from Date, n int, u Unit) Date {
	if u == NaturalDays {
		return c.AddNaturalDays(from, n)
	}
	return c.AddWorkingDays(from, n)
}

// Between returns the units in (a, b] for unit u, negative when b is
// before a: the working (or natural) days elapsed or left.
func (c *Calendar) Between(a, b Date, u Unit) int {
	if u == NaturalDays {
		return daysBetween(a, b)
	}
	return c.WorkingDaysBetween(a, b)
}

// String describes the calendar for logs: the years it covers.
func (c *Calendar) String() string {
	ys := c.Years()
	if len(ys) == 0 {
		return "calendar (Monday–Friday only)"
	}
	return fmt.Sprintf("calendar %d–%d (%d years)", ys[0], ys[len(ys)-1], len(ys))
}
