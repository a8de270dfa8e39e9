package calendar

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apperr"
)

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2024-02-29")
	if err != nil || d != (Date{2024, time.February, 29}) || d.String() != "2024-02-29" {
		t.Errorf("ParseDate(2024-02-29) = %v, %v", d, err)
	}
	for _, in := range []string{"", "2025-02-30", "2023-02-29", "2025-13-01", "2025-1-5", "2025/01/05", "20250105", "2025-01-05T00:00:00Z", "tomorrow"} {
		_, err := ParseDate(in)
		ae := apperr.As(err)
		if ae.Code != apperr.Invalid || ae.Key != "date.invalid" || !strings.Contains(ae.ZH, "YYYY-MM-DD") || !strings.Contains(ae.EN, "YYYY-MM-DD") {
			t.Errorf("ParseDate(%q) = %v, want a bilingual invalid-date error", in, err)
		}
	}
}

func TestDateOf(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2025, 3, 2, 15, 59, 0, 0, time.UTC), "2025-03-02"},
		{time.Date(2025, 3, 2, 16, 0, 0, 0, time.UTC), "2025-03-03"}, // midnight in Xiamen
		{time.Date(2025, 3, 3, 0, 30, 0, 0, time.FixedZone("CST", 8*3600)), "2025-03-03"},
		{time.Date(2025, 3, 2, 20, 0, 0, 0, time.FixedZone("EST", -5*3600)), "2025-03-03"},
	}
	for _, tt := range tests {
		if got := DateOf(tt.t).String(); got != tt.want {
			t.Errorf("DateOf(%s) = %s, want %s", tt.t, got, tt.want)
		}
	}
	if off := time.Date(2025, 7, 1, 0, 0, 0, 0, Location()).Sub(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)); off != -8*time.Hour {
		t.Errorf("city offset %s, want +08:00", -off)
	}
}

func TestDateArithmetic(t *testing.T) {
	d := MustParseDate("2024-12-31")
	if got := d.AddDays(1).String(); got != "2025-01-01" {
		t.Errorf("AddDays(1) = %s", got)
	}
	if got := d.AddDays(-366).String(); got != "2023-12-31" {
		t.Errorf("AddDays(-366) = %s", got)
	}
	if !d.Before(d.AddDays(1)) || !d.AddDays(1).After(d) || d.Compare(d) != 0 {
		t.Error("comparisons are wrong")
	}
	if d.Weekday() != time.Tuesday {
		t.Errorf("2024-12-31 is a %s", d.Weekday())
	}
	if got := NewDate(2025, 1, 32); got.String() != "2025-02-01" {
		t.Errorf("NewDate(2025, 1, 32) = %s", got)
	}
	var zero Date
	if !zero.IsZero() || zero.String() != "" {
		t.Errorf("zero date prints %q", zero.String())
	}
}

func TestDateJSON(t *testing.T) {
	type wrap struct {
		D Date  `json:"d"`
		P *Date `json:"p,omitempty"`
	}
	b, err := json.Marshal(wrap{D: MustParseDate("2025-10-08")})
	if err != nil || string(b) != `{"d":"2025-10-08"}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
	var w wrap
	if err := json.Unmarshal([]byte(`{"d":"2025-10-08"}`), &w); err != nil || w.D.String() != "2025-10-08" {
		t.Errorf("Unmarshal = %v, %v", w, err)
	}
	if err := json.Unmarshal([]byte(`{"d":""}`), &w); err != nil || !w.D.IsZero() {
		t.Errorf("empty string = %v, %v; want the zero date", w, err)
	}
	for _, bad := range []string{`{"d":"2025-02-30"}`, `{"d":"10/08/2025"}`, `{"d":20251008}`} {
		if err := json.Unmarshal([]byte(bad), &w); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
}

func TestMustParseDatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParseDate(bad) did not panic")
		}
	}()
	MustParseDate("2025-02-30")
}
