package calendar

import (
	"bytes"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/apperr"
)

// FuzzParseYearFile feeds arbitrary bytes to the importer: it must never
// panic, must fail only with a client-safe Invalid or TooLarge error, and a
// file it accepts must import and export unchanged.
func FuzzParseYearFile(f *testing.F) {
	for _, y := range Default().Years() {
		b, _ := bundled.ReadFile("holidays/" + strconv.Itoa(y) + ".yaml")
		f.Add(b)
	}
	f.Add([]byte("year: 2025\nholidays: [{date: 2025-02-30, name: 春节}]\n"))
	f.Add([]byte(`{"year": 2027, "holidays": [{"date": "2027-01-01", "name": "元旦"}], "workdays": []}`))
	f.Add([]byte("year: 2025\nworkdays: [{date: 2025-01-27}]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		yf, err := ParseYearFile("fuzz.yaml", bytes.NewReader(src))
		if err != nil {
			if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.TooLarge {
				t.Fatalf("error code %s: %v", c, err)
			}
			if ae := apperr.As(err); ae.ZH == "" || ae.EN == "" {
				t.Fatalf("error without both messages: %v", err)
			}
			return
		}
		c, err := Default().WithYear(yf)
		if err != nil {
			t.Fatalf("parsed file does not import: %v", err)
		}
		got, ok := c.Export(yf.Year)
		if !ok {
			t.Fatal("imported year not exported")
		}
		if diff := cmp.Diff(yf, got); diff != "" {
			t.Fatalf("export differs (-parsed +exported):\n%s", diff)
		}
	})
}
