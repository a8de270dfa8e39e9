package corpus

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/tongban/tongban/internal/cert"
)

// Fonts: the faces internal/cert embeds in electronic certificates (a Song
// face for body text and seals, Droid Sans Fallback as a sans face for
// headings), read once.
var fonts struct {
	once sync.Once
	song []byte
	sans []byte
	err  error
}

// loadFonts reads the CJK fonts, or says what to install.
func loadFonts() ([]byte, []byte, error) {
	fonts.once.Do(func() { fonts.song, fonts.sans, fonts.err = readFonts("") })
	return fonts.song, fonts.sans, fonts.err
}

// readFonts reads the song and sans faces and cuts both down to the
// characters the corpus draws and those of extra: fpdf parses a face for
// every document, and a whole CJK face takes it longer than drawing the
// document.
func readFonts(extra string) (song, sans []byte, err error) {
	paths, err := cert.FindFont("")
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: no CJK font (run scripts/pdftools.sh): %w", err)
	}
	ps := strings.Split(paths, string(os.PathListSeparator))
	if song, err = os.ReadFile(ps[0]); err != nil {
		return nil, nil, fmt.Errorf("corpus: %w", err)
	}
	sans = song
	if len(ps) > 1 {
		if sans, err = os.ReadFile(ps[len(ps)-1]); err != nil {
			return nil, nil, fmt.Errorf("corpus: %w", err)
		}
	}
	cs := charset() + extra
	return fpdf.UTF8CutFont(song, cs), fpdf.UTF8CutFont(sans, cs), nil
}

// charset is every character the corpus can draw: printable ASCII and
// the characters of the package's string literals (drawnChars, kept
// current by TestCharset).
func charset() string {
	var b strings.Builder
	for c := ' '; c <= '~'; c++ {
		b.WriteRune(c)
	}
	b.WriteString(drawnChars)
	return b.String()
}

// epoch is the creation date written into every PDF, so that a seed gives
// the same bytes.
var epoch = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

type rgb struct{ r, g, b int }

var (
	black    = rgb{0, 0, 0}
	darkGrey = rgb{60, 60, 60}
	ink      = rgb{22, 32, 92} // blue-black pen
	redPrint = rgb{220, 20, 30}
)

// sealInk returns a seal red: vermilion to crimson, as stamp pads vary.
func sealInk(r *rand.Rand) rgb {
	return rgb{200 + r.IntN(40), 10 + r.IntN(35), 20 + r.IntN(35)}
}

// doc is a document being drawn: the PDF and what is true of it.
type doc struct {
	pdf  *fpdf.Fpdf
	r    *rand.Rand
	w, h float64 // page size in mm
	orie string  // "P" or "L"

	seals  map[int][]SealBox // page → the seals drawn on it, in mm
	blank  map[int]bool
	size   float64 // current font size (pt)
	family string
	margin float64
	y      float64 // the flow's position on the current page
	header func()  // draws the running header of a new flow page
}

// newDoc starts an A4 document, portrait ("P") or landscape ("L").
func newDoc(r *rand.Rand, orientation string) (*doc, error) {
	song, sans, err := loadFonts()
	if err != nil {
		return nil, err
	}
	return newDocFonts(r, orientation, song, sans), nil
}

// newDoc starts a document of the generator: in the fonts it was given
// (MaterialWriter), else the corpus's.
func (g *gen) newDoc(orientation string) (*doc, error) {
	if g.fonts != nil {
		return newDocFonts(g.r, orientation, g.fonts.song, g.fonts.sans), nil
	}
	return newDoc(g.r, orientation)
}

func newDocFonts(r *rand.Rand, orientation string, song, sans []byte) *doc {
	p := fpdf.New(orientation, "mm", "A4", "")
	p.SetCatalogSort(true)
	p.SetCreationDate(epoch)
	p.SetModificationDate(epoch)
	p.SetAutoPageBreak(false, 0)
	p.SetMargins(0, 0, 0)
	p.AddUTF8FontFromBytes("song", "", song)
	p.AddUTF8FontFromBytes("sans", "", sans)
	w, h := p.GetPageSize()
	return &doc{pdf: p, r: r, w: w, h: h, orie: orientation, seals: map[int][]SealBox{}, blank: map[int]bool{}, margin: 25}
}

// page is the current page number (1-based).
func (d *doc) page() int { return d.pdf.PageNo() }

// addPage starts a page and sets the drawing state every page needs.
func (d *doc) addPage() {
	d.pdf.AddPage()
	d.reset()
	d.y = d.margin
	if d.header != nil {
		d.header()
	}
}

// reset sets the graphics state after AddPage or SetPage (fpdf does not
// re-emit state it believes unchanged, and SetPage returns to a page whose
// stream ended in any state).
func (d *doc) reset() {
	p := d.pdf
	p.SetAlpha(1, "Normal")
	p.SetLineWidth(0.2)
	d.color(black)
	p.SetFont("song", "", 10.5)
	p.SetFontSize(10.5)
	d.family, d.size = "song", 10.5
	p.SetTextRenderingMode(0)
}

// blankPage adds a page with nothing on it.
func (d *doc) blankPage() {
	d.pdf.AddPage()
	d.blank[d.page()] = true
}

func (d *doc) color(c rgb) {
	d.pdf.SetDrawColor(c.r, c.g, c.b)
	d.pdf.SetFillColor(c.r, c.g, c.b)
	d.pdf.SetTextColor(c.r, c.g, c.b)
}

func (d *doc) font(family string, size float64) {
	d.pdf.SetFont(family, "", size)
	d.family, d.size = family, size
}

// mm per point.
const ptMM = 25.4 / 72

// width of s in mm at the current font.
func (d *doc) width(s string) float64 { return d.pdf.GetStringWidth(s) }

// text draws s with its baseline at y.
func (d *doc) text(x, y float64, s string) { d.pdf.Text(x, y, s) }

// bold draws s thickened (fill and stroke), as the faces have no bold.
func (d *doc) bold(x, y float64, s string) {
	p := d.pdf
	p.SetLineWidth(d.size * ptMM / 28)
	p.SetTextRenderingMode(2)
	p.Text(x, y, s)
	p.SetTextRenderingMode(0)
}

// centred draws s centred on the page at baseline y; track spreads the
// characters by that many mm.
func (d *doc) centred(y float64, s string, track float64, thick bool) {
	rs := []rune(s)
	w := d.width(s) + track*float64(len(rs)-1)
	x := (d.w - w) / 2
	d.spaced(x, y, s, track, thick)
}

// spaced draws s from x with track mm between characters.
func (d *doc) spaced(x, y float64, s string, track float64, thick bool) {
	if track == 0 {
		if thick {
			d.bold(x, y, s)
		} else {
			d.text(x, y, s)
		}
		return
	}
	for _, c := range s {
		cs := string(c)
		if thick {
			d.bold(x, y, cs)
		} else {
			d.text(x, y, cs)
		}
		x += d.width(cs) + track
	}
}

// wrap breaks s into lines no wider than width mm (the first indented by
// indent mm), keeping closing punctuation off the start of a line.
func (d *doc) wrap(s string, width, indent float64) []string {
	var lines []string
	var cur []rune
	w := indent
	for _, c := range s {
		cw := d.width(string(c))
		if w+cw > width && len(cur) > 0 && !strings.ContainsRune("，。、；：）》”！？", c) {
			lines = append(lines, string(cur))
			cur, w = cur[:0:0], 0
		}
		cur = append(cur, c)
		w += cw
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// lead is the line height for the current font size.
func (d *doc) lead() float64 { return d.size * ptMM * 1.75 }

// bottom is where the flow stops on a page.
func (d *doc) bottom() float64 { return d.h - d.margin - 8 }

// need starts a new page when h mm do not fit.
func (d *doc) need(h float64) {
	if d.y+h > d.bottom() {
		d.addPage()
	}
}

// para flows a paragraph with a two-character first-line indent.
func (d *doc) para(s string) {
	width := d.w - 2*d.margin
	indent := 2 * d.width("中")
	for i, ln := range d.wrap(s, width, indent) {
		d.need(d.lead())
		x := d.margin
		if i == 0 {
			x += indent
		}
		d.text(x, d.y+d.size*ptMM, ln)
		d.y += d.lead()
	}
	d.y += d.lead() * 0.25
}

// line flows one unwrapped line at x.
func (d *doc) line(x float64, s string) {
	d.need(d.lead())
	d.text(x, d.y+d.size*ptMM, s)
	d.y += d.lead()
}

// table flows a table: widths in mm, rows of cells, the first row a header
// when head is set; rule is the colour of the rules.
func (d *doc) table(widths []float64, rows [][]string, head bool, rule rgb) {
	p := d.pdf
	rowH := d.size*ptMM*1.9 + 1.5
	x0 := d.margin
	for ri, row := range rows {
		// Wrap each cell; the row is as tall as its tallest cell.
		cells := make([][]string, len(row))
		lines := 1
		for ci, c := range row {
			cells[ci] = d.wrap(c, widths[ci]-3, 0)
			lines = max(lines, len(cells[ci]))
		}
		h := rowH + float64(lines-1)*d.size*ptMM*1.5
		if head && ri == 0 {
			d.need(h + rowH*2) // a header is never alone at the foot of a page
		} else {
			d.need(h)
		}
		x := x0
		for ci := range row {
			p.SetDrawColor(rule.r, rule.g, rule.b)
			p.SetLineWidth(0.3)
			p.Rect(x, d.y, widths[ci], h, "D")
			p.SetTextColor(0, 0, 0)
			ty := d.y + (h-float64(len(cells[ci])-1)*d.size*ptMM*1.5)/2 + d.size*ptMM*0.35
			for li, ln := range cells[ci] {
				tx := x + 1.5
				if head && ri == 0 || len(cells[ci]) == 1 && d.width(ln) < widths[ci]*0.5 {
					tx = x + (widths[ci]-d.width(ln))/2
				}
				if head && ri == 0 {
					d.bold(tx, ty+float64(li)*d.size*ptMM*1.5, ln)
				} else {
					d.text(tx, ty+float64(li)*d.size*ptMM*1.5, ln)
				}
			}
			x += widths[ci]
		}
		d.y += h
	}
	d.color(black)
	d.y += 3
}

// footers prints 第 X 页 共 Y 页 on every page that is not blank.
func (d *doc) footers() {
	n := d.pdf.PageCount()
	for i := 1; i <= n; i++ {
		if d.blank[i] {
			continue
		}
		d.pdf.SetPage(i)
		d.reset()
		d.font("song", 9)
		d.pdf.SetFontSize(9)
		d.color(darkGrey)
		s := fmt.Sprintf("第 %d 页 共 %d 页", i, n)
		d.text((d.w-d.width(s))/2, d.h-12, s)
	}
	d.pdf.SetPage(n)
}

// scribble draws a handwritten signature in pen ink: a few joined
// strokes in a box w × h mm from (x, y).
func (d *doc) scribble(x, y, w, h float64) {
	p := d.pdf
	p.SetDrawColor(ink.r, ink.g, ink.b)
	p.SetLineWidth(0.35 + d.r.Float64()*0.2)
	p.SetLineCapStyle("round")
	n := 3 + d.r.IntN(3)
	cx, cy := x, y+h*0.6
	for i := 0; i < n; i++ {
		nx := x + w*float64(i+1)/float64(n)
		ny := y + h*(0.2+0.7*d.r.Float64())
		p.CurveBezierCubic(cx, cy, cx+w*0.1, y-h*0.2+d.r.Float64()*h, nx-w*0.15, y+h*1.1*d.r.Float64(), nx, ny, "D")
		cx, cy = nx, ny
	}
	p.SetLineCapStyle("butt")
	d.color(black)
}

// qr draws a QR-code-like block of s mm at (x, y): three finder patterns
// and random modules (the corpus needs its look, not its content).
func (d *doc) qr(x, y, s float64) {
	const n = 25
	m := s / n
	p := d.pdf
	d.color(black)
	finder := func(fx, fy int) bool {
		for _, o := range [][2]int{{0, 0}, {n - 7, 0}, {0, n - 7}} {
			if fx >= o[0] && fx < o[0]+7 && fy >= o[1] && fy < o[1]+7 {
				dx, dy := fx-o[0], fy-o[1]
				ring := dx == 0 || dx == 6 || dy == 0 || dy == 6
				core := dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4
				return ring || core
			}
			if fx >= o[0]-1 && fx <= o[0]+7 && fy >= o[1]-1 && fy <= o[1]+7 {
				return false
			}
		}
		return d.r.IntN(2) == 0
	}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			if finder(i, j) {
				p.Rect(x+float64(i)*m, y+float64(j)*m, m, m, "F")
			}
		}
	}
}

// output writes the PDF.
func (d *doc) output() ([]byte, error) {
	var b bytes.Buffer
	if err := d.pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("corpus: render: %w", err)
	}
	return b.Bytes(), nil
}

// truth returns what was drawn: the seals of each page as fractions of the
// page, and the blank pages.
func (d *doc) truth() (map[int][]SealBox, []int) {
	out := map[int][]SealBox{}
	for pg, ss := range d.seals {
		for _, s := range ss {
			b := s
			b.Box = [4]float64{clamp01(s.Box[0] / d.w), clamp01(s.Box[1] / d.h), clamp01(s.Box[2] / d.w), clamp01(s.Box[3] / d.h)}
			out[pg] = append(out[pg], b)
		}
	}
	var blank []int
	for pg := 1; pg <= d.pdf.PageCount(); pg++ {
		if d.blank[pg] {
			blank = append(blank, pg)
		}
	}
	return out, blank
}

func clamp01(v float64) float64 { return math.Min(1, math.Max(0, v)) }
