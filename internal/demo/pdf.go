package demo

import (
	"bytes"
	"fmt"
	"strings"
)

// SamplePDF returns a small, well-formed one-page A4 PDF (PDF 1.4, with a
// cross-reference table) showing the given lines in Helvetica, so demo
// materials open in a browser's PDF viewer. Text is ASCII: characters
// outside printable ASCII are replaced by '?' (a CJK font would have to be
// embedded; certificates will do that).
func SamplePDF(lines ...string) []byte {
	var content bytes.Buffer
	content.WriteString("BT\n/F1 20 Tf\n72 770 Td\n24 TL\n")
	for i, l := range lines {
		if i == 1 {
			content.WriteString("/F1 12 Tf\n18 TL\n")
		}
		fmt.Fprintf(&content, "(%s) Tj T*\n", pdfText(l))
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pdfText escapes a line for a PDF literal string.
func pdfText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
