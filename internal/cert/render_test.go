package cert

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/tongban/tongban/internal/apperr"
)

// The renderer's tests need Debian's fonts and PDF tools. When one is
// missing they fail, saying what to install: a certificate test that
// silently skips would let a broken renderer through.
const installHint = "run scripts/pdftools.sh (as root) or apt-get install poppler-utils zbar-tools " + FontPackages

var (
	fontOnce sync.Once
	theFont  *Font
	fontErr  error
)

// mustFont loads the default fonts once for all tests.
func mustFont(t testing.TB) *Font {
	t.Helper()
	fontOnce.Do(func() { theFont, fontErr = OpenFont("") })
	if fontErr != nil {
		t.Fatalf("certificate fonts: %v\n%s", apperr.Describe(fontErr), installHint)
	}
	return theFont
}

// mustTool returns the path of a command-line tool from a Debian package.
func mustTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is missing: install the Debian package %s (%s)", name, pkg, installHint)
	}
	return p
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%s %v: %v\n%s", name, args, err, ee.Stderr)
		}
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

var issued = time.Date(2026, 11, 27, 10, 30, 0, 0, time.UTC)

func licenceDoc() Document {
	return Document{
		Number: "ZRGH-2026-000017", Kind: KindLicence, Title: "建设工程规划许可证",
		HolderName: "厦门海沧建设发展有限公司", HolderUSCC: "91350205MA2XYZ1234",
		ProjectName: "海沧区筼筜湖片区保障性住房项目（一期）", ProjectCode: "2026-350205-47-01-000123",
		Location: "厦门市海沧区新阳街道翁角路以南、海沧大道以东",
		Scale:    "总建筑面积 86500 平方米，其中地上 62000 平方米、地下 24500 平方米；住宅 8 栋，最高 32 层",
		ItemName: "建设工程规划许可证核发", Basis: "《中华人民共和国城乡规划法》第四十条",
		Issuer: "厦门市自然资源和规划局", IssuedAt: issued,
		VerifyURL: "http://localhost:8080/verify/ZRGH-2026-000017", KeyID: "dept:ZRGH/2026-01",
		Signature:  bytes.Repeat([]byte{0x30, 0x45, 0x02, 0x21, 0x00, 0xd3, 0x8a, 0x91, 0x11}, 8)[:71],
		ContentSM3: "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
	}
}

func approvalDoc() Document {
	d := licenceDoc()
	d.Kind, d.Number = KindApproval, "FGW-2026-000042"
	d.Title = "关于海沧区筼筜湖片区保障性住房项目（一期）核准的批复"
	d.ItemName, d.Basis, d.Issuer = "企业投资项目核准", "《企业投资项目核准和备案管理条例》", "厦门市发展和改革委员会"
	d.VerifyURL = "http://localhost:8080/verify/FGW-2026-000042"
	return d
}

func filingDoc() Document {
	d := approvalDoc()
	d.Kind, d.Title, d.ItemName = KindFiling, "企业投资项目备案证明", "企业投资项目备案"
	return d
}

func opinionDoc() Document {
	d := approvalDoc()
	d.Kind, d.Title, d.ItemName = KindOpinion, "建设工程设计方案审查意见", "建设工程设计方案审查"
	d.Issuer, d.Basis = "厦门市自然资源和规划局", "《厦门市城乡规划条例》"
	return d
}

// repeat returns n runes taken cyclically from s.
func repeat(s string, n int) string {
	r := []rune(s)
	out := make([]rune, n)
	for i := range out {
		out[i] = r[i%len(r)]
	}
	return string(out)
}

func longDoc(kind string, n int) Document {
	d := licenceDoc()
	if kind != KindLicence {
		d = approvalDoc()
		d.Kind = kind
	}
	d.HolderName = repeat("厦门海沧建设发展有限公司联合体成员单位", n)
	d.ProjectName = repeat("海沧区筼筜湖片区保障性住房项目（一期）配套工程", n)
	d.Location = repeat("厦门市海沧区新阳街道翁角路以南、海沧大道以东", n/2)
	d.Scale = repeat("总建筑面积86500平方米，住宅8栋；", n/2)
	d.Basis = repeat("《中华人民共和国城乡规划法》第四十条、", n/4)
	return d
}

func mustRender(t testing.TB, d Document) *rendered {
	t.Helper()
	out, err := render(d, mustFont(t))
	if err != nil {
		t.Fatalf("render %s: %v", d.Number, err)
	}
	return out
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var spaces = regexp.MustCompile(`\s+`)

// TestRenderText checks with poppler that the text is real text: title,
// holder and number come out of pdftotext.
func TestRenderText(t *testing.T) {
	pdftotext := mustTool(t, "pdftotext", "poppler-utils")
	for _, d := range []Document{licenceDoc(), approvalDoc(), filingDoc(), opinionDoc()} {
		t.Run(d.Kind, func(t *testing.T) {
			out := mustRender(t, d)
			if out.pages != 1 {
				t.Errorf("pages = %d, want 1", out.pages)
			}
			text := run(t, pdftotext, "-layout", writeTemp(t, "c.pdf", out.pdf), "-")
			flat := spaces.ReplaceAllString(text, "")
			for _, want := range []string{d.Title, d.HolderName, d.Number, d.Issuer, "2026年11月27日", d.ContentSM3, "扫码核验", "电子证照专用章"} {
				if !strings.Contains(flat, spaces.ReplaceAllString(want, "")) {
					t.Errorf("pdftotext output lacks %q:\n%s", want, text)
				}
			}
			if d.Kind == KindLicence && !strings.Contains(flat, "中华人民共和国") {
				t.Errorf("licence lacks its 中华人民共和国 header")
			}
			wording := map[string]string{KindApproval: "经审查，同意", KindFiling: "予以备案", KindOpinion: "提出意见如下", KindLicence: "颁发此证"}[d.Kind]
			if !strings.Contains(flat, wording) {
				t.Errorf("%s lacks %q", d.Kind, wording)
			}
			info := run(t, mustTool(t, "pdfinfo", "poppler-utils"), writeTemp(t, "c.pdf", out.pdf))
			for key, want := range map[string]string{"Subject": d.Title, "Keywords": KeywordsPrefix + d.Number, "Creator": "Tongban"} {
				m := regexp.MustCompile(`(?m)^` + key + `:\s+(.*)$`).FindStringSubmatch(info)
				if m == nil || m[1] != want {
					t.Errorf("pdfinfo %s = %q, want %q:\n%s", key, m, want, info)
				}
			}
		})
	}
}

// TestRenderQR renders pages to PNG as a scanner would see a print and
// checks that the QR code decodes to exactly the verification URL.
func TestRenderQR(t *testing.T) {
	pdftoppm := mustTool(t, "pdftoppm", "poppler-utils")
	zbarimg := mustTool(t, "zbarimg", "zbar-tools")
	long := licenceDoc()
	long.VerifyURL = "https://zwfw.example.gov.cn/tongban/verify/ZRGH-2026-000017?lang=zh-CN&src=" + strings.Repeat("q", 150)
	for _, d := range []Document{licenceDoc(), approvalDoc(), long} {
		t.Run(d.Kind, func(t *testing.T) {
			out := mustRender(t, d)
			p := writeTemp(t, "c.pdf", out.pdf)
			prefix := filepath.Join(filepath.Dir(p), "page")
			run(t, pdftoppm, "-r", "150", "-png", "-singlefile", p, prefix)
			cmd := exec.Command(zbarimg, "--raw", "-q", prefix+".png")
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("zbarimg found no QR code: %v", err)
			}
			if g := strings.TrimSuffix(string(got), "\n"); g != d.VerifyURL {
				t.Errorf("QR decodes to %q, want %q", g, d.VerifyURL)
			}
		})
	}
}

func TestRenderDeterministic(t *testing.T) {
	f := mustFont(t)
	for _, d := range []Document{licenceDoc(), approvalDoc(), longDoc(KindLicence, 1000)} {
		a, err := Render(d, f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Render(d, f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renders differ", d.Number)
		}
		// The same instant in another zone is the same certificate.
		d.IssuedAt = d.IssuedAt.In(time.FixedZone("EST", -5*3600))
		c, err := Render(d, f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, c) {
			t.Errorf("%s: the time zone of IssuedAt changes the output", d.Number)
		}
	}
}

func TestRenderDate(t *testing.T) {
	// 2026-01-04 17:00 UTC is already 5 January in Xiamen; no zero padding.
	d := licenceDoc()
	d.IssuedAt = time.Date(2026, 1, 4, 17, 0, 0, 0, time.UTC)
	out := mustRender(t, d)
	if !hasBox(out, "2026年1月5日") {
		t.Errorf("date not printed as 2026年1月5日")
	}
	if !bytes.Contains(out.pdf, []byte("/CreationDate (D:20260104170000)")) {
		t.Errorf("creation date is not the issue time (in UTC, as readers take a date without zone)")
	}
}

func hasBox(out *rendered, s string) bool {
	for _, b := range out.boxes {
		if strings.Contains(b.text, s) {
			return true
		}
	}
	return false
}

func TestNumberFromPDF(t *testing.T) {
	pdf, err := Render(licenceDoc(), mustFont(t))
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("(tongban-cert:"), (20<<20)/14)
	tests := []struct {
		name   string
		in     []byte
		want   string
		wantOK bool
	}{
		{"rendered", pdf, "ZRGH-2026-000017", true},
		{"empty", nil, "", false},
		{"garbage", []byte("\x00\xff%PDF-1.4 \x89PNG garbage ((( )))"), "", false},
		{"text file", []byte("Hello. This mentions tongban-cert:ZRGH-2026-000017 but is no PDF.\n"), "", false},
		{"no closing paren", []byte("/Keywords (tongban-cert:ZRGH-2026-000017"), "", false},
		{"too long", []byte("/Keywords (tongban-cert:" + strings.Repeat("A", 65) + ")"), "", false},
		{"bad characters", []byte("/Keywords (tongban-cert:ZRGH 2026\\)000017)"), "", false},
		{"other key", []byte("/Subject (tongban-cert:ZRGH-2026-000017)"), "", false},
		{"no space", []byte("<</Keywords(tongban-cert:A-1)>>"), "A-1", true},
		{"last update wins", []byte("/Keywords (tongban-cert:OLD-1)\n/Keywords (tongban-cert:NEW-2)"), "NEW-2", true},
		{"bad newest, good older", []byte("/Keywords (tongban-cert:OLD-1)\n/Keywords (tongban-cert:N E W)"), "OLD-1", true},
		{"20 MB of markers", big, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// How long the 20 MB case takes is a benchmark's business
			// (BenchmarkNumberFromPDF), never a timed unit test.
			got, ok := NumberFromPDF(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("NumberFromPDF = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzNumberFromPDF(f *testing.F) {
	f.Add([]byte("/Keywords (tongban-cert:ZRGH-2026-000017)"))
	f.Add([]byte("/Keywords (tongban-cert:"))
	f.Add([]byte("(tongban-cert:)"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, ok := NumberFromPDF(b)
		if ok != (n != "") || ok && !numberRE.MatchString(n) || ok && !bytes.Contains(b, []byte(n)) {
			t.Fatalf("NumberFromPDF = %q, %v", n, ok)
		}
	})
}

func TestFontErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a font at all"), 0o644)
	ttc := filepath.Join(dir, "c.ttc")
	os.WriteFile(ttc, append([]byte("ttcf\x00\x01\x00\x00"), make([]byte, 64)...), 0o644)
	otf := filepath.Join(dir, "c.otf")
	os.WriteFile(otf, append([]byte("OTTO\x00\x0a"), make([]byte, 64)...), 0o644)
	trunc := filepath.Join(dir, "t.ttf")
	os.WriteFile(trunc, []byte("\x00\x01\x00\x00\x00\x09\x00\x80\x00\x03\x00\x10cmap"), 0o644)
	unreadable := filepath.Join(dir, "dir.ttf")
	os.Mkdir(unreadable, 0o755)

	tests := []struct {
		path, key, zh string
	}{
		{filepath.Join(dir, "missing.ttf"), "cert.font_missing", "文件不存在"},
		{text, "cert.font_unsupported", "不是 TrueType 字体文件"},
		{ttc, "cert.font_unsupported", "字体集合"},
		{otf, "cert.font_unsupported", "CFF"},
		{trunc, "cert.font_unsupported", "TrueType"},
		{unreadable, "cert.font_unreadable", "无法读取"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			for name, load := range map[string]func(string) error{
				"LoadFont": func(p string) error { _, err := LoadFont(p); return err },
				"FindFont": func(p string) error { _, err := FindFont(p); return err },
			} {
				err := load(tt.path)
				ae := apperr.As(err)
				if err == nil || ae.Code != apperr.Invalid || ae.Key != tt.key {
					t.Fatalf("%s: err = %v, want %s", name, err, tt.key)
				}
				for _, want := range []string{tt.zh, tt.path, "fonts-droid-fallback", "TONGBAN_CERT_FONT"} {
					if !strings.Contains(ae.ZH, want) {
						t.Errorf("%s: message %q lacks %q", name, ae.ZH, want)
					}
				}
				if !strings.Contains(ae.EN, "--cert-font") || !strings.Contains(ae.EN, "apt-get") && !strings.Contains(ae.EN, "Debian") {
					t.Errorf("%s: English message %q does not say what to do", name, ae.EN)
				}
			}
		})
	}

	// The real fonts load, configured explicitly as a list.
	f := mustFont(t)
	list := strings.Join(f.Paths(), ":")
	if got, err := FindFont(list); err != nil || got != list {
		t.Errorf("FindFont(%q) = %q, %v", list, got, err)
	}
	if _, err := Render(licenceDoc(), nil); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("Render without a font: %v", err)
	}
}

func TestFindFontNoneInstalled(t *testing.T) {
	saved := DefaultFonts
	t.Cleanup(func() { DefaultFonts = saved })
	DefaultFonts = []struct{ Path, Package string }{{"/nonexistent/a.ttf", "fonts-a"}}
	_, err := FindFont("")
	ae := apperr.As(err)
	if ae.Key != "cert.font_missing" || !strings.Contains(ae.ZH, "apt-get install "+FontPackages) || !strings.Contains(ae.EN, "--cert-font / TONGBAN_CERT_FONT") {
		t.Errorf("FindFont with no fonts: %v", apperr.Describe(err))
	}
}

func TestRenderInvalid(t *testing.T) {
	f := mustFont(t)
	tests := []struct {
		field string
		edit  func(*Document)
	}{
		{"kind", func(d *Document) { d.Kind = "poster" }},
		{"number", func(d *Document) { d.Number = "" }},
		{"number", func(d *Document) { d.Number = "ZRGH (2026)" }},
		{"number", func(d *Document) { d.Number = "证照-1" }},
		{"title", func(d *Document) { d.Title = " " }},
		{"issuer", func(d *Document) { d.Issuer = "" }},
		{"issued_at", func(d *Document) { d.IssuedAt = time.Time{} }},
		{"verify_url", func(d *Document) { d.VerifyURL = "" }},
		{"verify_url", func(d *Document) { d.VerifyURL = strings.Repeat("x", 1001) }},
		{"holder_name", func(d *Document) { d.HolderName = repeat("厦", 1001) }},
		{"project_name", func(d *Document) { d.ProjectName = "\xff\xfe" }},
		{"signature", func(d *Document) { d.Signature = make([]byte, 2000) }},
	}
	for _, tt := range tests {
		d := licenceDoc()
		tt.edit(&d)
		_, err := Render(d, f)
		ae := apperr.As(err)
		if ae.Code != apperr.Invalid || ae.Fields[tt.field].ZH == "" {
			t.Errorf("%s: err = %v, want a field error on %s", tt.field, err, tt.field)
		}
	}
}

// checkLayout checks what a reader checks by eye: text stays inside its
// table cell and on the page, and no two pieces of text or the QR code
// overlap (the seal is meant to lie over text).
func checkLayout(t *testing.T, out *rendered) {
	t.Helper()
	const eps = 0.05
	for _, b := range out.boxes {
		if b.layer == "seal" {
			continue
		}
		if b.x < frameIn-eps || b.y < frameIn-eps || b.x+b.w > pageW-frameIn+eps || b.y+b.h > pageH-frameIn+eps {
			t.Errorf("page %d: %q at (%.1f,%.1f %.1fx%.1f) leaves the page", b.page, b.text, b.x, b.y, b.w, b.h)
		}
		if b.cell >= 0 {
			c := out.cells[b.cell]
			if c.page != b.page || b.x < c.x-eps || b.y < c.y-eps || b.x+b.w > c.x+c.w+eps || b.y+b.h > c.y+c.h+eps {
				t.Errorf("page %d: %q at (%.1f,%.1f %.1fx%.1f) leaves its cell (%.1f,%.1f %.1fx%.1f)", b.page, b.text, b.x, b.y, b.w, b.h, c.x, c.y, c.w, c.h)
			}
		}
	}
	for i, a := range out.boxes {
		for _, b := range out.boxes[i+1:] {
			if a.layer == "seal" || b.layer == "seal" || a.page != b.page {
				continue
			}
			if a.x+eps < b.x+b.w && b.x+eps < a.x+a.w && a.y+eps < b.y+b.h && b.y+eps < a.y+a.h {
				t.Errorf("page %d: %q (%.1f,%.1f %.1fx%.1f) overlaps %q (%.1f,%.1f %.1fx%.1f)", a.page, a.text, a.x, a.y, a.w, a.h, b.text, b.x, b.y, b.w, b.h)
			}
		}
	}
	for i, a := range out.cells {
		for _, b := range out.cells[i+1:] {
			if a.page == b.page && a.x+eps < b.x+b.w && b.x+eps < a.x+a.w && a.y+eps < b.y+b.h && b.y+eps < a.y+a.h {
				t.Errorf("page %d: table cells overlap", a.page)
			}
		}
	}
}

// printed returns the body text (no labels, seal, page headers or
// footers) in the order it was placed, without white space.
func printed(out *rendered) string {
	var b strings.Builder
	for _, x := range out.boxes {
		if x.layer == "body" {
			b.WriteString(x.text)
		}
	}
	return spaces.ReplaceAllString(b.String(), "")
}

func TestRenderLayout(t *testing.T) {
	tests := []struct {
		name  string
		d     Document
		pages int
	}{
		{"licence", licenceDoc(), 1},
		{"approval", approvalDoc(), 1},
		{"filing", filingDoc(), 1},
		{"opinion", opinionDoc(), 1},
		{"licence 200-character names", func() Document {
			d := licenceDoc()
			d.HolderName = repeat("厦门海沧建设发展有限公司联合体成员单位", 200)
			d.ProjectName = repeat("海沧区筼筜湖片区保障性住房项目（一期）配套工程", 200)
			return d
		}(), 1},
		{"licence 200", longDoc(KindLicence, 200), 0},
		{"approval 200", longDoc(KindApproval, 200), 0},
		{"filing 200", longDoc(KindFiling, 200), 0},
		{"licence 1000", longDoc(KindLicence, 1000), 0},
		{"opinion 1000", longDoc(KindOpinion, 1000), 0},
		{"empty optional fields", func() Document {
			d := licenceDoc()
			d.Location, d.Scale, d.Basis, d.HolderUSCC, d.KeyID, d.Signature, d.ContentSM3 = "", "", "", "", "", nil, ""
			return d
		}(), 1},
		{"long title and issuer", func() Document {
			d := approvalDoc()
			d.Title = repeat("关于海沧区筼筜湖片区保障性住房项目核准的批复", 90)
			d.Issuer = repeat("厦门市海沧区发展和改革局", 40)
			return d
		}(), 1},
		{"multi-line scale", func() Document {
			d := licenceDoc()
			d.Scale = "总建筑面积：86500 平方米\n地上：62000 平方米\n地下：24500 平方米\n\n住宅 8 栋，最高 32 层"
			return d
		}(), 1},
		{"long words", func() Document {
			d := licenceDoc()
			d.HolderName = strings.Repeat("ABCDEFGHIJ", 30)
			d.Location = strings.Repeat("Xiamen Haicang ", 20)
			return d
		}(), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := mustRender(t, tt.d)
			if out.wholeFonts {
				t.Errorf("a character was printed that Document.runes did not list")
			}
			if tt.pages != 0 && out.pages != tt.pages {
				t.Errorf("pages = %d, want %d", out.pages, tt.pages)
			}
			checkLayout(t, out)
			text := printed(out)
			for _, s := range []string{tt.d.HolderName, tt.d.ProjectName, tt.d.Location, tt.d.Basis, tt.d.Title, tt.d.Number} {
				if !strings.Contains(text, spaces.ReplaceAllString(s, "")) {
					t.Errorf("printed text lacks %.40q…", s)
				}
			}
			if out.pages > 1 && !hasBox(out, fmt.Sprintf("共 %d 页", out.pages)) {
				t.Errorf("a %d-page certificate does not number its pages", out.pages)
			}
		})
	}
}

func TestRenderLongPagesText(t *testing.T) {
	pdftotext := mustTool(t, "pdftotext", "poppler-utils")
	d := longDoc(KindLicence, 1000)
	out := mustRender(t, d)
	if out.pages < 2 {
		t.Fatalf("pages = %d, want the table to run on", out.pages)
	}
	text := spaces.ReplaceAllString(run(t, pdftotext, "-raw", writeTemp(t, "c.pdf", out.pdf), "-"), "")
	// What a page break puts between the two parts of a split row.
	for _, re := range []string{`第\d+页共\d+页`, regexp.QuoteMeta(d.Title + "（续页）编号No." + d.Number), "（续）"} {
		text = regexp.MustCompile(re).ReplaceAllString(text, "")
	}
	for _, s := range []string{d.HolderName, d.ProjectName} {
		if !strings.Contains(text, s) {
			t.Errorf("pdftotext lacks the whole %.20q…", s)
		}
	}
}

func TestWrap(t *testing.T) {
	f := mustFont(t)
	size := 12.0
	em := size * ptMM
	tests := []struct {
		name  string
		in    string
		width float64 // in ems
		want  []string
	}{
		{"fits", "厦门市", 5, []string{"厦门市"}},
		{"breaks between ideographs", "厦门市自然资源和规划局", 5, []string{"厦门市自然", "资源和规划", "局"}},
		{"no comma at line start", "一二三四，五六", 4, []string{"一二三", "四，五六"}},
		{"no opening bracket at line end", "一二三《四五》", 4, []string{"一二三", "《四五》"}},
		{"ascii word kept whole", "面积 86500 平方米", 4, []string{"面积", "86500 平", "方米"}},
		{"long ascii word split", strings.Repeat("8", 12), 2, []string{"8888", "8888", "8888"}},
		{"hard breaks", "甲\n\n乙", 5, []string{"甲", "", "乙"}},
		{"spaces dropped at breaks", "甲乙 丙丁", 2, []string{"甲乙", "丙丁"}},
		{"empty", "", 5, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := f.wrap(tt.in, size, tt.width*em, 0)
			var got []string
			for _, ln := range lines {
				got = append(got, joinSpans(ln))
				if ln.w > tt.width*em+1e-6 {
					t.Errorf("line %q is %.2f mm wide, more than %.2f", joinSpans(ln), ln.w, tt.width*em)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("wrap(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !lines[len(lines)-1].last {
				t.Errorf("the last line is not marked last")
			}
		})
	}
}

// TestCutFonts checks that handing the PDF library cut-down fonts changes
// nothing a reader sees: same text, same pixels.
func TestCutFonts(t *testing.T) {
	pdftotext := mustTool(t, "pdftotext", "poppler-utils")
	pdftoppm := mustTool(t, "pdftoppm", "poppler-utils")
	f := mustFont(t)
	for _, d := range []Document{licenceDoc(), opinionDoc()} {
		cut, err := renderCut(d, f, true)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := renderCut(d, f, false)
		if err != nil {
			t.Fatal(err)
		}
		if cut.wholeFonts || !whole.wholeFonts {
			t.Fatalf("wholeFonts = %v, %v", cut.wholeFonts, whole.wholeFonts)
		}
		if len(cut.pdf) >= len(whole.pdf)+1024 {
			t.Errorf("cut fonts make a bigger file: %d > %d bytes", len(cut.pdf), len(whole.pdf))
		}
		look := func(pdf []byte) (string, []byte) {
			p := writeTemp(t, "c.pdf", pdf)
			text := run(t, pdftotext, "-layout", p, "-")
			run(t, pdftoppm, "-r", "100", "-png", "-singlefile", p, p)
			png, err := os.ReadFile(p + ".png")
			if err != nil {
				t.Fatal(err)
			}
			return text, png
		}
		ct, cp := look(cut.pdf)
		wt, wp := look(whole.pdf)
		if ct != wt {
			t.Errorf("%s: text differs with cut fonts:\n%s\n---\n%s", d.Kind, ct, wt)
		}
		if !bytes.Equal(cp, wp) {
			t.Errorf("%s: the page looks different with cut fonts", d.Kind)
		}
	}
}

func TestSubsetComposite(t *testing.T) {
	// A face whose glyph 2 is a composite of glyphs 1 and 3: cutting to the
	// rune of glyph 2 keeps 1 and 3.
	simple := []byte{0, 1, 0, 0, 0, 0, 0, 10, 0, 10, 0, 0} // one contour, no points that matter
	comp := []byte{0xff, 0xff, 0, 0, 0, 0, 0, 10, 0, 10,
		0x00, 0x20 | 0x01 | 0x08, 0, 1, 0, 0, 0, 0, 0x40, 0x00, // MORE_COMPONENTS, words, scale
		0x00, 0x00, 0, 3, 0, 0} // last component, byte args
	glyf := slices.Concat(simple, simple, comp, simple)
	loca := []uint32{0, 12, 24, 24 + uint32(len(comp)), 36 + uint32(len(comp))}
	fc := &face{gids: map[rune]uint16{'A': 1, 'B': 2, 'C': 3}, loca: loca,
		tables: map[string][]byte{"glyf": glyf, "head": make([]byte, 54)}}
	out, ok := fc.subset([]rune{'B'})
	if !ok {
		t.Fatal("subset failed")
	}
	// Find glyf and loca in the output and check which glyphs have outlines.
	n := int(out[4])<<8 | int(out[5])
	tables := map[string][]byte{}
	for i := 0; i < n; i++ {
		rec := out[12+16*i:]
		off := int(rec[8])<<24 | int(rec[9])<<16 | int(rec[10])<<8 | int(rec[11])
		ln := int(rec[12])<<24 | int(rec[13])<<16 | int(rec[14])<<8 | int(rec[15])
		tables[string(rec[:4])] = out[off : off+ln]
	}
	l := tables["loca"]
	var got []int
	for g := 0; g < 4; g++ {
		start := int(l[4*g])<<24 | int(l[4*g+1])<<16 | int(l[4*g+2])<<8 | int(l[4*g+3])
		end := int(l[4*g+4])<<24 | int(l[4*g+5])<<16 | int(l[4*g+6])<<8 | int(l[4*g+7])
		if end > start {
			got = append(got, g)
		}
	}
	if fmt.Sprint(got) != "[0 1 2 3]" {
		t.Errorf("glyphs kept = %v, want [0 1 2 3]", got)
	}
	cm, err := parseCmap4(tables["cmap"])
	if err != nil || len(cm) != 1 || cm['B'] != 2 {
		t.Errorf("cmap = %v, %v; want B→2 only", cm, err)
	}
}

func TestFaceFallback(t *testing.T) {
	f := mustFont(t)
	if len(f.faces) < 2 {
		t.Fatalf("want the Song face and a fallback, got %v", f.Paths())
	}
	// 筼 is not in GB 2312, so the Song face lacks it and the fallback draws it.
	ln := f.shape("筼筜湖ABC", 12)
	if len(ln.spans) != 2 || ln.spans[0].face == 0 || ln.spans[0].text != "筼筜" || ln.spans[1].face != 0 {
		t.Errorf("spans = %+v", ln.spans)
	}
	for _, r := range "厦门海沧建设发展有限公司０123（）《》，。、；：" {
		if f.faceOf(r) != 0 {
			t.Errorf("%q is not drawn with the main face", r)
		}
	}
	for _, r := range "喆玥昇堃" {
		if _, ok := f.faces[f.faceOf(r)].widths[r]; !ok {
			t.Errorf("no face has %q", r)
		}
	}
}

// TestSamples writes sample certificates and PNGs of them to
// $CERT_SAMPLE_DIR to look at; without it, it only renders them.
func TestSamples(t *testing.T) {
	dir := os.Getenv("CERT_SAMPLE_DIR")
	docs := map[string]Document{
		"sample-licence": licenceDoc(), "sample-approval": approvalDoc(),
		"sample-filing": filingDoc(), "sample-opinion": opinionDoc(),
		"sample-licence-long": longDoc(KindLicence, 200), "sample-approval-long": longDoc(KindApproval, 200),
	}
	for name, d := range docs {
		out := mustRender(t, d)
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(p, out.pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, mustTool(t, "pdftoppm", "poppler-utils"), "-r", "80", "-png", p, filepath.Join(dir, name))
	}
}

func BenchmarkRender(b *testing.B) {
	f := mustFont(b)
	for _, d := range []Document{licenceDoc(), approvalDoc(), longDoc(KindLicence, 200)} {
		b.Run(d.Kind+"-"+fmt.Sprint(len([]rune(d.HolderName))), func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				pdf, err := Render(d, f)
				if err != nil {
					b.Fatal(err)
				}
				n = len(pdf)
			}
			b.ReportMetric(float64(n), "pdf-bytes")
		})
	}
}

func BenchmarkLoadFont(b *testing.B) {
	p, err := FindFont("")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := LoadFont(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFontParse is what every render pays the PDF library to parse
// one face: the part of a render the Font cannot cache.
func BenchmarkFontParse(b *testing.B) {
	f := mustFont(b)
	for b.Loop() {
		p := fpdf.New("P", "mm", "A4", "")
		p.AddUTF8FontFromBytes("x", "", f.faces[0].data)
	}
}

// FuzzRender feeds applicant-typed text (names, scale) to the renderer: it
// must render or refuse with an apperr, and never lay text over text.
func FuzzRender(f *testing.F) {
	f.Add("厦门海沧建设发展有限公司", "海沧区筼筜湖片区保障性住房项目", "总建筑面积 86500 平方米\n住宅 8 栋", "licence")
	f.Add("（（（《《“", "）））》》”，，，。。", "\t\r\n\u2028\x00", "approval")
	f.Add(strings.Repeat("W", 300), strings.Repeat("𠀀", 50), strings.Repeat(" ", 100), "filing")
	f.Add("😀🇨🇳", "\u0301\u200b\ufeff", "ＡＢＣ　ｘｙｚ", "opinion")
	f.Fuzz(func(t *testing.T, holder, project, scale, kind string) {
		d := licenceDoc()
		d.Kind, d.HolderName, d.ProjectName, d.Scale = kind, holder, project, scale
		out, err := render(d, mustFont(t))
		if err != nil {
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("render: %v", err)
			}
			return
		}
		checkLayout(t, out)
		if n, ok := NumberFromPDF(out.pdf); !ok || n != d.Number {
			t.Fatalf("NumberFromPDF = %q, %v", n, ok)
		}
	})
}

func TestRenderBeyondBMP(t *testing.T) {
	// Found by FuzzRender: the PDF library panicked on characters beyond
	// the Basic Multilingual Plane. They print as □.
	d := licenceDoc()
	d.HolderName = "𠮷野家😀有限公司"
	out := mustRender(t, d)
	if !hasBox(out, "□野家□有限公司") || out.wholeFonts {
		t.Errorf("holder not printed as □野家□有限公司 with cut fonts")
	}
}

// BenchmarkNumberFromPDF: finding the number in 20 MB of decoy markers
// (an uploaded file at the verification page's limit) stays linear.
func BenchmarkNumberFromPDF(b *testing.B) {
	big := bytes.Repeat([]byte("/Keywords (tongban-cert:"), (20<<20)/len("/Keywords (tongban-cert:"))
	b.SetBytes(int64(len(big)))
	for b.Loop() {
		NumberFromPDF(big)
	}
}
