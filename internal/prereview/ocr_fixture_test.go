package prereview

import (
	"bytes"
	"context"
	"crypto/sha256"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/tongban/tongban/internal/ident"
)

// The OCR tests render their own documents: a business licence (营业执照)
// laid out like the 2016 national one, and a contract page with an amount in
// capital numerals, as PDFs with real Chinese text (fpdf with the
// certificates' Song face), rasterised by pdftoppm at a chosen dpi and
// optionally degraded like a scan (slight rotation, noise, JPEG).

// ocrFontPath is the Song face the certificates use (scripts/pdftools.sh
// installs it).
const ocrFontPath = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"

// testLicence is what a rendered licence says.
type testLicence struct {
	USCC      string // printed as is (may have a wrong check character)
	Name      string
	Type      string
	Legal     string
	Capital   string // 大写, e.g. 壹佰贰拾万元整
	Founded   string // 2015年03月12日
	From      string // 营业期限 start, 2015年03月12日
	Until     string // 营业期限 end, 2035年03月11日 or 长期
	Address   string
	Authority string
	Issued    string // 2020年05月20日
	Seal      bool   // a red round seal over the authority and date
	SealName  bool   // a second one stamped across the name
}

// mustUSCC returns a valid credit code made from a 17-character body.
func mustUSCC(t testing.TB, body string) string {
	t.Helper()
	c, err := ident.USCCCheckChar(body)
	if err != nil {
		t.Fatal(err)
	}
	return body + string(c)
}

func defaultLicence(t testing.TB) testLicence {
	return testLicence{
		USCC:      mustUSCC(t, "91350200MA2Y3K7Q5"),
		Name:      "厦门海沧建设发展有限公司",
		Type:      "有限责任公司（自然人投资或控股）",
		Legal:     "陈明华",
		Capital:   "壹佰贰拾万元整",
		Founded:   "2015年03月12日",
		From:      "2015年03月12日",
		Until:     "2035年03月11日",
		Address:   "厦门市海沧区海沧大道 567 号",
		Authority: "厦门市海沧区市场监督管理局",
		Issued:    "2020年05月20日",
		Seal:      true,
	}
}

// needTool fails (never skips) when a tool the test needs is missing,
// naming the script that installs it.
func needTool(t testing.TB, tool, script string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s is not installed: run %s (make test installs it)", tool, script)
	}
}

// needOCR fails when Tesseract or its Chinese data is missing.
func needOCR(t testing.TB) {
	t.Helper()
	if ok, why := OCRAvailable(); !ok {
		t.Fatalf("OCR is not available: %s", why)
	}
}

// ocrKaiPath is a Kai (楷体) face, for documents in a style the amount
// templates were not made from.
const ocrKaiPath = "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"

func newTestPDF(t testing.TB, orientation, fontPath string) *fpdf.Fpdf {
	t.Helper()
	font, err := os.ReadFile(fontPath)
	if err != nil {
		t.Fatalf("font %s is missing: run scripts/pdftools.sh and scripts/ocrtools.sh", fontPath)
	}
	p := fpdf.New(orientation, "mm", "A4", "")
	p.SetCompression(true)
	p.AddUTF8FontFromBytes("song", "", font)
	p.SetMargins(0, 0, 0)
	p.SetAutoPageBreak(false, 0)
	p.AddPage()
	return p
}

// renderLicencePDF draws a landscape A4 business licence (副本).
func renderLicencePDF(t testing.TB, l testLicence) []byte {
	t.Helper()
	p := newTestPDF(t, "L", ocrFontPath)
	// Frame.
	p.SetDrawColor(170, 120, 60)
	p.SetLineWidth(1.2)
	p.Rect(8, 8, 281, 194, "D")
	p.SetLineWidth(0.3)
	p.Rect(11, 11, 275, 188, "D")

	p.SetTextColor(0, 0, 0)
	p.SetFont("song", "", 34)
	p.SetXY(0, 30)
	p.CellFormat(297, 14, "营 业 执 照", "", 0, "C", false, 0, "")
	p.SetFont("song", "", 14)
	p.SetXY(0, 46)
	p.CellFormat(297, 8, "（副　本）", "", 0, "C", false, 0, "")

	p.SetFont("song", "", 12)
	p.SetXY(22, 26)
	p.CellFormat(120, 7, "统一社会信用代码", "", 0, "L", false, 0, "")
	p.SetXY(22, 33)
	p.CellFormat(120, 7, l.USCC, "", 0, "L", false, 0, "")

	row := func(x, y float64, label, value string, w float64) float64 {
		p.SetXY(x, y)
		p.CellFormat(28, 7, label, "", 0, "L", false, 0, "")
		p.SetXY(x+30, y)
		lines := wrapText(p, value, w)
		for i, s := range lines {
			p.SetXY(x+30, y+float64(i)*7)
			p.CellFormat(w, 7, s, "", 0, "L", false, 0, "")
		}
		return y + float64(max(len(lines), 1))*7 + 5
	}
	p.SetFont("song", "", 12)
	y := 70.0
	y = row(22, y, "名　　称", l.Name, 100)
	y = row(22, y, "类　　型", l.Type, 100)
	y = row(22, y, "法定代表人", l.Legal, 100)
	row(22, y, "经营范围", "房屋建筑工程施工；市政公用工程施工；建筑材料销售。（依法须经批准的项目，经相关部门批准后方可开展经营活动）", 100)

	y = 70.0
	y = row(160, y, "注册资本", "人民币"+l.Capital, 95)
	y = row(160, y, "成立日期", l.Founded, 95)
	until := l.Until
	y = row(160, y, "营业期限", l.From+"至"+until, 95)
	row(160, y, "住　　所", l.Address, 95)

	p.SetXY(190, 160)
	p.CellFormat(30, 7, "登记机关", "", 0, "L", false, 0, "")
	p.SetXY(190, 178)
	p.CellFormat(80, 7, l.Issued, "", 0, "L", false, 0, "")
	if l.Seal {
		drawTestSeal(p, 232, 170, 21, l.Authority)
	}
	if l.SealName {
		drawTestSeal(p, 95, 74, 21, l.Name)
	}
	p.SetFont("song", "", 9)
	p.SetTextColor(60, 60, 60)
	p.SetXY(22, 188)
	p.CellFormat(250, 5, "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", "", 0, "L", false, 0, "")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wrapText breaks s into lines no wider than w (fpdf's SplitText does
// not handle UTF-8 fonts).
func wrapText(p *fpdf.Fpdf, s string, w float64) []string {
	var lines []string
	var cur []rune
	for _, r := range s {
		if len(cur) > 0 && p.GetStringWidth(string(append(cur, r))) > w {
			lines = append(lines, string(cur))
			cur = cur[:0]
		}
		cur = append(cur, r)
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// renderAmountPDF draws a portrait contract page whose total is written
// in capital numerals and in figures.
func renderAmountPDF(t testing.TB, fontPath, capital, figures string) []byte {
	t.Helper()
	p := newTestPDF(t, "P", fontPath)
	p.SetFont("song", "", 20)
	p.SetXY(0, 25)
	p.CellFormat(210, 10, "建设工程施工合同（摘要）", "", 0, "C", false, 0, "")
	p.SetFont("song", "", 12)
	lines := []string{
		"发包人：厦门海沧建设发展有限公司",
		"承包人：福建闽南路桥工程有限公司",
		"工程名称：海沧区东孚街道安置房二期项目",
		"工程地点：厦门市海沧区东孚街道",
		"合同工期：自2026年01月10日至2027年06月30日",
		"合同价款（大写）：人民币" + capital,
		"（小写）：￥" + figures + "元",
		"本合同一式八份，发包人、承包人各执四份。",
	}
	for i, s := range lines {
		p.SetXY(25, 50+float64(i)*11)
		p.CellFormat(170, 8, s, "", 0, "L", false, 0, "")
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// drawTestSeal draws a red round official seal: double ring, star, the
// authority's name on an arc and 专用章 below. It multiplies like ink
// stamped on paper: black print under it stays black.
func drawTestSeal(p *fpdf.Fpdf, cx, cy, r float64, name string) {
	p.SetAlpha(1, "Multiply")
	defer p.SetAlpha(1, "Normal")
	p.SetDrawColor(225, 30, 35)
	p.SetFillColor(225, 30, 35)
	p.SetTextColor(225, 30, 35)
	p.SetLineWidth(1.1)
	p.Circle(cx, cy, r, "D")
	p.SetLineWidth(0.3)
	p.Circle(cx, cy, r-1.6, "D")
	var pts []fpdf.PointType
	for i := 0; i < 10; i++ {
		rr := r * 0.26
		if i%2 == 1 {
			rr = r * 0.10
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts = append(pts, fpdf.PointType{X: cx + rr*math.Cos(a), Y: cy + rr*math.Sin(a)})
	}
	p.Polygon(pts, "F")
	runes := []rune(name)
	p.SetFont("song", "", 11)
	span := 240.0
	for i, c := range runes {
		deg := -span/2 + span*(float64(i)+0.5)/float64(len(runes))
		a := (deg - 90) * math.Pi / 180
		x, y := cx+(r-5.2)*math.Cos(a), cy+(r-5.2)*math.Sin(a)
		p.TransformBegin()
		p.TransformRotate(-deg, x, y)
		p.SetXY(x-2.2, y-2.2)
		p.CellFormat(4.4, 4.4, string(c), "", 0, "C", false, 0, "")
		p.TransformEnd()
	}
	p.SetFont("song", "", 9)
	p.SetXY(cx-10, cy+r*0.42)
	p.CellFormat(20, 4, "登记专用章", "", 0, "C", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// rasterised caches rasterise: several tests read the same renders.
var rasterised sync.Map // [sha256 of the PDF, dpi] → image.Image

// rasterise renders page 1 of a PDF with pdftoppm at dpi.
func rasterise(t testing.TB, pdf []byte, dpi int) image.Image {
	t.Helper()
	type key struct {
		sum [32]byte
		dpi int
	}
	k := key{sha256.Sum256(pdf), dpi}
	if img, ok := rasterised.Load(k); ok {
		return img.(image.Image)
	}
	needTool(t, "pdftoppm", "scripts/pdftools.sh")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := filepath.Join(dir, "page")
	cmd := exec.CommandContext(ctx, "pdftoppm", "-r", strconv.Itoa(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", in, out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, b)
	}
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	rasterised.Store(k, img)
	return img
}

// degrade makes a render look like a scan: rotated by deg, grey noise of
// the given amplitude, a slightly grey paper, and JPEG at quality q.
func degrade(t testing.TB, img image.Image, deg float64, noise int, q int, seed uint64) image.Image {
	t.Helper()
	b := img.Bounds()
	src := image.NewRGBA(b)
	draw.Draw(src, b, img, b.Min, draw.Src)
	dst := image.NewRGBA(b)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	w, h := b.Dx(), b.Dy()
	for y := 0; y < h; y++ {
		row := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for x := 0; x < w; x++ {
			// Inverse rotation, nearest neighbour: the blockiness is what
			// a cheap scanner's deskew leaves too.
			fx := cos*(float64(x)-cx) + sin*(float64(y)-cy) + cx
			fy := -sin*(float64(x)-cx) + cos*(float64(y)-cy) + cy
			ix, iy := int(math.Round(fx)), int(math.Round(fy))
			r, g, bl := uint8(240), uint8(238), uint8(232)
			if ix >= 0 && iy >= 0 && ix < w && iy < h {
				o := src.PixOffset(ix, iy)
				r, g, bl = min(src.Pix[o], 240), min(src.Pix[o+1], 238), min(src.Pix[o+2], 232)
			}
			if noise > 0 {
				n := rng.IntN(2*noise+1) - noise
				r, g, bl = clampByte(int(r)+n), clampByte(int(g)+n), clampByte(int(bl)+n)
			}
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = r, g, bl, 255
		}
	}
	if q <= 0 {
		return dst
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func clampByte(v int) uint8 {
	return uint8(min(max(v, 0), 255))
}

// writePNG saves an image for a person to look at (go test -run X
// -ocr.keep).
func writePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// squash removes every space, for comparing OCR text loosely.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\t' || r == '　' {
			return -1
		}
		return r
	}, s)
}
