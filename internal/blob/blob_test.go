package blob

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tongban/tongban/internal/apperr"
)

// Fixtures, generated in code so the repository holds no binaries.

func mustPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mustJPEG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// minimalPDF is a tiny but well-formed one-page PDF.
const minimalPDF = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" +
	"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n" +
	"trailer<</Root 1 0 R>>\n%%EOF\n"

// mustZip builds a zip with the named entries; padding is written first
// when given, to push the telling entry beyond the detection head.
func mustZip(t *testing.T, padding int, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	if padding > 0 {
		f, err := w.CreateHeader(&zip.FileHeader{Name: "Doc_0/Res/pad.bin", Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.Write(bytes.Repeat([]byte{'x'}, padding))
	}
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.Write([]byte("<?xml version=\"1.0\"?><x/>"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func mustLocal(t *testing.T) *Local {
	t.Helper()
	l, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// tmpEntries lists what is left in the store's tmp directory.
func tmpEntries(t *testing.T, l *Local) []string {
	t.Helper()
	es, err := os.ReadDir(l.tmp)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func wantCode(t *testing.T, err error, code apperr.Code, key string) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want %s/%s", code, key)
	}
	ae := apperr.As(err)
	if ae.Code != code || ae.Key != key {
		t.Fatalf("got %s/%s (%v), want %s/%s", ae.Code, ae.Key, err, code, key)
	}
	if ae.ZH == "" || ae.EN == "" {
		t.Errorf("message missing a language: %q / %q", ae.ZH, ae.EN)
	}
	return ae
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name       string
		in         []byte
		wantFormat string
		wantMIME   string
	}{
		{"png", mustPNG(t), FormatPNG, "image/png"},
		{"jpeg", mustJPEG(t), FormatJPG, "image/jpeg"},
		{"pdf", []byte(minimalPDF), FormatPDF, "application/pdf"},
		{"ofd", mustZip(t, 0, "OFD.xml", "Doc_0/Document.xml"), FormatOFD, MIMEOFD},
		{"ofd second entry", mustZip(t, 0, "Doc_0/Document.xml", "OFD.xml"), FormatOFD, MIMEOFD},
		{"ofd.xml not at root", mustZip(t, 0, "a/OFD.xml"), FormatZIP, "application/zip"},
		{"docx", mustZip(t, 0, "[Content_Types].xml", "word/document.xml"), FormatDOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"xlsx", mustZip(t, 0, "[Content_Types].xml", "xl/workbook.xml"), FormatXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"zip", mustZip(t, 0, "a.txt"), FormatZIP, "application/zip"},
		{"dwg AC1032", append([]byte("AC1032\x00\x00\x00\x00\x00"), make([]byte, 100)...), FormatDWG, "image/vnd.dwg"},
		{"dwg AC1015", append([]byte("AC1015\x00\x00\x00\x00\x00"), make([]byte, 100)...), FormatDWG, "image/vnd.dwg"},
		{"text", []byte("%PDX not really a pdf, just text\n"), FormatUnknown, "text/plain; charset=utf-8"},
		{"empty", nil, FormatUnknown, "text/plain"},
		{"binary", []byte{0, 1, 2, 3, 0xfe, 0xff}, FormatUnknown, "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, m := Detect(tt.in)
			if f != tt.wantFormat || m != tt.wantMIME {
				t.Errorf("got %q, %q; want %q, %q", f, m, tt.wantFormat, tt.wantMIME)
			}
		})
	}
}

func TestPutDetectsByContent(t *testing.T) {
	l := mustLocal(t)
	ctx := context.Background()
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		// The client calls it "scan.pdf"; the content is what counts.
		{"png renamed .pdf", mustPNG(t), FormatPNG},
		{"jpeg", mustJPEG(t), FormatJPG},
		{"pdf", []byte(minimalPDF), FormatPDF},
		// OFD.xml beyond the 4 KiB head: found in the central directory.
		{"ofd with OFD.xml late", mustZip(t, 8000, "OFD.xml"), FormatOFD},
		{"docx with document late", mustZip(t, 8000, "[Content_Types].xml", "word/document.xml"), FormatDOCX},
		{"plain zip", mustZip(t, 8000, "x.txt"), FormatZIP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := l.Put(ctx, bytes.NewReader(tt.in), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if obj.Type != tt.want || obj.Key != sha(tt.in) || obj.Size != int64(len(tt.in)) {
				t.Errorf("got %+v, want type %q key %s size %d", obj, tt.want, sha(tt.in), len(tt.in))
			}
			st, err := l.Stat(ctx, obj.Key)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(obj, st); diff != "" {
				t.Errorf("Stat differs from Put (-put +stat):\n%s", diff)
			}
			rc, err := l.Open(ctx, obj.Key)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(got, tt.in) {
				t.Error("Open returned different content")
			}
			fi, err := os.Stat(l.path(obj.Key))
			if err != nil {
				t.Fatal(err)
			}
			if perm := fi.Mode().Perm(); perm != 0o600 {
				t.Errorf("got mode %v, want 0600", perm)
			}
			if want := filepath.Join(l.dir, obj.Key[:2], obj.Key[2:4], obj.Key); l.path(obj.Key) != want {
				t.Errorf("got path %s, want %s", l.path(obj.Key), want)
			}
		})
	}
}

func TestCheckFormat(t *testing.T) {
	pngObj := Object{Type: FormatPNG, MIME: "image/png"}
	textObj := Object{Type: FormatUnknown, MIME: "text/plain; charset=utf-8"}
	binObj := Object{Type: FormatUnknown, MIME: "application/octet-stream"}
	ok := []struct {
		obj     Object
		allowed []string
	}{
		{Object{Type: FormatPDF}, []string{"pdf", "ofd"}},
		{Object{Type: FormatJPG}, []string{" JPEG ", "png"}},
		{Object{Type: FormatOFD}, []string{"PDF", "OFD"}},
		{pngObj, nil},
	}
	for _, tt := range ok {
		if err := CheckFormat(tt.obj, tt.allowed); err != nil {
			t.Errorf("CheckFormat(%v, %v): got %v, want nil", tt.obj.Type, tt.allowed, err)
		}
	}
	bad := []struct {
		name    string
		obj     Object
		allowed []string
		key     string
		zh, en  string
	}{
		{"png for pdf", pngObj, []string{"pdf", "ofd"}, "blob.format_not_allowed",
			"文件内容为 PNG 图片，不是本材料允许的格式（PDF、OFD）",
			"the file content is a PNG image, which is not an allowed format for this material (PDF, OFD)"},
		{"text claiming pdf", textObj, []string{"pdf"}, "blob.format_not_allowed",
			"文件内容为纯文本，不是本材料允许的格式（PDF）", "the file content is plain text, which is not an allowed format for this material (PDF)"},
		{"binary", binObj, []string{"pdf", "jpg", "jpeg"}, "blob.format_not_allowed",
			"文件内容为无法识别的格式，不是本材料允许的格式（PDF、JPG）", "in an unrecognised format, which is not an allowed format for this material (PDF, JPG)"},
		{"unknown with no list", binObj, nil, "blob.format_unknown", "文件内容为无法识别的格式，请上传", "please upload a common format"},
		{"zero object", Object{}, []string{" "}, "blob.format_unknown", "无法识别的格式", "unrecognised format"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			ae := wantCode(t, CheckFormat(tt.obj, tt.allowed), apperr.Invalid, tt.key)
			if !strings.Contains(ae.ZH, tt.zh) || !strings.Contains(ae.EN, tt.en) {
				t.Errorf("got %q / %q; want %q / %q", ae.ZH, ae.EN, tt.zh, tt.en)
			}
		})
	}
}

func TestTextClaimingPDFRefused(t *testing.T) {
	l := mustLocal(t)
	obj, err := l.Put(context.Background(), strings.NewReader("this is not a PDF, whatever the name says"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, CheckFormat(obj, []string{"pdf"}), apperr.Invalid, "blob.format_not_allowed")
}

func TestPutTooLarge(t *testing.T) {
	l := mustLocal(t)
	tests := []struct {
		name   string
		size   int
		limit  int64
		mb     string
		stored bool
	}{
		{"exactly the limit", 1000, 1000, "", true},
		{"one byte over", 1001, 1000, "0.01 MB", false},
		{"far over, 2 MiB limit", 3 << 20, 2 << 20, "超过大小上限 2 MB", false},
		{"1.5 MiB limit", 2 << 20, 3 << 19, "1.5 MB", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := bytes.Repeat([]byte{'a'}, tt.size)
			obj, err := l.Put(context.Background(), bytes.NewReader(in), tt.limit)
			if tt.stored {
				if err != nil || obj.Size != int64(tt.size) {
					t.Fatalf("got %+v, %v; want stored", obj, err)
				}
			} else {
				ae := wantCode(t, err, apperr.TooLarge, "blob.too_large")
				if !strings.Contains(ae.ZH, tt.mb) || !strings.Contains(ae.EN, strings.TrimPrefix(tt.mb, "超过大小上限 ")) {
					t.Errorf("got %q / %q, want the limit %q", ae.ZH, ae.EN, tt.mb)
				}
				if _, err := os.Stat(l.path(sha(in))); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("oversized content stored: %v", err)
				}
			}
			if left := tmpEntries(t, l); len(left) != 0 {
				t.Errorf("tmp not empty: %v", left)
			}
		})
	}
}

// endless is a reader that never ends, to show Put stops at the limit
// instead of reading (or buffering) everything.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'z'
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestPutStopsReadingAtLimit(t *testing.T) {
	l := mustLocal(t)
	r := &endless{}
	_, err := l.Put(context.Background(), r, 1<<20)
	wantCode(t, err, apperr.TooLarge, "blob.too_large")
	if r.n > 1<<20+64<<10 {
		t.Errorf("read %d bytes, want little more than the 1 MiB limit", r.n)
	}
}

// failing fails after some bytes, like a dropped connection.
type failing struct{ left int }

func (f *failing) Read(p []byte) (int, error) {
	if f.left <= 0 {
		return 0, errors.New("connection reset")
	}
	n := min(len(p), f.left)
	f.left -= n
	return n, nil
}

func TestPutFailuresLeaveNothing(t *testing.T) {
	l := mustLocal(t)
	_, err := l.Put(context.Background(), &failing{left: 5000}, 1<<20)
	if apperr.CodeOf(err) != apperr.Internal {
		t.Errorf("broken reader: got %v, want internal", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Put(ctx, strings.NewReader("x"), 10); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
	if _, err := l.Put(context.Background(), strings.NewReader("x"), 0); apperr.CodeOf(err) != apperr.Internal {
		t.Errorf("zero limit: got %v, want internal", err)
	}
	if left := tmpEntries(t, l); len(left) != 0 {
		t.Errorf("tmp not empty: %v", left)
	}
}

// countBlobs counts stored blob files (outside tmp).
func countBlobs(t *testing.T, l *Local) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(l.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p == l.tmp {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPutDuplicateStoredOnce(t *testing.T) {
	l := mustLocal(t)
	in := mustPNG(t)
	a, err := l.Put(context.Background(), bytes.NewReader(in), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Put(context.Background(), bytes.NewReader(in), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("duplicate Put differs:\n%s", diff)
	}
	if got := countBlobs(t, l); got != 1 {
		t.Errorf("got %d blobs, want 1", got)
	}
	if left := tmpEntries(t, l); len(left) != 0 {
		t.Errorf("tmp not empty: %v", left)
	}
}

func TestPutConcurrentSameContent(t *testing.T) {
	l := mustLocal(t)
	in := bytes.Repeat([]byte(minimalPDF), 2000) // ~400 KB, so writes overlap
	const n = 8
	var wg sync.WaitGroup
	objs := make([]Object, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			objs[i], errs[i] = l.Put(context.Background(), bytes.NewReader(in), 1<<20)
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Put %d: %v", i, errs[i])
		}
		if objs[i].Key != sha(in) || objs[i].Type != FormatPDF {
			t.Errorf("Put %d: got %+v", i, objs[i])
		}
	}
	if got := countBlobs(t, l); got != 1 {
		t.Errorf("got %d blobs, want 1", got)
	}
	if left := tmpEntries(t, l); len(left) != 0 {
		t.Errorf("tmp not empty: %v", left)
	}
	rc, err := l.Open(context.Background(), sha(in))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, in) {
		t.Error("stored content differs")
	}
}

func TestOpenStatBadKeys(t *testing.T) {
	l := mustLocal(t)
	// A file outside the store that path tricks would reach.
	secret := filepath.Join(filepath.Dir(l.dir), "secret")
	_ = os.WriteFile(secret, []byte("secret"), 0o600)
	valid := sha([]byte("never stored"))
	tests := []struct {
		name, key string
		code      apperr.Code
		errKey    string
	}{
		{"empty", "", apperr.Invalid, "blob.key"},
		{"dotdot", "../secret", apperr.Invalid, "blob.key"},
		{"dotdot padded to 64", strings.Repeat("../", 21) + "x", apperr.Invalid, "blob.key"},
		{"absolute", "/etc/passwd", apperr.Invalid, "blob.key"},
		{"backslash", `..\..\secret`, apperr.Invalid, "blob.key"},
		{"upper case", strings.ToUpper(valid), apperr.Invalid, "blob.key"},
		{"63 chars", valid[:63], apperr.Invalid, "blob.key"},
		{"65 chars", valid + "0", apperr.Invalid, "blob.key"},
		{"NUL", valid[:63] + "\x00", apperr.Invalid, "blob.key"},
		{"non-hex", strings.Repeat("g", 64), apperr.Invalid, "blob.key"},
		{"missing", valid, apperr.NotFound, "blob.not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, err := l.Open(context.Background(), tt.key)
			if rc != nil {
				rc.Close()
				t.Error("Open returned a reader")
			}
			wantCode(t, err, tt.code, tt.errKey)
			_, err = l.Stat(context.Background(), tt.key)
			wantCode(t, err, tt.code, tt.errKey)
		})
	}
}

func TestNewLocal(t *testing.T) {
	if _, err := NewLocal(""); apperr.CodeOf(err) != apperr.Internal {
		t.Errorf("empty dir: got %v, want internal", err)
	}
	file := filepath.Join(t.TempDir(), "f")
	_ = os.WriteFile(file, nil, 0o600)
	if _, err := NewLocal(file); apperr.CodeOf(err) != apperr.Internal {
		t.Errorf("dir is a file: got %v, want internal", err)
	}
	l := mustLocal(t)
	fi, err := os.Stat(l.tmp)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("tmp: got %v, %v; want a 0700 directory", fi, err)
	}
	if _, err := NewLocal(l.dir); err != nil {
		t.Errorf("reopening: %v", err)
	}
}

func TestCleanFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"申请表.pdf", "申请表.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\x\..\y.pdf`, "y.pdf"},
		{"a\x00b.pdf", "ab.pdf"},
		{"..", "file"},
		{"", "file"},
		{"/", "file"},
		{"...hidden", "hidden"},
		{".env", "env"},
		{"a..b.pdf", "ab.pdf"},
		{"....pdf", "pdf"},
		{"dir/..\x00./x", "x"},
		{"report\u202Efdp.exe", "reportfdp.exe"},
		{"  name.pdf  ", "name.pdf"},
		{"\u3000全角空格.pdf", "全角空格.pdf"},
		{"bad\xffutf8.pdf", "badutf8.pdf"},
		{"tab\there.pdf", "tabhere.pdf"},
		{strings.Repeat("长", 200) + ".pdf", strings.Repeat("长", 116) + ".pdf"},
		{strings.Repeat("a", 300), strings.Repeat("a", 120)},
		{strings.Repeat("b", 130) + "." + strings.Repeat("e", 30), strings.Repeat("b", 120)},
	}
	for _, tt := range tests {
		if got := CleanFileName(tt.in); got != tt.want {
			t.Errorf("CleanFileName(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatMB(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{20 << 20, "20"}, {3 << 19, "1.5"}, {1, "0.01"}, {100 << 20, "100"}, {(1 << 20) + (1<<20)/3, "1.33"},
	}
	for _, tt := range tests {
		if got := formatMB(tt.n); got != tt.want {
			t.Errorf("formatMB(%d): got %q, want %q", tt.n, got, tt.want)
		}
	}
}
