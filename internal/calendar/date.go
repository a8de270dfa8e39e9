package calendar

import (
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // the city's zone must resolve on hosts without tzdata

	"github.com/tongban/tongban/internal/apperr"
)

// Date is a civil date with no time zone: the unit every deadline is
// counted in. The zero Date means "no date" and prints as "".
type Date struct {
	Y int
	M time.Month
	D int
}

// dateLayout is the one written form of a Date, in files, JSON and the CLI.
const dateLayout = "2006-01-02"

// ParseDate reads a date written YYYY-MM-DD and rejects dates that do not
// exist (2025-02-30) with a bilingual error.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, apperr.Newf(apperr.Invalid, "date.invalid",
			"日期 %q 无效，应为真实存在的日期，格式 YYYY-MM-DD", "date %q is invalid: want a real date written YYYY-MM-DD", s)
	}
	return dateOfTime(t), nil
}

// MustParseDate is ParseDate for constants in code and tests; it panics on
// a bad date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// NewDate returns the date y-m-d, normalising overflow the way time.Date
// does (January 32 is February 1).
func NewDate(y int, m time.Month, d int) Date {
	return dateOfTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

func dateOfTime(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Y: y, M: m, D: d}
}

// cityLocation loads Asia/Shanghai once. The fixed +08:00 fallback is the
// same offset (China has had no daylight saving since 1991), so nothing
// changes if tzdata is missing.
var cityLocation = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
})

// Location returns the city's time zone, Asia/Shanghai, in which instants
// become dates.
func Location() *time.Location { return cityLocation() }

// DateOf returns the date of instant t in the city's time zone: 2025-03-02
// 17:00 UTC is already 2025-03-03 in Xiamen.
func DateOf(t time.Time) Date { return dateOfTime(t.In(Location())) }

// String returns the date as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Y, int(d.M), d.D)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight at the start of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, loc)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time(time.UTC).Weekday() }

// AddDays returns d moved by n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return NewDate(d.Y, d.M, d.D+n) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Y != e.Y:
		return cmpInt(d.Y, e.Y)
	case d.M != e.M:
		return cmpInt(int(d.M), int(e.M))
	default:
		return cmpInt(d.D, e.D)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// dayNum returns the number of days since 1970-01-01 of a normalized date
// in the proleptic Gregorian calendar, by arithmetic (days-from-civil):
// deadline arithmetic runs it for every task on every to-do page.
func (d Date) dayNum() int {
	y, m := d.Y, int(d.M)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400                    // [0, 399]
	doy := (153*((m+9)%12)+2)/5 + d.D - 1 // [0, 365], from March 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// fromDayNum is the inverse of dayNum.
func fromDayNum(n int) Date {
	n += 719468
	era := n / 146097
	if n < 0 && n%146097 != 0 {
		era--
	}
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{Y: y, M: time.Month(m), D: day}
}

// daysBetween returns b minus a in calendar days.
func daysBetween(a, b Date) int { return b.dayNum() - a.dayNum() }

// MarshalText writes the date as YYYY-MM-DD (JSON and YAML use it, so a
// Date is a plain string on the wire).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; the empty string is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
