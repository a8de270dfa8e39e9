package calendar

import (
	"testing"
	"time"
)

// TestKnownFacts pins a handful of days per year from the State Council
// notices, including the ones people get wrong.
func TestKnownFacts(t *testing.T) {
	c := Default()
	tests := []struct {
		date    string
		working bool
		why     string
	}{
		{"2020-01-01", false, "元旦"},
		{"2020-01-19", true, "春节 make-up Sunday"},
		{"2020-01-31", false, "春节 extended for COVID-19"},
		{"2020-02-01", false, "make-up Saturday cancelled by the extension"},
		{"2020-02-02", false, "last day of the extended 春节"},
		{"2020-02-03", true, "work resumed"},
		{"2020-06-28", true, "端午 make-up Sunday"},
		{"2020-10-08", false, "国庆中秋"},
		{"2020-10-10", true, "国庆 make-up Saturday"},
		{"2021-02-07", true, "春节 make-up Sunday"},
		{"2021-02-17", false, "春节"},
		{"2021-02-20", true, "春节 make-up Saturday"},
		{"2021-09-18", true, "中秋 make-up Saturday"},
		{"2021-09-20", false, "中秋"},
		{"2021-10-09", true, "国庆 make-up Saturday"},
		{"2022-01-29", true, "春节 make-up Saturday"},
		{"2022-01-30", true, "春节 make-up Sunday"},
		{"2022-04-02", true, "清明 make-up Saturday"},
		{"2022-04-05", false, "清明"},
		{"2022-05-04", false, "劳动节"},
		{"2022-10-08", true, "国庆 make-up Saturday"},
		{"2022-10-09", true, "国庆 make-up Sunday"},
		{"2023-01-02", false, "元旦 (run began 2022-12-31)"},
		{"2023-01-28", true, "春节 make-up Saturday"},
		{"2023-04-05", false, "清明"},
		{"2023-06-23", false, "端午"},
		{"2023-06-25", true, "端午 make-up Sunday"},
		{"2023-10-06", false, "中秋国庆"},
		{"2023-10-07", true, "国庆 make-up Saturday"},
		{"2023-10-08", true, "国庆 make-up Sunday"},
		{"2024-02-04", true, "春节 make-up Sunday"},
		{"2024-02-09", true, "除夕 is a working Friday in 2024"},
		{"2024-02-16", false, "春节"},
		{"2024-02-18", true, "春节 make-up Sunday"},
		{"2024-04-07", true, "清明 make-up Sunday"},
		{"2024-05-11", true, "劳动节 make-up Saturday"},
		{"2024-06-10", false, "端午"},
		{"2024-09-14", true, "中秋 make-up Saturday"},
		{"2024-10-12", true, "国庆 make-up Saturday"},
		{"2025-01-26", true, "春节 make-up Sunday"},
		{"2025-01-28", false, "除夕, a holiday from 2025"},
		{"2025-02-04", false, "春节 (8 days)"},
		{"2025-02-08", true, "春节 make-up Saturday"},
		{"2025-04-27", true, "劳动节 make-up Sunday"},
		{"2025-05-05", false, "劳动节"},
		{"2025-06-02", false, "端午"},
		{"2025-09-28", true, "国庆 make-up Sunday"},
		{"2025-10-08", false, "国庆中秋"},
		{"2025-10-11", true, "国庆 make-up Saturday"},
		{"2026-01-02", false, "元旦"},
		{"2026-01-04", true, "元旦 make-up Sunday"},
		{"2026-02-14", true, "春节 make-up Saturday"},
		{"2026-02-23", false, "春节 (9 days)"},
		{"2026-02-28", true, "春节 make-up Saturday"},
		{"2026-04-06", false, "清明"},
		{"2026-05-05", false, "劳动节"},
		{"2026-05-09", true, "劳动节 make-up Saturday"},
		{"2026-06-19", false, "端午"},
		{"2026-09-20", true, "国庆 make-up Sunday"},
		{"2026-09-25", false, "中秋"},
		{"2026-10-07", false, "国庆"},
		{"2026-10-10", true, "国庆 make-up Saturday"},
		{"2026-10-12", true, "an ordinary Monday"},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(MustParseDate(tt.date)); got != tt.working {
			t.Errorf("IsWorkingDay(%s) = %v, want %v (%s)", tt.date, got, tt.working, tt.why)
		}
	}
}

// TestYearSanity checks each bundled year as a whole. Statutory holidays
// that fall on a weekend are compensated with a weekday off, so the net
// weekdays lost (weekday holidays minus make-up days) equal the statutory
// holiday days: 11 until 2024, 13 from 2025 (除夕 and May 2 added); 2020
// lost two more to the COVID-19 extension.
func TestYearSanity(t *testing.T) {
	c := Default()
	netWant := map[int]int{2020: 13, 2021: 11, 2022: 11, 2023: 11, 2024: 11, 2025: 13, 2026: 13}
	festivals := map[string]bool{"元旦": true, "春节": true, "清明节": true, "劳动节": true, "端午节": true, "中秋节": true, "国庆节": true,
		"国庆节、中秋节": true, "中秋节、国庆节": true}
	if got, want := len(c.Years()), len(netWant); got != want {
		t.Fatalf("%d bundled years %v, want %d", got, c.Years(), want)
	}
	for y, want := range netWant {
		yf, ok := c.Export(y)
		if !ok {
			t.Errorf("no data for %d", y)
			continue
		}
		weekdayOff := 0
		for _, h := range yf.Holidays {
			if !festivals[h.Name] {
				t.Errorf("%s: unknown festival %q", h.Date, h.Name)
			}
			if wd := h.Date.Weekday(); wd != time.Saturday && wd != time.Sunday {
				weekdayOff++
			}
		}
		if weekdayOff < 7 || weekdayOff > 20 {
			t.Errorf("%d: %d weekday holidays, outside 7–20", y, weekdayOff)
		}
		if n := len(yf.Workdays); n > 8 {
			t.Errorf("%d: %d make-up days, more than 8", y, n)
		}
		if got := weekdayOff - len(yf.Workdays); got != want {
			t.Errorf("%d: net weekdays off %d, want %d", y, got, want)
		}
		// Every year has the big runs.
		runs := map[string]int{}
		for _, h := range yf.Holidays {
			runs[h.Name]++
		}
		if runs["春节"] < 7 {
			t.Errorf("%d: Spring Festival has %d days, want at least 7", y, runs["春节"])
		}
		if runs["国庆节"]+runs["国庆节、中秋节"]+runs["中秋节、国庆节"] < 7 {
			t.Errorf("%d: National Day run shorter than 7 days", y)
		}
		// Working days in a year: 365/366 minus 104–105 weekend days minus the net days off.
		first, last := NewDate(y, 1, 1), NewDate(y, 12, 31)
		if wd := c.WorkingDaysBetween(first.AddDays(-1), last); wd < 365-106-want || wd > 366-104-want {
			t.Errorf("%d: %d working days", y, wd)
		}
	}
}
