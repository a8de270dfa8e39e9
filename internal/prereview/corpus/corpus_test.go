package corpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "golang.org/x/image/tiff"
)

// needTools fails the test, naming the script that installs them, when
// poppler's programs are missing.
func needTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "pdfinfo", "pdftotext", "pdfimages"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: run scripts/pdftools.sh (poppler-utils)", tool)
		}
	}
	if _, _, err := loadFonts(); err != nil {
		t.Fatal(err)
	}
}

// oneOfEach is one case of every recipe, generated once for the tests.
var oneOfEach struct {
	once  sync.Once
	dir   string
	cases []Case
	err   error
}

func mustOneOfEach(t *testing.T) (string, []Case) {
	t.Helper()
	needTools(t)
	oneOfEach.once.Do(func() {
		dir, err := os.MkdirTemp("", "corpus-test-*")
		if err != nil {
			oneOfEach.err = err
			return
		}
		oneOfEach.dir = dir
		oneOfEach.cases, oneOfEach.err = Generate(dir, NumRecipes, 7)
	})
	if oneOfEach.err != nil {
		t.Fatal(oneOfEach.err)
	}
	return oneOfEach.dir, oneOfEach.cases
}

func TestMain(m *testing.M) {
	code := m.Run()
	if oneOfEach.dir != "" {
		os.RemoveAll(oneOfEach.dir)
	}
	os.Exit(code)
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, out)
	}
	return string(out)
}

var pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

func pdfPages(t *testing.T, path string) int {
	t.Helper()
	m := pagesRE.FindStringSubmatch(run(t, "pdfinfo", path))
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count", path)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestGenerate checks every kind of case against the file written: the
// type and page count, the resolution a scan records, the text a
// born-digital PDF carries, and where its seals are.
func TestGenerate(t *testing.T) {
	dir, cases := mustOneOfEach(t)
	if len(cases) != NumRecipes {
		t.Fatalf("%d cases, want %d", len(cases), NumRecipes)
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cases, loaded); diff != "" {
		t.Fatalf("cases.json differs from what Generate returned (-got +loaded):\n%s", diff)
	}
	stamps, pens := 0, 0
	for _, c := range cases {
		stamps += strings.Count(c.Notes, "rectangular stamp")
		pens += strings.Count(c.Notes, "red pen")
	}
	if stamps == 0 || pens == 0 {
		t.Errorf("red marks that are not seals: %d rectangular stamps, %d pen marks", stamps, pens)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			path := filepath.Join(dir, c.File)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			e := c.Expect
			switch c.Source {
			case "vector", "scan":
				if e.Type != "pdf" || !bytes.HasPrefix(data, []byte("%PDF-")) {
					t.Fatalf("type %s, file starts %q", e.Type, data[:8])
				}
				if got := pdfPages(t, path); got != e.Pages {
					t.Errorf("pdfinfo says %d pages, expected %d", got, e.Pages)
				}
			case "image":
				cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				if format != e.Type || e.Pages != 1 {
					t.Errorf("decoded as %s, expected %s with %d pages", format, e.Type, e.Pages)
				}
				if d := imageDPI(data); d != 0 && d != e.DPI {
					t.Errorf("the file records %d dpi, expected %d", d, e.DPI)
				}
				// A4 at the case's resolution.
				long := math.Max(float64(cfg.Width), float64(cfg.Height))
				if got := long / (297 / 25.4); math.Abs(got-float64(e.DPI)) > 1 {
					t.Errorf("%d × %d pixels is %.1f dpi on A4, expected %d", cfg.Width, cfg.Height, got, e.DPI)
				}
			default:
				t.Fatalf("source %q", c.Source)
			}
			if c.Source == "scan" {
				checkScanPPI(t, path, e.DPI)
			}
			if c.Source == "vector" {
				checkText(t, path, c)
			}
			checkSeals(t, path, data, c)
			checkExpect(t, c)
		})
	}
}

// imageDPI reads the resolution a JPEG (JFIF), PNG (pHYs) or TIFF records,
// 0 if none.
func imageDPI(data []byte) int {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff\xe0")) && string(data[6:10]) == "JFIF" && data[13] == 1:
		return int(binary.BigEndian.Uint16(data[14:]))
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		if i := bytes.Index(data, []byte("pHYs")); i > 0 && data[i+12] == 1 {
			return int(math.Round(float64(binary.BigEndian.Uint32(data[i+4:])) * 0.0254))
		}
	case bytes.HasPrefix(data, []byte("II*\x00")):
		ifd := binary.LittleEndian.Uint32(data[4:])
		n := int(binary.LittleEndian.Uint16(data[ifd:]))
		for k := 0; k < n; k++ {
			e := data[int(ifd)+2+12*k:]
			if binary.LittleEndian.Uint16(e) == 282 {
				off := binary.LittleEndian.Uint32(e[8:])
				return int(binary.LittleEndian.Uint32(data[off:]) / binary.LittleEndian.Uint32(data[off+4:]))
			}
		}
	}
	return 0
}

// checkScanPPI checks that pdfimages sees one image a page at the scan's
// resolution.
func checkScanPPI(t *testing.T, path string, dpi int) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(run(t, "pdfimages", "-list", path)), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdfimages -list: no images")
	}
	for _, ln := range lines[2:] {
		f := strings.Fields(ln)
		// page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
		xppi, _ := strconv.Atoi(f[12])
		if xppi < dpi-1 || xppi > dpi+1 {
			t.Errorf("page %s: %d ppi, expected %d", f[0], xppi, dpi)
		}
	}
}

// checkText checks that a born-digital PDF's text carries the fields the
// case expects, as pdftotext reads them.
func checkText(t *testing.T, path string, c Case) {
	t.Helper()
	text := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", path, "-")), "")
	for k, v := range c.Expect.Fields {
		switch k {
		case "valid_from", "valid_until", "amount":
			continue // written differently in the text
		}
		if !strings.Contains(text, v) {
			t.Errorf("field %s = %q is not in the text", k, v)
		}
	}
}

// checkSeals checks that every expected seal box holds seal-red ink in a
// rendering of the page, and that slices touch their edge.
func checkSeals(t *testing.T, path string, data []byte, c Case) {
	t.Helper()
	pages := map[int]image.Image{}
	if c.Source == "image" {
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		pages[1] = img
	} else {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := rasterize(context.Background(), raw, 40)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rs {
			pages[i+1] = rgbImage(r)
		}
	}
	for pg, boxes := range c.Expect.SealBoxes {
		if got, want := len(boxes), len(c.Expect.Seals[pg]); got != want {
			t.Errorf("page %d: %d boxes for %d seals", pg, got, want)
		}
		img := pages[pg]
		if img == nil {
			t.Fatalf("page %d of %d", pg, len(pages))
		}
		b := img.Bounds()
		for _, s := range boxes {
			x0, y0 := int(s.Box[0]*float64(b.Dx())), int(s.Box[1]*float64(b.Dy()))
			x1, y1 := int(s.Box[2]*float64(b.Dx())), int(s.Box[3]*float64(b.Dy()))
			red, all := 0, 0
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					r, g, bl, _ := img.At(x, y).RGBA()
					all++
					if int(r>>8)-int(max(g, bl)>>8) > 40 {
						red++
					}
				}
			}
			if all == 0 || float64(red)/float64(all) < 0.04 {
				t.Errorf("page %d: %s box %v holds %d red pixels of %d", pg, s.Kind, s.Box, red, all)
			}
			if s.Kind == KindPerforation && c.Scan == nil || s.Kind == KindPerforation && c.Scan.Angle == 0 {
				if s.Edge == "right" && s.Box[2] < 0.999 || s.Edge == "left" && s.Box[0] > 0.001 {
					t.Errorf("page %d: slice %v does not touch the %s edge", pg, s.Box, s.Edge)
				}
			}
		}
	}
}

// rgbImage wraps a raster as an image.Image.
func rgbImage(r *raster) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, r.W, r.H))
	for i := 0; i < r.W*r.H; i++ {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = r.Pix[3*i], r.Pix[3*i+1], r.Pix[3*i+2], 255
	}
	return img
}

// checkExpect checks what each recipe promises.
func checkExpect(t *testing.T, c Case) {
	t.Helper()
	e := c.Expect
	name := c.Name[4:]
	has := func(code string) bool { return slices.Contains(e.Codes, code) }
	for _, code := range e.Codes {
		if slices.Contains(e.NotCodes, code) {
			t.Errorf("%s both expected and not", code)
		}
	}
	kinds := func(pg int) []string { return e.Seals[pg] }
	switch name {
	case "redhead-unsealed", "application-unsealed":
		if !has(codeSealMissing) || len(e.Seals) != 0 {
			t.Errorf("expected seal_missing and no seals: %v %v", e.Codes, e.Seals)
		}
	case "landcert-unstamped":
		var all []int
		for pg := 1; pg <= e.Pages; pg++ {
			all = append(all, pg)
		}
		if !slices.Equal(e.CodePages[codePerforationSealMissing], all) {
			t.Errorf("perforation_seal_missing on %v, want every page", e.CodePages[codePerforationSealMissing])
		}
	case "contract-perforation-gap", "landcert-perforation-gap":
		if len(e.CodePages[codePerforationSealMissing]) != 1 {
			t.Errorf("perforation_seal_missing on %v, want one page", e.CodePages[codePerforationSealMissing])
		}
	case "contract-perforation", "landcert-perforation", "contract-signature-page", "contract-lowres":
		for pg := 1; pg <= e.Pages; pg++ {
			if !slices.Contains(kinds(pg), KindPerforation) {
				t.Errorf("page %d has no slice: %v", pg, kinds(pg))
			}
		}
		if slices.Contains(c.Require, RequirePerforation) && !slices.Contains(e.NotCodes, codePerforationSealMissing) {
			t.Errorf("every page has its slice, yet perforation_seal_missing is not ruled out")
		}
	case "application-blank-page", "contract-blank-page":
		if !has(codeBlankPage) || len(e.Blank) != 1 || e.Blank[0] == e.Pages {
			t.Errorf("expected one blank page before the last: %v", e.Blank)
		}
	case "form-unsealed":
		if len(e.Seals) != 0 || len(c.Require) != 0 || has(codeSealMissing) {
			t.Errorf("red print only, nothing required: %v %v", e.Seals, e.Codes)
		}
	case "licence-expired":
		if !slices.Contains(append(e.Codes, e.OCRCodes...), codeExpired) || e.Fields["valid_until"] >= Today {
			t.Errorf("expired: %v %v %v", e.Codes, e.OCRCodes, e.Fields)
		}
	case "application-bad-uscc":
		if !has(codeUSCCInvalid) {
			t.Errorf("uscc_invalid expected: %v", e.Codes)
		}
	case "licence-name-mismatch", "application-name-mismatch":
		if !slices.Contains(append(e.Codes, e.OCRCodes...), codeNameMismatch) || c.App.EnterpriseName == e.Fields["enterprise_name"] {
			t.Errorf("name_mismatch: %v %v %+v", e.Codes, e.OCRCodes, c.App)
		}
	case "form-uscc-mismatch":
		if !has(codeUSCCMismatch) || c.App.USCC == e.Fields["uscc"] {
			t.Errorf("uscc_mismatch: %v %+v", e.Codes, c.App)
		}
	}
	if e.DPI > 0 && e.DPI < 150 {
		if !has(codeLowResolution) {
			t.Errorf("%d dpi without low_resolution", e.DPI)
		}
	} else if !slices.Contains(e.NotCodes, codeLowResolution) {
		t.Errorf("%d dpi, yet low_resolution is not ruled out", e.DPI)
	}
	if c.Noisy != (c.Scan != nil && c.Scan.Noise > 0) {
		t.Errorf("noisy %v with scan %+v", c.Noisy, c.Scan)
	}
	if c.Noisy && (math.Abs(c.Scan.Angle) < 0.5 || math.Abs(c.Scan.Angle) > 2 || c.Scan.Quality < 40 || c.Scan.Quality > 80) {
		t.Errorf("noisy scan outside 0.5–2° and quality 40–80: %+v", c.Scan)
	}
}

// TestDeterministic: the same seed writes the same bytes; another seed
// other ones.
func TestDeterministic(t *testing.T) {
	needTools(t)
	ctx := context.Background()
	for _, i := range []int{0, 1, 2} { // a born-digital PDF, a scanned PDF, a JPEG
		a, b, other := t.TempDir(), t.TempDir(), t.TempDir()
		ca, err := GenerateCase(ctx, a, i, 42)
		if err != nil {
			t.Fatal(err)
		}
		cb, err := GenerateCase(ctx, b, i, 42)
		if err != nil {
			t.Fatal(err)
		}
		co, err := GenerateCase(ctx, other, i, 43)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(ca, cb); diff != "" {
			t.Errorf("case %d: expectations differ for one seed:\n%s", i, diff)
		}
		ha, hb, ho := hashFile(t, filepath.Join(a, ca.File)), hashFile(t, filepath.Join(b, cb.File)), hashFile(t, filepath.Join(other, co.File))
		if ha != hb {
			t.Errorf("case %d: two runs with one seed wrote different files", i)
		}
		if ha == ho {
			t.Errorf("case %d: two seeds wrote the same file", i)
		}
	}
}

func hashFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// TestSealGeometry draws seals and checks the boxes recorded against the
// ink: round and oval, tilted, and the slices of a perforation seal, which
// together must make up the whole seal.
func TestSealGeometry(t *testing.T) {
	needTools(t)
	r := newRand(3)
	d, err := newDoc(r, "P")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		d.addPage()
	}
	d.pdf.SetPage(1)
	d.reset()
	d.stamp(d.newSeal(60, 80, "测试有限公司", "合同专用章", false))
	d.stamp(d.newSeal(140, 200, "测试建设工程有限公司", "合同专用章", true))
	s := d.newSeal(0, 150, "某某市不动产登记中心", "", false)
	d.perforation(s, []int{1, 2, 4}, "right")
	data, err := d.output()
	if err != nil {
		t.Fatal(err)
	}
	truth, _ := d.truth()
	rs, err := rasterize(context.Background(), data, 72)
	if err != nil {
		t.Fatal(err)
	}
	if len(truth[3]) != 0 {
		t.Errorf("page 3 was left out of the perforation, yet has %v", truth[3])
	}
	width := 0.0
	for _, pg := range []int{1, 2, 4} {
		var slice *SealBox
		for i, b := range truth[pg] {
			if b.Kind == KindPerforation {
				slice = &truth[pg][i]
			}
		}
		if slice == nil {
			t.Fatalf("page %d: no slice in %v", pg, truth[pg])
		}
		width += (slice.Box[2] - slice.Box[0]) * d.w
	}
	if math.Abs(width-2*s.a) > 2*s.a*0.15 {
		t.Errorf("the slices are %.1f mm wide in all, the seal %.1f mm", width, 2*s.a)
	}
	for pg, boxes := range truth {
		img := rs[pg-1]
		for _, b := range boxes {
			// Red inside the box, none in a 3 px ring around it.
			in, out := redIn(img, b.Box, 0), redIn(img, b.Box, 3)-redIn(img, b.Box, 0)
			if in < 50 || out > in/50 {
				t.Errorf("page %d: %s %v: %d red pixels inside, %d just outside", pg, b.Kind, b.Box, in, out)
			}
		}
	}
}

// redIn counts red pixels in box (fractions) grown by grow pixels.
func redIn(img *raster, box [4]float64, grow int) int {
	x0, y0 := int(box[0]*float64(img.W))-grow, int(box[1]*float64(img.H))-grow
	x1, y1 := int(math.Ceil(box[2]*float64(img.W)))+grow, int(math.Ceil(box[3]*float64(img.H)))+grow
	n := 0
	for y := max(y0, 0); y < min(y1, img.H); y++ {
		for x := max(x0, 0); x < min(x1, img.W); x++ {
			i := 3 * (y*img.W + x)
			if int(img.Pix[i])-int(max(img.Pix[i+1], img.Pix[i+2])) > 40 {
				n++
			}
		}
	}
	return n
}

// TestRotateBoxes: a box moved by rotateBoxes is where degrade moves the
// ink.
func TestRotateBoxes(t *testing.T) {
	const w, h = 400, 600
	src := &raster{Pix: make([]byte, 3*w*h), W: w, H: h}
	for i := range src.Pix {
		src.Pix[i] = 255
	}
	box := SealBox{Kind: KindRound, Box: [4]float64{0.6, 0.1, 0.8, 0.25}}
	for y := 60; y < 150; y++ {
		for x := 240; x < 320; x++ {
			src.Pix[3*(y*w+x)+1], src.Pix[3*(y*w+x)+2] = 0, 0
		}
	}
	for _, angle := range []float64{-2, -0.5, 0.5, 2} {
		spec := ScanSpec{Angle: angle, Paper: 1}
		out := degrade(src, spec, nil, newRand(1))
		got := rotateBoxes([]SealBox{box}, angle, w, h)[0].Box
		// The ink's bounding box.
		minX, minY, maxX, maxY := w, h, 0, 0
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				i := y*out.Stride + 4*x
				if int(out.Pix[i])-int(out.Pix[i+1]) > 128 {
					minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x+1), max(maxY, y+1)
				}
			}
		}
		want := [4]float64{float64(minX) / w, float64(minY) / h, float64(maxX) / w, float64(maxY) / h}
		for k := range got {
			if math.Abs(got[k]-want[k])*w > 2.5 {
				t.Errorf("angle %v: box %v, ink at %v", angle, got, want)
				break
			}
		}
	}
}

// TestEncoders: the image files decode and record their resolution.
func TestEncoders(t *testing.T) {
	src := &raster{Pix: make([]byte, 3*120*80), W: 120, H: 80}
	for i := range src.Pix {
		src.Pix[i] = byte(i * 7)
	}
	img := degrade(src, ScanSpec{Paper: 1}, nil, newRand(1))
	for _, tc := range []struct {
		name string
		enc  func() ([]byte, error)
	}{
		{"jpeg", func() ([]byte, error) { return encodeJPEG(img, 80, 137) }},
		{"png", func() ([]byte, error) { return encodePNG(img, 137) }},
		{"tiff", func() ([]byte, error) { return encodeTIFF(img, 137) }},
	} {
		data, err := tc.enc()
		if err != nil {
			t.Fatal(err)
		}
		got, format, err := image.Decode(bytes.NewReader(data))
		if err != nil || format != tc.name {
			t.Fatalf("%s: decoded as %s: %v", tc.name, format, err)
		}
		if got.Bounds() != img.Bounds() {
			t.Errorf("%s: %v, want %v", tc.name, got.Bounds(), img.Bounds())
		}
		if d := imageDPI(data); d != 137 {
			t.Errorf("%s: %d dpi recorded, want 137", tc.name, d)
		}
		if tc.name != "jpeg" { // lossless: the same pixels
			for y := 0; y < 80; y++ {
				for x := 0; x < 120; x++ {
					r1, g1, b1, _ := got.At(x, y).RGBA()
					r2, g2, b2, _ := img.At(x, y).RGBA()
					if r1 != r2 || g1 != g2 || b1 != b2 {
						t.Fatalf("%s: pixel (%d, %d) differs", tc.name, x, y)
					}
				}
			}
		}
	}
}

// BenchmarkGenerateCase measures one case, averaged over the recipes in
// turn (pdftoppm included).
func BenchmarkGenerateCase(b *testing.B) {
	needTools(b)
	dir := b.TempDir()
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := GenerateCase(ctx, dir, i%NumRecipes, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

// TestCoverage: one case of each recipe and the edge cases expect every
// code at least once and rule each out at least once, without OCR (so
// that an inspection test over them covers every code both ways).
func TestCoverage(t *testing.T) {
	_, cases := mustOneOfEach(t)
	edge, err := EdgeCases(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	yes, no := map[string]int{}, map[string]int{}
	for _, c := range append(cases, edge...) {
		for _, code := range c.Expect.Codes {
			yes[code]++
		}
		for _, code := range c.Expect.NotCodes {
			no[code]++
		}
	}
	for _, code := range Codes() {
		if yes[code] == 0 || no[code] == 0 {
			t.Errorf("%s: expected in %d cases, ruled out in %d", code, yes[code], no[code])
		}
	}
}
