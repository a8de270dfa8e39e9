package blob

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDetect checks that detection of arbitrary uploads never panics and
// always answers one of the catalog's format names.
func FuzzDetect(f *testing.F) {
	f.Add([]byte(minimalPDF))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00OFD.xml"))
	f.Add([]byte("AC1032"))
	f.Fuzz(func(t *testing.T, b []byte) {
		format, mime := Detect(b)
		if _, ok := formatNames[format]; !ok || mime == "" {
			t.Fatalf("Detect: got %q, %q", format, mime)
		}
		if format == FormatZIP {
			_, _, _ = refineZip(strings.NewReader(string(b)), int64(len(b)))
		}
	})
}

// FuzzCleanFileName checks the promises of CleanFileName on any input.
func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{"../../etc/passwd", `C:\x\..\y.pdf`, "a\x00b.pdf", "申请表.pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanFileName(s)
		if got == "" || !utf8.ValidString(got) || utf8.RuneCountInString(got) > MaxFileNameRunes ||
			strings.ContainsAny(got, "/\\\x00") || strings.Contains(got, "..") || strings.HasPrefix(got, ".") {
			t.Fatalf("CleanFileName(%q) = %q", s, got)
		}
	})
}
