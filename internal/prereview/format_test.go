package prereview

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// codes lists the codes of fs, in order.
func codes(fs []Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

// checkMessages fails when a finding lacks either message.
func checkMessages(t *testing.T, fs []Finding) {
	t.Helper()
	for _, f := range fs {
		if f.Message == "" || f.MessageE == "" || f.Severity == "" {
			t.Errorf("finding %s lacks a message or severity: %+v", f.Code, f)
		}
	}
}

func TestOpen(t *testing.T) {
	mustPDFTools(t)
	ctx := context.Background()
	scan := scanPDF(t, 3, 150, 80)
	jpg := jpegBytes(t, scanPage(scanOpts{dpi: 150, seed: 1, noise: 4}), 85, 150)
	pngImg := pngBytes(t, grayPage(300, 400), 0)
	zipped := zipBytes(t)
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black}), nil); err != nil {
		t.Fatal(err)
	}
	big := make([]pdfPageSpec, 2000)
	many := pdfBytes(t, big, nil)
	small := DefaultLimits()
	small.MaxBytes = 1000

	tests := []struct {
		name      string
		file      string
		data      []byte
		lim       Limits
		wantType  string
		wantPages int
		want      []string // codes, in order
		wantDoc   bool
		wantSev   Severity // of the first finding, when set
	}{
		{name: "scanned PDF", file: "scan.pdf", data: scan, wantType: "pdf", wantPages: 3, want: []string{}, wantDoc: true},
		{name: "text PDF", file: "letter.pdf", data: pdfBytes(t, []pdfPageSpec{{text: "hello"}}, nil), wantType: "pdf", wantPages: 1, want: []string{}, wantDoc: true},
		{name: "JPEG", file: "licence.jpg", data: jpg, wantType: "jpeg", wantPages: 1, want: []string{}, wantDoc: true},
		{name: "PNG without a name", file: "", data: pngImg, wantType: "png", wantPages: 1, want: []string{}, wantDoc: true},
		{name: "TIFF of three pages", file: "scan.tif", data: tiffBytes([]*image.Gray{grayPage(200, 280), grayPage(280, 200), grayPage(100, 140)}, 0), wantType: "tiff", wantPages: 3, want: []string{}, wantDoc: true},

		{name: "zero bytes", file: "a.pdf", data: nil, wantType: "unknown", want: []string{CodeCorruptFile}},
		{name: "text file named .pdf", file: "a.pdf", data: []byte("这不是 PDF，只是一段文字。\n"), wantType: "text", want: []string{CodeCorruptFile, CodeUnsupportedType}, wantSev: Error},
		{name: "text file named .txt", file: "a.txt", data: []byte("plain words\n"), wantType: "text", want: []string{CodeUnsupportedType}},
		{name: "HTML named .pdf", file: "a.pdf", data: []byte("<!DOCTYPE html><html><body>x</body></html>"), wantType: "html", want: []string{CodeCorruptFile, CodeUnsupportedType}},
		{name: "JPEG named .pdf", file: "scan.pdf", data: jpg, wantType: "jpeg", wantPages: 1, want: []string{CodeCorruptFile}, wantDoc: true, wantSev: Warning},
		{name: "ZIP", file: "a.zip", data: zipped, wantType: "zip", want: []string{CodeUnsupportedType}},
		{name: "GIF", file: "a.gif", data: gifBuf.Bytes(), wantType: "gif", want: []string{CodeUnsupportedType}},
		{name: "random bytes", file: "x.bin", data: []byte{0x01, 0x02, 0x88, 0x99, 0xfe, 0x00, 0x13, 0x37}, wantType: "unknown", want: []string{CodeUnsupportedType}},

		{name: "truncated PDF", file: "a.pdf", data: scan[:len(scan)/2], wantType: "pdf", want: []string{CodeCorruptFile}},
		{name: "PDF without its last bytes", file: "a.pdf", data: scan[:len(scan)-8], wantType: "pdf", want: []string{CodeCorruptFile}},
		{name: "PDF of garbage", file: "a.pdf", data: []byte("%PDF-1.7\n" + strings.Repeat("garbage ", 100) + "\n%%EOF\n"), wantType: "pdf", want: []string{CodeCorruptFile}},
		{name: "encrypted PDF (user password)", file: "a.pdf", data: pdfBytes(t, []pdfPageSpec{{text: "secret"}}, &[2]string{"user", "owner"}), wantType: "pdf", want: []string{CodeEncryptedPDF}},
		{name: "encrypted PDF (owner password only)", file: "a.pdf", data: pdfBytes(t, []pdfPageSpec{{text: "locked"}}, &[2]string{"", "owner"}), wantType: "pdf", wantPages: 1, want: []string{CodeEncryptedPDF}, wantDoc: true},
		{name: "2000-page PDF", file: "a.pdf", data: many, wantType: "pdf", wantPages: 2000, want: []string{CodeTooLarge}},
		{name: "over MaxBytes", file: "scan.pdf", data: scan, lim: small, wantType: "pdf", want: []string{CodeTooLarge}},

		{name: "PDF with a ZIP appended", file: "a.pdf", data: append(slices.Clone(scan), zipped...), wantType: "pdf", want: []string{CodeCorruptFile}},
		{name: "PNG with a ZIP appended", file: "a.png", data: append(slices.Clone(pngImg), zipped...), wantType: "png", want: []string{CodeCorruptFile}},
		{name: "JPEG carrying a PDF", file: "a.jpg", data: append(slices.Clone(jpg), scan...), wantType: "jpeg", want: []string{CodeCorruptFile}},
		{name: "JPEG with a PDF in its first kilobyte", file: "a.pdf", data: jpegComment(jpg, scan), wantType: "jpeg", want: []string{CodeCorruptFile, CodeCorruptFile}},
		{name: "JPEG with a script after it", file: "a.jpg", data: append(slices.Clone(jpg), "<script>alert(1)</script>"...), wantType: "jpeg", want: []string{CodeCorruptFile}},
		{name: "PDF with HTML in its header", file: "a.pdf", data: append([]byte("%PDF-1.4\n<html><script>alert(1)</script></html>\n"), scan[9:]...), wantType: "pdf", want: []string{CodeCorruptFile}},
		{name: "PDF behind a PNG", file: "a.pdf", data: append(hugePNG(8, 8)[:40], scan...), wantType: "png", want: []string{CodeCorruptFile, CodeCorruptFile}},
		{name: "PDF behind junk", file: "a.pdf", data: append([]byte("MZ\x90\x00 junk "), scan...), wantType: "pdf", want: []string{CodeCorruptFile}},

		{name: "50000 × 50000 PNG", file: "bomb.png", data: hugePNG(50000, 50000), wantType: "png", wantPages: 1, want: []string{CodeTooLarge}},
		{name: "8000 × 8000 PNG of 16-bit RGBA (512 MB decoded)", file: "deep.png", data: hugePNGOf(8000, 8000, 16, 6), wantType: "png", wantPages: 1, want: []string{CodeTooLarge}},
		{name: "9500 × 9500 progressive JPEG (coefficients over the memory bound)", file: "prog.jpg", data: progressive(hugeJPEG(t, 9500, 9500)), wantType: "jpeg", wantPages: 1, want: []string{CodeTooLarge}},
		{name: "9500 × 9500 baseline JPEG (within bounds, data short)", file: "base.jpg", data: hugeJPEG(t, 9500, 9500), wantType: "jpeg", wantPages: 1, want: []string{CodeCorruptFile}},
		{name: "50000 × 50000 JPEG", file: "bomb.jpg", data: hugeJPEG(t, 50000, 50000), wantType: "jpeg", wantPages: 1, want: []string{CodeTooLarge}},
		{name: "TIFF page over the limit", file: "bomb.tif", data: bombTIFF(), wantType: "tiff", wantPages: 2, want: []string{CodeTooLarge}},
		{name: "truncated JPEG", file: "a.jpg", data: jpg[:len(jpg)*2/3], wantType: "jpeg", wantPages: 1, want: []string{CodeCorruptFile}},
		{name: "truncated PNG", file: "a.png", data: pngImg[:len(pngImg)/2], wantType: "png", wantPages: 1, want: []string{CodeCorruptFile}},
		{name: "JPEG-compressed TIFF", file: "a.tif", data: jpegTIFF(), wantType: "tiff", wantPages: 1, want: []string{CodeUnsupportedType}},
		{name: "arithmetic-coded JPEG", file: "a.jpg", data: sof9(jpg), wantType: "jpeg", wantPages: 1, want: []string{CodeUnsupportedType}},
		{name: "TIFF with a looping IFD chain", file: "a.tif", data: loopTIFF(), wantType: "tiff", want: []string{CodeCorruptFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, st, fs := OpenStat(ctx, tt.file, tt.data, tt.lim)
			defer doc.Close()
			if diff := cmp.Diff(tt.want, codes(fs)); diff != "" {
				t.Errorf("codes (-want +got):\n%s\nfindings: %+v", diff, fs)
			}
			checkMessages(t, fs)
			if got := doc != nil; got != tt.wantDoc {
				t.Errorf("doc != nil: got %v, want %v", got, tt.wantDoc)
			}
			if st.Type != tt.wantType || st.Pages != tt.wantPages {
				t.Errorf("stat: got %+v, want type %s, %d pages", st, tt.wantType, tt.wantPages)
			}
			if doc != nil && (doc.Type != st.Type || doc.Pages != st.Pages) {
				t.Errorf("doc %s/%d, stat %+v", doc.Type, doc.Pages, st)
			}
			if tt.wantSev != "" && len(fs) > 0 && fs[0].Severity != tt.wantSev {
				t.Errorf("severity: got %s, want %s", fs[0].Severity, tt.wantSev)
			}
		})
	}
}

// bombTIFF is a two-page TIFF whose second page claims 60000 × 60000.
func bombTIFF() []byte {
	b := tiffBytes([]*image.Gray{grayPage(10, 10), grayPage(10, 10)}, 0)
	ifds, _ := tiffIFDs(b, 10)
	second := ifds[1]
	// ImageWidth and ImageLength are its first two entries (LONG).
	le := func(off uint32, v uint32) {
		b[off], b[off+1], b[off+2], b[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	le(second+2+8, 60000)
	le(second+2+12+8, 60000)
	return b
}

// jpegTIFF is a TIFF that says its strips are JPEG-compressed (7), which
// the decoder does not support.
func jpegTIFF() []byte {
	b := tiffBytes([]*image.Gray{grayPage(10, 10)}, 0)
	ifds, _ := tiffIFDs(b, 10)
	// Compression is the fourth entry (SHORT).
	b[ifds[0]+2+3*12+8] = 7
	return b
}

// jpegComment puts b in a comment segment right after the JPEG's SOI
// (at most 64 KB of it).
func jpegComment(j, b []byte) []byte {
	b = b[:min(len(b), 0xfff0)]
	out := []byte{0xff, 0xd8, 0xff, 0xfe, byte((len(b) + 2) >> 8), byte(len(b) + 2)}
	out = append(out, b...)
	return append(out, j[2:]...)
}

// progressive marks a baseline JPEG's frame as progressive (SOF2).
func progressive(j []byte) []byte {
	j = slices.Clone(j)
	i := bytes.Index(j, []byte{0xff, 0xc0})
	j[i+1] = 0xc2
	return j
}

// sof9 turns a baseline JPEG's frame header into an arithmetic-coded one.
func sof9(j []byte) []byte {
	j = slices.Clone(j)
	i := bytes.Index(j, []byte{0xff, 0xc0})
	j[i+1] = 0xc9
	return j
}

// loopTIFF is a TIFF whose second IFD points back at the first.
func loopTIFF() []byte {
	b := tiffBytes([]*image.Gray{grayPage(10, 10), grayPage(10, 10)}, 0)
	ifds, _ := tiffIFDs(b, 10)
	n := uint32(b[ifds[1]]) | uint32(b[ifds[1]+1])<<8
	next := ifds[1] + 2 + 12*n
	b[next], b[next+1], b[next+2], b[next+3] = byte(ifds[0]), byte(ifds[0]>>8), byte(ifds[0]>>16), byte(ifds[0]>>24)
	return b
}

func TestOpenMissingTools(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	doc, fs := Open(context.Background(), "a.pdf", pdfBytes(t, []pdfPageSpec{{text: "x"}}, nil), Limits{})
	if doc != nil {
		t.Fatal("doc without poppler")
	}
	if diff := cmp.Diff([]string{CodeCheckFailed}, codes(fs)); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
	// Images need no tools.
	doc, fs = Open(context.Background(), "a.png", pngBytes(t, grayPage(50, 70), 0), Limits{})
	if doc == nil || len(fs) != 0 {
		t.Errorf("PNG without poppler: doc %v, findings %v", doc, fs)
	}
}

func TestOpenTimeout(t *testing.T) {
	mustPDFTools(t)
	lim := DefaultLimits()
	lim.Timeout = time.Nanosecond
	doc, fs := Open(context.Background(), "a.pdf", scanPDF(t, 1, 100, 60), lim)
	if doc != nil {
		doc.Close()
		t.Fatal("doc despite a timeout")
	}
	if diff := cmp.Diff([]string{CodeCheckFailed}, codes(fs)); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
}

func TestCloseRemovesCopy(t *testing.T) {
	mustPDFTools(t)
	lim := DefaultLimits()
	lim.TempDir = t.TempDir()
	doc, fs := Open(context.Background(), "a.pdf", pdfBytes(t, []pdfPageSpec{{text: "1"}, {text: "2"}, {text: "3"}, {text: "4"}, {text: "5"}}, nil), lim)
	if doc == nil {
		t.Fatalf("no doc: %v", fs)
	}
	if n := dirLen(t, lim.TempDir); n != 1 {
		t.Fatalf("%d files in the temp dir while open, want 1", n)
	}
	// Pages rendered ahead and never asked for go with it.
	for i := 1; i <= 2; i++ {
		if _, _, err := doc.Page(context.Background(), i); err != nil {
			t.Fatal(err)
		}
	}
	if len(doc.ahead) != 3 {
		t.Errorf("%d pages rendered ahead, want 3 (pages 3 to 5)", len(doc.ahead))
	}
	if err := doc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := doc.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if n := dirLen(t, lim.TempDir); n != 0 {
		t.Fatalf("%d files left after Close", n)
	}
	// A refused PDF leaves nothing behind either.
	Open(context.Background(), "a.pdf", pdfBytes(t, []pdfPageSpec{{text: "x"}}, &[2]string{"u", "o"}), lim)
	if n := dirLen(t, lim.TempDir); n != 0 {
		t.Fatalf("%d files left after a refused PDF", n)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		data []byte
		want string
	}{
		{[]byte("%PDF-1.7\n"), "pdf"},
		{[]byte("\xef\xbb\xbf%PDF-1.4\n"), "pdf"}, // a BOM before the header: readers accept it
		{[]byte("%PDF-9"), "pdf"},                 // poppler reads any version
		{[]byte("\xff\xd8\xff\xe0"), "jpeg"},
		{[]byte("\x89PNG\r\n\x1a\n"), "png"},
		{[]byte("II*\x00\x08\x00\x00\x00"), "tiff"},
		{[]byte("MM\x00*\x00\x00\x00\x08"), "tiff"},
		{[]byte("hello"), "text"},
		{[]byte{}, "unknown"},
	}
	for _, tt := range tests {
		if got := Sniff(tt.data); got != tt.want {
			t.Errorf("Sniff(%q) = %s, want %s", tt.data, got, tt.want)
		}
	}
}

func TestPageErrorFinding(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{ErrCorruptPage, CodeCorruptFile},
		{ErrTooLarge, CodeTooLarge},
		{ErrTimeout, CodeCheckFailed},
		{ErrNoTools, CodeCheckFailed},
		{context.Canceled, CodeCheckFailed},
	}
	for _, tt := range tests {
		f := PageErrorFinding(3, errors.Join(errors.New("wrapped"), tt.err))
		if f.Code != tt.want || f.Page != 3 || f.Message == "" || f.MessageE == "" {
			t.Errorf("PageErrorFinding(%v) = %+v, want code %s on page 3", tt.err, f, tt.want)
		}
	}
}

// FuzzOpen feeds Open arbitrary bytes under each name: it must not panic,
// must answer with findings or a doc, and a doc's pages must be readable
// or fail with an error (never a panic).
func FuzzOpen(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"), "a.pdf")
	f.Add(hugePNG(50000, 50000), "a.png")
	f.Add(tiffBytes([]*image.Gray{grayPage(4, 4), grayPage(3, 5)}, 300), "a.tif")
	f.Add([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x02\x01\x00\x96\x00\x96\x00\x00\xff\xd9"), "a.jpg")
	f.Add([]byte("hello"), "a.pdf")
	lim := DefaultLimits()
	lim.MaxPixels = 4_000_000
	lim.Timeout = 5 * time.Second
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		doc, fs := Open(context.Background(), name, data, lim)
		if doc == nil {
			if len(fs) == 0 {
				t.Fatal("no doc and no finding")
			}
			return
		}
		defer doc.Close()
		if doc.Pages < 1 {
			t.Fatalf("doc with %d pages", doc.Pages)
		}
		for i := 1; i <= min(doc.Pages, 3); i++ {
			img, pi, err := doc.Page(context.Background(), i)
			if err == nil && (img == nil || pi.Width != img.Bounds().Dx()) {
				t.Fatalf("page %d: image %v, info %+v", i, img, pi)
			}
		}
	})
}
