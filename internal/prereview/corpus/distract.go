package corpus

import (
	"math"

	"github.com/go-pdf/fpdf"
)

// Red marks that are not official seals, added to finished documents the
// way offices add them: a rectangular stamp certifying a copy
// (与原件核对无误), and a reviewer's red pen — a loop round a passage and
// ticks. None may count as a seal.

var rectStampTexts = [][]string{
	{"与原件核对无误"},
	{"复印件与原件一致"},
	{"此复印件仅供办理", "规划许可使用"},
	{"已核验"},
	{"再复印无效"},
}

// distractions adds red marks to some pages; it returns what it drew, for
// the case's notes.
func (d *doc) distractions() []string {
	r := d.r
	var notes []string
	var pages []int
	for pg := 1; pg <= d.pdf.PageCount(); pg++ {
		if !d.blank[pg] {
			pages = append(pages, pg)
		}
	}
	if len(pages) == 0 {
		return nil
	}
	if r.IntN(3) == 0 {
		pg := pick(r, pages)
		if d.rectStamp(pg, pick(r, rectStampTexts)) {
			notes = append(notes, "red rectangular stamp (not a seal)")
		}
	}
	if r.IntN(3) == 0 {
		pg := pick(r, pages)
		if d.redPen(pg) {
			notes = append(notes, "red pen loop and ticks (not a seal)")
		}
	}
	d.pdf.SetPage(d.pdf.PageCount())
	return notes
}

// free finds a spot for a w × h mm mark on page pg that keeps clear of the
// seals and of the side edges (where perforation slices are), or reports
// false.
func (d *doc) free(pg int, w, h float64) (x, y float64, ok bool) {
	for try := 0; try < 30; try++ {
		x = 30 + d.r.Float64()*(d.w-60-w)
		y = 30 + d.r.Float64()*(d.h-60-h)
		box := [4]float64{x - 4, y - 4, x + w + 4, y + h + 4}
		clear := true
		for _, s := range d.seals[pg] {
			if overlaps(box, s.Box) {
				clear = false
			}
		}
		if clear {
			return x, y, true
		}
	}
	return 0, 0, false
}

// rectStamp draws a rectangular red stamp with a double border, slightly
// askew, on page pg.
func (d *doc) rectStamp(pg int, lines []string) bool {
	r := d.r
	size := 11 + r.Float64()*3 // pt
	d.font("song", size)
	tw := 0.0
	for _, l := range lines {
		tw = math.Max(tw, d.width(l)+float64(len([]rune(l))-1)*0.6)
	}
	lead := size * ptMM * 1.45
	w, h := tw+8, float64(len(lines))*lead+5
	x, y, ok := d.free(pg, w, h)
	if !ok {
		return false
	}
	d.pdf.SetPage(pg)
	d.reset()
	p := d.pdf
	p.TransformBegin()
	p.TransformRotate((r.Float64()*2-1)*8, x+w/2, y+h/2)
	d.color(sealInk(r))
	p.SetAlpha(0.75+r.Float64()*0.2, "Multiply")
	p.SetLineWidth(0.9)
	p.Rect(x, y, w, h, "D")
	p.SetLineWidth(0.3)
	p.Rect(x+1.3, y+1.3, w-2.6, h-2.6, "D")
	d.font("song", size)
	d.pdf.SetFontSize(size)
	for i, l := range lines {
		lw := d.width(l) + float64(len([]rune(l))-1)*0.6
		d.spaced(x+(w-lw)/2, y+2.5+lead*float64(i)+size*ptMM*1.05, l, 0.6, true)
	}
	p.SetAlpha(1, "Normal")
	p.TransformEnd()
	d.color(black)
	return true
}

// redPen draws a hand-drawn red loop round a passage and a few ticks on
// page pg.
func (d *doc) redPen(pg int) bool {
	r := d.r
	w, h := 35+r.Float64()*40, 8+r.Float64()*8
	x, y, ok := d.free(pg, w, h+14)
	if !ok {
		return false
	}
	d.pdf.SetPage(pg)
	d.reset()
	p := d.pdf
	pen := rgb{200 + r.IntN(40), 20 + r.IntN(30), 30 + r.IntN(30)}
	p.SetDrawColor(pen.r, pen.g, pen.b)
	p.SetLineWidth(0.4 + r.Float64()*0.25)
	p.SetLineCapStyle("round")
	// The loop: an ellipse traced by hand, overshooting where it closes.
	cx, cy := x+w/2, y+h/2
	n := 14
	var pts []fpdf.PointType
	for i := 0; i <= n+3; i++ {
		a := 2*math.Pi*float64(i)/float64(n) - 0.4
		k := 1 + (r.Float64()-0.5)*0.08 + float64(i)*0.006
		pts = append(pts, fpdf.PointType{X: cx + w/2*k*math.Cos(a), Y: cy + h/2*k*math.Sin(a)})
	}
	// Through the points as a Catmull-Rom spline, in cubic Béziers.
	p.MoveTo(pts[1].X, pts[1].Y)
	for i := 1; i+2 < len(pts); i++ {
		a, b, c, e := pts[i-1], pts[i], pts[i+1], pts[i+2]
		p.CurveBezierCubicTo(b.X+(c.X-a.X)/6, b.Y+(c.Y-a.Y)/6, c.X-(e.X-b.X)/6, c.Y-(e.Y-b.Y)/6, c.X, c.Y)
	}
	p.DrawPath("D")
	// Ticks under it.
	for i := 0; i < 1+r.IntN(3); i++ {
		tx, ty := x+float64(i)*9, y+h+6+r.Float64()*3
		p.MoveTo(tx, ty)
		p.LineTo(tx+1.8, ty+2.6)
		p.CurveTo(tx+3.5, ty-1, tx+6, ty-4)
		p.DrawPath("D")
	}
	p.SetLineCapStyle("butt")
	d.color(black)
	return true
}
