package corpus

import (
	"math"
	"strings"

	"github.com/go-pdf/fpdf"
)

// sealSpec describes an official seal (公章) as engravers make them: a red
// ring, a five-pointed star in the middle, the owner's
// name around the upper arc, and sometimes a line of text under the star
// (合同专用章) and a 13-digit code along the lower arc.
type sealSpec struct {
	cx, cy float64 // centre, mm
	a, b   float64 // semi-axes, mm: equal for a round seal
	tilt   float64 // degrees, counter-clockwise: stamps are seldom upright
	ring   float64 // ring width, mm
	name   string  // around the upper arc
	label  string  // horizontal, under the star; "" for none
	code   string  // along the lower arc; "" for none
	ink    rgb
	alpha  float64 // overall ink density
}

// round reports whether the seal is round.
func (s sealSpec) round() bool { return s.a == s.b }

// newSeal makes a seal of the given owner centred at (cx, cy): round, or
// oval when oval is set.
func (d *doc) newSeal(cx, cy float64, name, label string, oval bool) sealSpec {
	r := d.r
	s := sealSpec{cx: cx, cy: cy, name: name, label: label, ink: sealInk(r),
		tilt: (r.Float64()*2 - 1) * 12, ring: 0.9 + r.Float64()*0.6, alpha: 0.78 + r.Float64()*0.17}
	if oval {
		s.a = 19 + r.Float64()*3
		s.b = s.a * (0.66 + r.Float64()*0.08)
	} else {
		s.a = 19 + r.Float64()*3
		s.b = s.a
	}
	if r.IntN(3) == 0 {
		var c strings.Builder
		for i := 0; i < 13; i++ {
			c.WriteByte(byte('0' + r.IntN(10)))
		}
		s.code = c.String()
	}
	return s
}

// bbox returns the seal's bounding box in mm.
func (s sealSpec) bbox() [4]float64 {
	t := s.tilt * math.Pi / 180
	hw := math.Hypot(s.a*math.Cos(t), s.b*math.Sin(t))
	hh := math.Hypot(s.a*math.Sin(t), s.b*math.Cos(t))
	return [4]float64{s.cx - hw, s.cy - hh, s.cx + hw, s.cy + hh}
}

// stamp draws a whole seal on the current page and records it.
func (d *doc) stamp(s sealSpec) {
	family, size := d.family, d.size
	d.drawSeal(s)
	d.font(family, size)
	kind := "round"
	if !s.round() {
		kind = "oval"
	}
	d.seals[d.page()] = append(d.seals[d.page()], SealBox{Kind: kind, Box: s.bbox()})
}

// drawSeal draws s in multiply blend so that the print under it shows
// through, with the unevenness of a real stamp: the ring in segments of
// varying density and width, each character inked a little differently,
// and sometimes a faint stretch where the stamp did not press.
func (d *doc) drawSeal(s sealSpec) {
	p := d.pdf
	r := d.r
	p.TransformBegin()
	p.TransformRotate(s.tilt, s.cx, s.cy)
	d.color(s.ink)
	alpha := func(f float64) {
		p.SetAlpha(math.Min(1, math.Max(0.2, s.alpha*f)), "Multiply")
	}

	// The ring, in segments.
	n := 14 + r.IntN(10)
	faint := -1
	if r.IntN(3) == 0 {
		faint = r.IntN(n)
	}
	step := 360.0 / float64(n)
	for i := 0; i < n; i++ {
		f := 0.88 + r.Float64()*0.2
		if i == faint {
			f = 0.45
		}
		alpha(f)
		w := s.ring * (0.85 + r.Float64()*0.25)
		p.SetLineWidth(w)
		start := float64(i) * step
		p.Arc(s.cx, s.cy, s.a-s.ring/2, s.b-s.ring/2, 0, start, start+step+0.6, "D")
	}

	inA, inB := s.a-s.ring, s.b-s.ring // inside of the ring
	// The star.
	alpha(0.95 + r.Float64()*0.1)
	outer := math.Min(inA, inB) * (0.34 + r.Float64()*0.06)
	if !s.round() {
		outer = inB * 0.42
	}
	d.star(s.cx, s.cy-inB*0.04, outer)

	// The owner's name round the upper arc.
	h := math.Min(inB*0.3, 6.8)  // character height, mm
	size := h / ptMM             // font size, pt
	gap := 0.6 + r.Float64()*0.6 // ring to the tops of the characters
	d.arcText(s, []rune(s.name), inA-gap-h/2, inB-gap-h/2, size, true)

	// The label under the star.
	if s.label != "" {
		alpha(0.9 + r.Float64()*0.15)
		ls := math.Min(h*0.72, inA*1.1/float64(len([]rune(s.label)))) / ptMM
		d.font("song", ls)
		w := d.width(s.label)
		track := ls * ptMM * 0.12
		tw := w + track*float64(len([]rune(s.label))-1)
		base := s.cy + inB*0.55
		if !s.round() {
			base = s.cy + inB*0.62
		}
		d.spaced(s.cx-tw/2, base, s.label, track, true)
	}

	// The code along the lower arc.
	if s.code != "" && s.round() {
		cs := h * 0.42 / ptMM
		d.arcText(s, []rune(s.code), inA-0.6-h*0.25, inB-0.6-h*0.25, cs, false)
	}
	p.SetAlpha(1, "Normal")
	p.TransformEnd()
	d.color(black)
}

// arcText sets runes round an ellipse with semi-axes (ra, rb) through the
// characters' centres: along the upper arc, left to right with the tops
// outwards (top), or along the lower arc, left to right with the tops
// inwards.
func (d *doc) arcText(s sealSpec, rs []rune, ra, rb, size float64, top bool) {
	n := len(rs)
	if n == 0 {
		return
	}
	p := d.pdf
	d.font("song", size)
	em := size * ptMM
	hScale := 0.78
	if !top {
		hScale = 0.9
	}
	// Positions at equal arc length over the span, measured on the
	// ellipse by sampling.
	var span float64 // radians of the parameter
	if top {
		span = math.Min(250, math.Max(140, float64(n)*em*hScale*1.25/((ra+rb)/2)*180/math.Pi)) * math.Pi / 180
	} else {
		span = math.Min(110, float64(n)*em*hScale*1.1/((ra+rb)/2)*180/math.Pi) * math.Pi / 180
	}
	const samples = 400
	ts := make([]float64, samples+1)
	cum := make([]float64, samples+1)
	pt := func(t float64) (float64, float64) {
		if top {
			return ra * math.Sin(t), -rb * math.Cos(t)
		}
		return ra * math.Sin(t), rb * math.Cos(t)
	}
	for i := 0; i <= samples; i++ {
		ts[i] = -span/2 + span*float64(i)/samples
		if i > 0 {
			x0, y0 := pt(ts[i-1])
			x1, y1 := pt(ts[i])
			cum[i] = cum[i-1] + math.Hypot(x1-x0, y1-y0)
		}
	}
	total := cum[samples]
	j := 0
	for i, c := range rs {
		target := 0.0
		if n > 1 {
			target = total * float64(i) / float64(n-1)
		} else {
			target = total / 2
		}
		for j < samples && cum[j] < target {
			j++
		}
		t := ts[j]
		x, y := pt(t)
		// Clockwise rotation (degrees) from upright: the outward normal
		// for the upper arc, the inward one for the lower.
		nx, ny := math.Sin(t)/ra, math.Cos(t)/rb
		rot := math.Atan2(nx, ny) * 180 / math.Pi
		if !top {
			rot = math.Atan2(-math.Sin(t)/ra, math.Cos(t)/rb) * 180 / math.Pi
		}
		p.SetAlpha(math.Min(1, s.alpha*(0.85+d.r.Float64()*0.25)), "Multiply")
		cx, cy := s.cx+x, s.cy+y
		cs := string(c)
		w := d.width(cs)
		p.TransformBegin()
		p.TransformRotate(-rot, cx, cy)
		p.TransformScale(hScale*100, 100, cx, cy)
		d.bold(cx-w/2, cy+em*0.36, cs)
		p.TransformEnd()
	}
}

// star fills a five-pointed star of outer radius R centred at (cx, cy),
// one point up.
func (d *doc) star(cx, cy, R float64) {
	pts := make([]fpdf.PointType, 10)
	for i := range pts {
		rad := R
		if i%2 == 1 {
			rad = R * 0.382
		}
		a := float64(i) * math.Pi / 5
		pts[i] = fpdf.PointType{X: cx + rad*math.Sin(a), Y: cy - rad*math.Cos(a)}
	}
	d.pdf.Polygon(pts, "F")
}

// perforation draws one seal across the right (or left) edge of pages, as
// when the stacked pages are fanned and stamped once: page j of the m
// pages shows the j-th vertical strip of the seal at its edge. Pages not
// in pages (inserted after stamping) show nothing. y is the centre's
// height on every page, give or take half a millimetre.
func (d *doc) perforation(s sealSpec, pages []int, edge string) {
	m := len(pages)
	if m == 0 {
		return
	}
	R := s.a
	strip := 2 * R / float64(m)
	for j, pg := range pages {
		d.pdf.SetPage(pg)
		d.reset()
		vis := strip * (1 + d.r.Float64()*0.12) // the fan is never exact
		t := s
		t.cy = s.cy + (d.r.Float64()-0.5)*1.0
		var x0, x1 float64
		if edge == "left" {
			t.cx = float64(j+1)*strip - R
			x0, x1 = 0, vis
		} else {
			t.cx = d.w - float64(j+1)*strip + R
			x0, x1 = d.w-vis, d.w
		}
		d.pdf.ClipRect(x0, 0, x1-x0, d.h, false)
		d.drawSeal(t)
		d.pdf.ClipEnd()
		// What shows: the strip ∩ the seal.
		lo, hi := math.Max(x0, t.cx-R), math.Min(x1, t.cx+R)
		near := math.Min(math.Max(t.cx, lo), hi)
		half := math.Sqrt(math.Max(0, R*R-(near-t.cx)*(near-t.cx)))
		d.seals[pg] = append(d.seals[pg], SealBox{Kind: "perforation-slice", Edge: edge, Box: [4]float64{lo, t.cy - half, hi, t.cy + half}})
	}
	d.pdf.SetPage(d.pdf.PageCount())
}

// perforationY picks the height of a perforation seal of radius R at edge
// so that its slices clear every seal already on the pages; ok is false
// when no height does.
func (d *doc) perforationY(R float64, pages []int, edge string) (float64, bool) {
	strip := 2 * R / float64(len(pages)) * 1.15
	for try := 0; try < 40; try++ {
		y := d.h * (0.3 + 0.4*d.r.Float64())
		box := [4]float64{d.w - strip - 3, y - R - 3, d.w, y + R + 3}
		if edge == "left" {
			box[0], box[2] = 0, strip+3
		}
		clear := true
		for _, pg := range pages {
			for _, s := range d.seals[pg] {
				if overlaps(box, s.Box) {
					clear = false
				}
			}
		}
		if clear {
			return y, true
		}
	}
	return 0, false
}

func overlaps(a, b [4]float64) bool {
	return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}
