package calendar

import (
	"math/rand/v2"
	"testing"
	"time"
)

// The counting arithmetic must agree with the definitions it replaces:
// a walk day by day over IsWorkingDay's rules.
func naiveIsWorkingDay(c *Calendar, d Date) bool {
	if yr := c.year(d.Y); yr != nil {
		if _, ok := yr.workdays[d]; ok {
			return true
		}
		if _, ok := yr.holidays[d]; ok {
			return false
		}
	}
	wd := d.Time(time.UTC).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

func naiveBetween(c *Calendar, a, b Date) int {
	if b.Before(a) {
		return -naiveBetween(c, b, a)
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if naiveIsWorkingDay(c, d) {
			n++
		}
	}
	return n
}

func naiveAdd(c *Calendar, from Date, n int) Date {
	d := from
	for n > 0 {
		d = d.AddDays(1)
		if naiveIsWorkingDay(c, d) {
			n--
		}
	}
	return d
}

func TestDayNumMatchesTimePackage(t *testing.T) {
	for n := -800000; n <= 800000; n += 37 {
		tm := time.Unix(int64(n)*86400, 0).UTC()
		d := Date{Y: tm.Year(), M: tm.Month(), D: tm.Day()}
		if got := d.dayNum(); got != n {
			t.Fatalf("%v: dayNum %d, want %d", d, got, n)
		}
		if got := fromDayNum(n); got != d {
			t.Fatalf("fromDayNum(%d) = %v, want %v", n, got, d)
		}
	}
}

func TestCountingMatchesWalk(t *testing.T) {
	cals := map[string]*Calendar{"bundled": Default(), "none": nil, "empty": {}}
	r := rand.New(rand.NewPCG(1, 2))
	start := NewDate(2019, 6, 1) // before the data, across it, and after it
	for name, c := range cals {
		for range 3000 {
			a := start.AddDays(r.IntN(3000))
			b := a.AddDays(r.IntN(400) - 100)
			if got, want := c.WorkingDaysBetween(a, b), naiveBetween(c, a, b); got != want {
				t.Fatalf("%s: WorkingDaysBetween(%v, %v) = %d, want %d", name, a, b, got, want)
			}
			if got, want := c.IsWorkingDay(a), naiveIsWorkingDay(c, a); got != want {
				t.Fatalf("%s: IsWorkingDay(%v) = %v, want %v", name, a, got, want)
			}
			n := 1 + r.IntN(300)
			if got, want := c.AddWorkingDays(a, n), naiveAdd(c, a, n); got != want {
				t.Fatalf("%s: AddWorkingDays(%v, %d) = %v, want %v", name, a, n, got, want)
			}
		}
	}
}
