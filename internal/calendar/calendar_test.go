package calendar

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/apperr"
)

func TestAddWorkingDays(t *testing.T) {
	c := Default()
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"zero is the day itself", "2025-03-07", 0, "2025-03-07"},
		{"Friday plus one is Monday", "2025-03-07", 1, "2025-03-10"},
		{"Monday plus five is next Monday", "2025-03-03", 5, "2025-03-10"},
		{"Saturday acceptance starts Monday", "2025-03-08", 1, "2025-03-10"},
		{"into Spring Festival 2025 with make-up Saturday", "2025-01-24", 2, "2025-01-27"},
		{"Spring Festival 2025 skipped", "2025-01-27", 1, "2025-02-05"},
		{"Spring Festival 2025 then make-up Saturday", "2025-02-07", 1, "2025-02-08"},
		{"make-up Sunday 2024-02-04 counts", "2024-02-02", 1, "2024-02-04"},
		{"Spring Festival 2024 skipped to make-up Sunday", "2024-02-08", 2, "2024-02-18"},
		{"National Day 2024", "2024-09-30", 1, "2024-10-08"},
		{"National Day 2024 make-up Saturday", "2024-10-11", 1, "2024-10-12"},
		{"National Day 2023 make-up weekend", "2023-09-28", 2, "2023-10-08"},
		{"COVID extension 2020", "2020-01-23", 1, "2020-02-03"},
		{"year boundary 2024", "2024-12-31", 1, "2025-01-02"},
		{"year boundary 2025 into 2026", "2025-12-31", 3, "2026-01-06"},
		{"2026 New Year make-up Sunday", "2025-12-31", 1, "2026-01-04"},
		{"beyond the data: Monday–Friday", "2030-05-03", 1, "2030-05-06"},
		{"back one from Monday", "2025-03-10", -1, "2025-03-07"},
		{"back over Spring Festival 2025", "2025-02-05", -1, "2025-01-27"},
		{"back from a Sunday", "2025-03-09", -1, "2025-03-06"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkingDays(MustParseDate(tt.from), tt.n)
			if got.String() != tt.want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
			if tt.n != 0 {
				if back := c.WorkingDaysBetween(MustParseDate(tt.from), got); back != tt.n {
					t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, got, back, tt.n)
				}
			}
		})
	}
}

func TestDue(t *testing.T) {
	c := Default()
	tests := []struct {
		from string
		n    int
		unit Unit
		want string
	}{
		// 2025 National Day and Mid-Autumn ran Oct 1–8; Sep 28 (Sun) and Oct 11 (Sat) were worked.
		{"2025-09-30", 5, WorkingDays, "2025-10-14"},
		{"2025-09-26", 1, WorkingDays, "2025-09-28"},
		{"2025-09-30", 5, NaturalDays, "2025-10-05"}, // natural days do not skip holidays
		{"2025-09-30", 20, WorkingDays, "2025-11-04"},
		{"2025-09-30", 5, "", "2025-10-14"}, // no unit: working days
	}
	for _, tt := range tests {
		if got := c.Due(MustParseDate(tt.from), tt.n, tt.unit); got.String() != tt.want {
			t.Errorf("Due(%s, %d, %q) = %s, want %s", tt.from, tt.n, tt.unit, got, tt.want)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := Default()
	tests := []struct {
		a, b string
		want int
	}{
		{"2025-03-03", "2025-03-03", 0},
		{"2025-03-03", "2025-03-10", 5},
		{"2025-03-10", "2025-03-03", -5},
		{"2025-03-07", "2025-03-09", 0},   // only a weekend after Friday
		{"2025-09-30", "2025-10-10", 2},   // Oct 9, Oct 10
		{"2025-09-27", "2025-10-11", 6},   // Sep 28 (make-up Sunday), 29, 30, Oct 9, 10, 11 (make-up Saturday)
		{"2024-12-31", "2025-12-31", 248}, // 261 weekdays minus 13 net days off
	}
	for _, tt := range tests {
		if got := c.WorkingDaysBetween(MustParseDate(tt.a), MustParseDate(tt.b)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCoversAndFallback(t *testing.T) {
	c := Default()
	if !c.Covers(MustParseDate("2020-01-01")) || !c.Covers(MustParseDate("2026-12-31")) {
		t.Error("bundled years 2020–2026 not covered")
	}
	if c.Covers(MustParseDate("2019-12-31")) || c.Covers(MustParseDate("2027-01-01")) {
		t.Error("years without data reported as covered")
	}
	// 2027-10-01 is a Friday: without data it is an ordinary working day.
	if !c.IsWorkingDay(MustParseDate("2027-10-01")) || c.IsWorkingDay(MustParseDate("2027-10-02")) {
		t.Error("fallback is not Monday–Friday")
	}
	var none *Calendar
	if !none.IsWorkingDay(MustParseDate("2025-01-28")) || none.Covers(MustParseDate("2025-01-28")) || len(none.Years()) != 0 {
		t.Error("a nil calendar should know no holidays")
	}
	if name, ok := c.Holiday(MustParseDate("2025-01-29")); !ok || name != "春节" {
		t.Errorf("Holiday(2025-01-29) = %q, %v", name, ok)
	}
}

func mustYear(t *testing.T, src string) YearFile {
	t.Helper()
	yf, err := ParseYearFile("test.yaml", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return yf
}

func TestWithYearCopyOnWriteAndReplace(t *testing.T) {
	base := Default()
	y2027 := mustYear(t, `
year: 2027
holidays:
  - {date: 2027-10-01, name: 国庆节}
workdays:
  - {date: 2027-09-26, name: 国庆节}
`)
	next, err := base.WithYear(y2027)
	if err != nil {
		t.Fatal(err)
	}
	d := MustParseDate("2027-10-01")
	if base.Covers(d) || !base.IsWorkingDay(d) {
		t.Error("WithYear changed the original calendar")
	}
	if !next.Covers(d) || next.IsWorkingDay(d) || !next.IsWorkingDay(MustParseDate("2027-09-26")) {
		t.Error("the new calendar does not use the imported year")
	}
	if got, want := next.Years(), []int{2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027}; !cmp.Equal(got, want) {
		t.Errorf("Years() = %v, want %v", got, want)
	}
	// A correction replaces the year as a whole.
	fixed, err := next.WithYear(mustYear(t, "year: 2027\nholidays: [{date: 2027-10-04, name: 国庆节}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !fixed.IsWorkingDay(d) || fixed.IsWorkingDay(MustParseDate("2027-10-04")) || fixed.IsWorkingDay(MustParseDate("2027-09-26")) {
		t.Error("re-import did not replace the year")
	}
	got, ok := fixed.Export(2027)
	want := YearFile{Year: 2027, Holidays: []Entry{{MustParseDate("2027-10-04"), "国庆节"}}, Workdays: []Entry{}}
	if !ok {
		t.Fatal("Export(2027) found nothing")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Export(2027) (-want +got):\n%s", diff)
	}
	if _, ok := fixed.Export(2019); ok {
		t.Error("Export(2019) found data")
	}
	// An invalid year changes nothing and says why.
	if _, err := base.WithYear(YearFile{Year: 2027}); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("WithYear(empty year) = %v, want invalid", err)
	}
	var nilCal *Calendar
	if c, err := nilCal.WithYear(y2027); err != nil || !c.Covers(d) {
		t.Errorf("WithYear on nil calendar: %v", err)
	}
}

func TestExportIsACopy(t *testing.T) {
	c := Default()
	a, _ := c.Export(2025)
	a.Holidays[0].Name = "changed"
	b, _ := c.Export(2025)
	if b.Holidays[0].Name != "元旦" {
		t.Errorf("Export shares its slices: %q", b.Holidays[0].Name)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := Default()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := NewDate(2025, 1, 1+i)
			_ = c.AddWorkingDays(from, 30)
			_, _ = c.WithYear(YearFile{Year: 2030 + i, Holidays: []Entry{{NewDate(2030+i, 1, 1), "元旦"}}})
		}()
	}
	wg.Wait()
}

func TestParseUnit(t *testing.T) {
	tests := []struct {
		in      string
		want    Unit
		wantErr bool
	}{
		{"WD", WorkingDays, false},
		{"nd", NaturalDays, false},
		{" 工作日 ", WorkingDays, false},
		{"自然日", NaturalDays, false},
		{"", "", true},
		{"days", "", true},
	}
	for _, tt := range tests {
		got, err := ParseUnit(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseUnit(%q) = %q, %v; want %q, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil {
			ae := apperr.As(err)
			if ae.Code != apperr.Invalid || !strings.Contains(ae.ZH, "WD（工作日）") || !strings.Contains(ae.EN, "want WD") {
				t.Errorf("ParseUnit(%q) error = %+v", tt.in, ae)
			}
		}
	}
}

func TestStartOfDay(t *testing.T) {
	got := Default().StartOfDay(MustParseDate("2025-03-03"))
	if want := time.Date(2025, 3, 2, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("StartOfDay = %s, want %s", got, want)
	}
}
