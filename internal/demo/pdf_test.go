package demo

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"testing"
)

// The sample PDF is well formed: every cross-reference entry points at its
// object, startxref at the table, and text is escaped.
func TestSamplePDF(t *testing.T) {
	b := SamplePDF("Title (draft)", `back\slash`, "中文 is replaced")
	if !bytes.HasPrefix(b, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Fatalf("header or trailer missing:\n%s", b)
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[xref:], []byte("xref\n0 6\n")) {
		t.Fatalf("startxref %d does not point at the table: %q", xref, b[xref:min(len(b), xref+12)])
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(b[xref:], -1)
	if len(entries) != 5 {
		t.Fatalf("%d in-use entries, want 5", len(entries))
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("entry %d → %q, want %q", i+1, b[off:min(len(b), off+10)], want)
		}
	}
	for _, want := range []string{`(Title \(draft\)) Tj`, `(back\\slash) Tj`, `(?? is replaced) Tj`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("content lacks %s", want)
		}
	}
	if bytes.Equal(SamplePDF("a"), SamplePDF("b")) {
		t.Error("different text, same file")
	}
}
