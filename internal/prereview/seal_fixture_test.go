package prereview

// A small renderer of test pages for the seal detector: black text, red
// headings, rules, tables and text that are not seals, round and oval
// seals (ring, star, arc lettering, a line of text), perforation-seal
// slices, and scan degradation (grey paper, noise, rotation, JPEG).
// Lettering is made of random strokes: the detector looks at shapes and
// colour, never at which characters they are.

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

var (
	sealInkBlack = color.RGBA{25, 25, 25, 255}
	sealInkRed   = color.RGBA{214, 24, 30, 255}
	sealInkBlue  = color.RGBA{30, 50, 160, 255}
)

// sealSheet is a page being drawn, in millimetres.
type sealSheet struct {
	img *image.RGBA
	dpi float64
	wMM float64
	hMM float64
	rng *rand.Rand
}

func newSealSheet(dpi float64, seed uint64) *sealSheet {
	w, h := int(math.Round(210/25.4*dpi)), int(math.Round(297/25.4*dpi))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return &sealSheet{img: img, dpi: dpi, wMM: 210, hMM: 297, rng: rand.New(rand.NewPCG(seed, seed^0x5ea1))}
}

func (s *sealSheet) px(mm float64) float64 { return mm * s.dpi / 25.4 }

// paint multiplies ink into the pixels of the box (mm) where inside says,
// with 3×3 supersampling for soft edges. strength scales the ink (worn
// or pale seal ink below 1).
func (s *sealSheet) paint(x0, y0, x1, y1 float64, ink color.RGBA, strength float64, inside func(x, y float64) bool) {
	b := s.img.Bounds()
	px0, py0 := max(b.Min.X, int(math.Floor(s.px(x0)))), max(b.Min.Y, int(math.Floor(s.px(y0))))
	px1, py1 := min(b.Max.X, int(math.Ceil(s.px(x1)))+1), min(b.Max.Y, int(math.Ceil(s.px(y1)))+1)
	mmPerPx := 25.4 / s.dpi
	for py := py0; py < py1; py++ {
		for px := px0; px < px1; px++ {
			hit := 0
			for sy := 0; sy < 3; sy++ {
				for sx := 0; sx < 3; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/3) * mmPerPx
					y := (float64(py) + (float64(sy)+0.5)/3) * mmPerPx
					if inside(x, y) {
						hit++
					}
				}
			}
			if hit == 0 {
				continue
			}
			a := float64(hit) / 9 * strength
			i := s.img.PixOffset(px, py)
			for c, v := range [3]uint8{ink.R, ink.G, ink.B} {
				d := float64(s.img.Pix[i+c])
				s.img.Pix[i+c] = uint8(d*(1-a) + d*float64(v)/255*a + 0.5)
			}
		}
	}
}

// stroke draws a bar of width wd from (x0,y0) to (x1,y1).
func (s *sealSheet) stroke(x0, y0, x1, y1, wd float64, ink color.RGBA, strength float64) {
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	hw := wd / 2
	s.paint(min(x0, x1)-hw, min(y0, y1)-hw, max(x0, x1)+hw, max(y0, y1)+hw, ink, strength, func(x, y float64) bool {
		t := 0.0
		if l2 > 0 {
			t = math.Max(0, math.Min(1, ((x-x0)*dx+(y-y0)*dy)/l2))
		}
		ex, ey := x-x0-t*dx, y-y0-t*dy
		return ex*ex+ey*ey <= hw*hw
	})
}

// glyph draws a pseudo-character of size sz centred at (cx, cy), rotated
// by rot radians: a few horizontal and vertical strokes.
func (s *sealSheet) glyph(cx, cy, sz, rot, wd float64, ink color.RGBA, strength float64) {
	sn, cs := math.Sincos(rot)
	tr := func(u, v float64) (float64, float64) { return cx + (u*cs-v*sn)*sz, cy + (u*sn+v*cs)*sz }
	n := 3 + s.rng.IntN(4)
	for range n {
		a := s.rng.Float64()*0.8 - 0.4
		b0, b1 := s.rng.Float64()*0.4-0.45, s.rng.Float64()*0.4+0.05
		var x0, y0, x1, y1 float64
		if s.rng.IntN(2) == 0 {
			x0, y0 = tr(b0, a)
			x1, y1 = tr(b1, a)
		} else {
			x0, y0 = tr(a, b0)
			x1, y1 = tr(a, b1)
		}
		s.stroke(x0, y0, x1, y1, wd, ink, strength)
	}
}

// text draws lines of black pseudo-text in a block.
func (s *sealSheet) text(x0, y0, x1 float64, lines int, size float64, ink color.RGBA) {
	for l := range lines {
		y := y0 + float64(l)*size*1.8
		n := int((x1 - x0) / (size * 1.1))
		if l == lines-1 {
			n = n / 2
		}
		for i := range n {
			s.glyph(x0+size/2+float64(i)*size*1.1, y, size, 0, size*0.09, ink, 1)
		}
	}
}

// fixtureSealSpec describes a seal to draw.
type fixtureSealSpec struct {
	cx, cy   float64 // centre, mm
	rx, ry   float64 // outer radii, mm
	ring     float64 // ring width, mm
	strength float64 // ink: 1 full, lower paler
	rot      float64 // radians (a stamp is rarely perfectly upright)
	clip     func(x, y float64) bool
}

func fixtureSeal(cx, cy float64) fixtureSealSpec {
	return fixtureSealSpec{cx: cx, cy: cy, rx: 21, ry: 21, ring: 1.1, strength: 0.92}
}

// seal draws a seal: ring, star, arc lettering and a line of text, with
// uneven ink. clip, when set, limits it to part of the page (a slice).
func (s *sealSheet) seal(sp fixtureSealSpec) {
	clip := sp.clip
	if clip == nil {
		clip = func(x, y float64) bool { return true }
	}
	sn, cs := math.Sincos(sp.rot)
	// local coordinates (u, v) around the centre, unrotated
	loc := func(x, y float64) (float64, float64) {
		dx, dy := x-sp.cx, y-sp.cy
		return dx*cs + dy*sn, -dx*sn + dy*cs
	}
	glob := func(u, v float64) (float64, float64) { return sp.cx + u*cs - v*sn, sp.cy + u*sn + v*cs }
	// Uneven ink: strength varies smoothly around the seal.
	ph1, ph2 := s.rng.Float64()*6, s.rng.Float64()*6
	ink := func(x, y float64) float64 {
		u, v := loc(x, y)
		a := math.Atan2(v, u)
		return sp.strength * (0.82 + 0.18*math.Sin(a*2+ph1)*math.Cos(a*3+ph2))
	}
	ext := math.Max(sp.rx, sp.ry) + 1
	bx0, by0, bx1, by1 := sp.cx-ext, sp.cy-ext, sp.cx+ext, sp.cy+ext
	// ring
	s.paintVar(bx0, by0, bx1, by1, ink, func(x, y float64) bool {
		if !clip(x, y) {
			return false
		}
		u, v := loc(x, y)
		o := (u*u)/(sp.rx*sp.rx) + (v*v)/(sp.ry*sp.ry)
		ix, iy := sp.rx-sp.ring, sp.ry-sp.ring
		i := (u*u)/(ix*ix) + (v*v)/(iy*iy)
		return o <= 1 && i > 1
	})
	// star
	outer := 0.32 * math.Min(sp.rx, sp.ry)
	var pts [][2]float64
	for i := range 10 {
		r := outer
		if i%2 == 1 {
			r = outer * 0.382
		}
		a := float64(i) * math.Pi / 5
		pts = append(pts, [2]float64{r * math.Sin(a), -r*math.Cos(a) - 0.05*sp.ry})
	}
	s.paintVar(bx0, by0, bx1, by1, ink, func(x, y float64) bool {
		if !clip(x, y) {
			return false
		}
		u, v := loc(x, y)
		return sealInPolygon(pts, u, v)
	})
	// arc lettering over the upper 240°
	chars := 8 + s.rng.IntN(7)
	size := math.Min(sp.rx, sp.ry) * 0.27
	span := 240 * math.Pi / 180
	for i := range chars {
		a := -math.Pi/2 - span/2 + span*float64(i)/float64(chars-1)
		rr := 1 - (sp.ring+1.2+size/2)/math.Min(sp.rx, sp.ry)
		u, v := sp.rx*rr*math.Cos(a), sp.ry*rr*math.Sin(a)
		gx, gy := glob(u, v)
		s.clippedGlyph(gx, gy, size, a+math.Pi/2+sp.rot, size*0.13, ink, clip)
	}
	// a line of text below the star
	n := 3 + s.rng.IntN(3)
	ts := math.Min(sp.rx, sp.ry) * 0.2
	for i := range n {
		u := (float64(i) - float64(n-1)/2) * ts * 1.05
		gx, gy := glob(u, 0.5*sp.ry)
		s.clippedGlyph(gx, gy, ts, sp.rot, ts*0.13, ink, clip)
	}
}

// paintVar paints seal red with a strength depending on the position.
func (s *sealSheet) paintVar(x0, y0, x1, y1 float64, strength func(x, y float64) float64, inside func(x, y float64) bool) {
	// Split into 2 mm tiles, each with its own strength.
	for ty := y0; ty < y1; ty += 2 {
		for tx := x0; tx < x1; tx += 2 {
			st := strength(tx+1, ty+1)
			tx, ty := tx, ty
			s.paint(tx, ty, tx+2, ty+2, sealInkRed, st, func(x, y float64) bool {
				return x >= tx && x < tx+2 && y >= ty && y < ty+2 && inside(x, y)
			})
		}
	}
}

func (s *sealSheet) clippedGlyph(cx, cy, sz, rot, wd float64, ink func(x, y float64) float64, clip func(x, y float64) bool) {
	sn, cs := math.Sincos(rot)
	tr := func(u, v float64) (float64, float64) { return cx + (u*cs-v*sn)*sz, cy + (u*sn+v*cs)*sz }
	n := 3 + s.rng.IntN(4)
	for range n {
		a := s.rng.Float64()*0.8 - 0.4
		b0, b1 := s.rng.Float64()*0.4-0.45, s.rng.Float64()*0.4+0.05
		var x0, y0, x1, y1 float64
		if s.rng.IntN(2) == 0 {
			x0, y0 = tr(b0, a)
			x1, y1 = tr(b1, a)
		} else {
			x0, y0 = tr(a, b0)
			x1, y1 = tr(a, b1)
		}
		dx, dy := x1-x0, y1-y0
		l2 := dx*dx + dy*dy
		hw := wd / 2
		s.paint(min(x0, x1)-hw, min(y0, y1)-hw, max(x0, x1)+hw, max(y0, y1)+hw, sealInkRed, ink(cx, cy), func(x, y float64) bool {
			if !clip(x, y) {
				return false
			}
			t := math.Max(0, math.Min(1, ((x-x0)*dx+(y-y0)*dy)/l2))
			ex, ey := x-x0-t*dx, y-y0-t*dy
			return ex*ex+ey*ey <= hw*hw
		})
	}
}

func sealInPolygon(pts [][2]float64, x, y float64) bool {
	in := false
	for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
		xi, yi, xj, yj := pts[i][0], pts[i][1], pts[j][0], pts[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// sealDocBody is the usual body of a page at 100 dpi, drawn once: most
// fixtures start from a copy of it.
var sealDocBody = sync.OnceValue(func() []uint8 {
	s := newSealSheet(100, 99)
	s.drawDocument()
	return s.img.Pix
})

// document puts the usual body of a page on a 100 dpi sheet: title,
// paragraphs, a table (drawn, at other resolutions).
func (s *sealSheet) document() {
	if s.dpi == 100 {
		copy(s.img.Pix, sealDocBody())
		return
	}
	s.drawDocument()
}

// drawDocument draws the usual body of a page.
func (s *sealSheet) drawDocument() {
	s.text(30, 30, 180, 1, 7, sealInkBlack)
	s.text(25, 50, 185, 8, 4, sealInkBlack)
	s.table(25, 120, 185, 170, 5, 4, sealInkBlack, 0.3)
	s.text(25, 185, 185, 6, 4, sealInkBlack)
}

// table draws a ruled table.
func (s *sealSheet) table(x0, y0, x1, y1 float64, rows, cols int, ink color.RGBA, wd float64) {
	for r := 0; r <= rows; r++ {
		y := y0 + (y1-y0)*float64(r)/float64(rows)
		s.stroke(x0, y, x1, y, wd, ink, 1)
	}
	for c := 0; c <= cols; c++ {
		x := x0 + (x1-x0)*float64(c)/float64(cols)
		s.stroke(x, y0, x, y1, wd, ink, 1)
	}
}

// redHeading draws a red-header document head (红头): big red characters
// and a red rule under them.
func (s *sealSheet) redHeading() {
	n := 8
	sz := 14.0
	x0 := 105 - float64(n)*sz*1.05/2
	for i := range n {
		s.glyph(x0+sz/2+float64(i)*sz*1.05, 28, sz, 0, 1.6, sealInkRed, 1)
	}
	s.stroke(20, 42, 190, 42, 0.9, sealInkRed, 1)
}

// signature draws the signature block at the bottom right, where the seal
// goes.
func (s *sealSheet) signature() {
	s.text(130, 240, 180, 2, 4.5, sealInkBlack)
}

// degrade makes a scan of the page: grey paper, rotation, noise and JPEG
// compression.
func (s *sealSheet) degrade(t testing.TB, rotDeg, noise float64, quality int) image.Image {
	t.Helper()
	src := s.img
	b := src.Bounds()
	out := image.NewRGBA(b)
	sn, cs := math.Sincos(rotDeg * math.Pi / 180)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	grey := 0.9 + s.rng.Float64()*0.06
	w, h := b.Dx(), b.Dy()
	// Noise: the sum of four random bytes is roughly normal (mean 510, sd
	// ≈ 147), from a xorshift generator: NormFloat64 per pixel is slow
	// under the race detector.
	state := s.rng.Uint64() | 1
	gauss := func() float64 {
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		v := state
		return (float64(v&0xff+(v>>8)&0xff+(v>>16)&0xff+(v>>24)&0xff) - 510) / 147
	}
	at := func(xx, yy, c int) float64 {
		if xx < 0 || yy < 0 || xx >= w || yy >= h {
			return 255
		}
		return float64(src.Pix[yy*src.Stride+xx*4+c])
	}
	for y := 0; y < h; y++ {
		row := out.Pix[y*out.Stride:]
		for x := 0; x < w; x++ {
			// inverse rotation, bilinear
			dx, dy := float64(x)-cx, float64(y)-cy
			sx, sy := cx+dx*cs+dy*sn, cy-dx*sn+dy*cs
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			w00, w10, w01, w11 := (1-fx)*(1-fy), fx*(1-fy), (1-fx)*fy, fx*fy
			inside := x0 >= 0 && y0 >= 0 && x0+1 < w && y0+1 < h
			i := y0*src.Stride + x0*4
			n := gauss() * noise
			for c := range 3 {
				var v float64
				if inside {
					p := src.Pix[i+c:]
					q := src.Pix[i+src.Stride+c:]
					v = float64(p[0])*w00 + float64(p[4])*w10 + float64(q[0])*w01 + float64(q[4])*w11
				} else {
					v = at(x0, y0, c)*w00 + at(x0+1, y0, c)*w10 + at(x0, y0+1, c)*w01 + at(x0+1, y0+1, c)*w11
				}
				v = v*grey + n + gauss()*noise*0.3
				switch {
				case v <= 0:
					row[4*x+c] = 0
				case v >= 255:
					row[4*x+c] = 255
				default:
					row[4*x+c] = uint8(v)
				}
			}
			row[4*x+3] = 255
		}
	}
	if quality <= 0 {
		return out
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// perforationPages draws an n-page document whose pages carry slices of
// one seal stamped across their fanned edges (edge "right" or "left"), at
// height cy mm; each page shows a strip of the seal as wide as the seal
// divided by the pages.
func perforationPages(n int, edge string, cy float64, seed uint64) []*sealSheet {
	const r = 21.0
	strip := 2 * r / float64(n)
	var out []*sealSheet
	for k := range n {
		s := newSealSheet(100, seed+uint64(k))
		s.document()
		// Page k shows the strip [k*strip, (k+1)*strip] of the seal
		// (counted from the seal's side facing the page) at its edge.
		sp := fixtureSeal(0, cy)
		switch edge {
		case "right":
			sp.cx = s.wMM - float64(k+1)*strip + r
			sp.clip = func(x, y float64) bool { return x >= s.wMM-strip }
		case "left":
			sp.cx = float64(k+1)*strip - r
			sp.clip = func(x, y float64) bool { return x <= strip }
		}
		// the same seal on every page: same lettering
		s.rng = rand.New(rand.NewPCG(seed, 77))
		s.seal(sp)
		out = append(out, s)
	}
	return out
}
