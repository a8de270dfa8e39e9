package prereview

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
)

// Seal detection works on a mask of the page's seal-red pixels at about
// 100 dpi. Red rules are cleared from it first (long straight runs: table
// rules, the rule under a red heading), so that a seal stamped over them
// stands alone. Red pixels are then grouped into clusters (pixels a
// millimetre or so apart belong together, so that a ring broken by black
// text printed over it stays one piece).
//
// A candidate seal is a box: a cluster's, a group of clusters' within a
// few millimetres of each other, a box grown from a long arc by adding
// the pieces that make it more of a ring (a ring cut into arcs), or a box
// trimmed down from one that nearly passes (a seal with a rectangular
// stamp across its rim). It is a round or oval seal when an ellipse
// fitted to it (inscribed in the box, or along the principal axes of its
// red for a tilted oval) has red on nearly every radius near its rim (the
// ring), almost no red outside it (a frame, a rectangular stamp, a table
// or a block of red text has red in the corners) and some red inside that
// does not fill it (star and lettering; a red disc is no seal). Clusters
// at a page edge are then examined as slices of a perforation seal
// (perforation.go).
//
// An image does not say how large the paper is, so millimetres are
// estimated from the page's short side taken as 210 mm (A4, portrait or
// landscape); the size limits below are wide enough for the error that
// makes on other paper sizes.

// Sizes in millimetres.
const (
	sealMinMajorMM = 22.0 // official round seals are 38–45 mm, oval ones 40×30 to 50×35, financial ones ~30
	sealMaxMajorMM = 75.0
	sealMinMinorMM = 16.0
	sealMaxAspect  = 1.9  // major / minor axis
	sealOvalAspect = 1.15 // beyond this an ellipse is an oval seal, not a round one
	maskTargetMM   = 4.0  // mask pixels per millimetre to aim at (≈100 dpi)
	paperShortMM   = 210.0
	clusterCellMM  = 1.0  // red pixels in 8-adjacent cells this size are one cluster
	ruleMinMM      = 30.0 // a red run straighter and longer than any seal's rim is a rule
	ruleGapMM      = 1.0  // a rule may be broken this much (black print over it)
)

// mergeGapsMM: clusters whose boxes come this close are also tried as one
// seal, at each of these distances: a ring is cut into arcs by black text
// printed over it, by a faint stretch where the stamp did not press, or
// where a rule crossing it was cleared; the wider the gap bridged, the
// likelier unrelated red joins in, so the narrower groupings are tried
// too.
var mergeGapsMM = []float64{1.5, 3, 5}

// Thresholds of the ellipse test.
const (
	ringMinCover    = 0.72 // share of radii with red in the rim band
	ringBandInner   = 0.84 // inner edge of the rim band, as a fraction of the radius
	outsideMaxShare = 0.06 // share of the box's red lying outside the ellipse
	// Red per pixel of the box's corners (its area outside the ellipse):
	// a rectangular stamp's frame runs through them however much red
	// text inside dilutes the share above (corpus: seals up to 0.08,
	// rectangular stamps and edge slices from 0.19).
	cornersMax     = 0.13
	interiorMin    = 0.012
	interiorMax    = 0.55
	interiorRadius = 0.72 // "inside": within this fraction of the radius

	// Near a page edge a seal must be whole to be a round seal there: a
	// perforation seal's slice from a skewed scan may not quite reach the
	// edge, and a half ring with its lettering can look like a poor oval.
	edgeMinCover   = 0.9
	edgeMaxOutside = 0.03
)

// redMask is a page's seal-red pixels, downsampled by f.
type redMask struct {
	w, h   int         // mask size
	sw, sh int         // input image size
	f      int         // input pixels per mask pixel, each way
	org    image.Point // input bounds origin
	mm     float64     // mask pixels per millimetre (estimated)
	red    []bool
	n      int   // red pixels
	rowN   []int // red pixels per row

	// clustering
	cs       int     // cell size in mask pixels
	gw, gh   int     // cell grid size
	label    []int32 // cell → cluster index; -2 for a cell without red
	clusters []cluster

	fits int // quickFit calls so far (searchFits)
}

// cluster is a connected group of red pixels.
type cluster struct {
	r image.Rectangle // exact bounding box in mask pixels
	n int             // red pixels
}

// Seal red: chroma (red above the lesser of green and blue) at least
// sealMinChroma, green and blue within sealMaxHueSkew of the chroma of
// each other (hue within about ±25° of red), red at least sealMinRed.
const (
	sealMinChroma  = 35
	sealMaxHueSkew = 0.45
	sealMinRed     = 100
	// A seal-red pixel has R−G and R−B of at least
	// (1−sealMaxHueSkew)·sealMinChroma ≈ 19, which in JPEG's YCbCr needs
	// Cr ≥ 128 + 19/2 (from R−G = 0.344·Cb′ + 2.116·Cr′ and
	// R−B = 1.402·Cr′ − 1.772·Cb′): below this bound, less a margin for
	// rounding, a pixel is not red whatever its Y and Cb.
	sealMinCr = 128 + 9 - 2 // 9 = ⌊(1−sealMaxHueSkew)·sealMinChroma/2⌋; TestSealMinCr checks it
)

// isSealRed says whether an 8-bit colour is the red of seal ink: red
// clearly above green and blue, green and blue close, and not dark. Pale,
// worn or JPEG-bled red still passes; black text, grey paper, blue
// signatures and orange do not.
func isSealRed(r, g, b int32) bool {
	if r < sealMinRed || g > r || b > r {
		return false
	}
	c := r - min(g, b)
	if c < sealMinChroma {
		return false
	}
	d := g - b
	if d < 0 {
		d = -d
	}
	return float64(d) <= float64(c)*sealMaxHueSkew
}

// newRedMask builds the red mask of img, downsampling large images so that
// the mask is about 100 dpi. It returns nil for an image too small to
// hold a seal.
func newRedMask(img image.Image) *redMask {
	b := img.Bounds()
	W, H := b.Dx(), b.Dy()
	if W < 32 || H < 32 {
		return nil
	}
	f := max(1, int(math.Round(float64(min(W, H))/(paperShortMM*maskTargetMM))))
	m := &redMask{w: (W + f - 1) / f, h: (H + f - 1) / f, sw: W, sh: H, f: f, org: b.Min}
	m.mm = float64(min(W, H)) / float64(f) / paperShortMM
	m.red = make([]bool, m.w*m.h)
	m.rowN = make([]int, m.h)
	switch im := img.(type) {
	case *image.Gray, *image.Gray16, *image.Alpha, *image.Alpha16:
		// no colour, no seal
	case *image.RGBA:
		if f == 1 { // the usual page from Doc.Page: no closure per pixel
			for y := 0; y < H; y++ {
				px := im.Pix[y*im.Stride : y*im.Stride+4*W]
				row := m.red[y*m.w : (y+1)*m.w]
				for x := range row {
					p := px[4*x : 4*x+3 : 4*x+3]
					if p[0] >= sealMinRed && isSealRed(int32(p[0]), int32(p[1]), int32(p[2])) {
						row[x] = true
						m.rowN[y]++
						m.n++
					}
				}
			}
			break
		}
		m.fill(func(x, y int) bool {
			i := im.PixOffset(x, y)
			p := im.Pix[i : i+3 : i+3]
			return isSealRed(int32(p[0]), int32(p[1]), int32(p[2]))
		})
	case *image.NRGBA:
		m.fill(func(x, y int) bool {
			i := im.PixOffset(x, y)
			p := im.Pix[i : i+4 : i+4]
			return p[3] >= 128 && isSealRed(int32(p[0]), int32(p[1]), int32(p[2]))
		})
	case *image.YCbCr:
		// Paper and black text are rejected on Cr alone (sealMinCr),
		// without converting to RGB.
		sx, sy := 0, 0
		switch im.SubsampleRatio {
		case image.YCbCrSubsampleRatio422:
			sx = 1
		case image.YCbCrSubsampleRatio420:
			sx, sy = 1, 1
		case image.YCbCrSubsampleRatio440:
			sy = 1
		case image.YCbCrSubsampleRatio411:
			sx = 2
		case image.YCbCrSubsampleRatio410:
			sx, sy = 2, 1
		}
		r0 := im.Rect.Min
		if r0.X < 0 || r0.Y < 0 { // shifts below round differently from the stdlib's division
			sx, sy = -1, -1
		}
		m.fill(func(x, y int) bool {
			if sx < 0 {
				r, g, bb, _ := im.At(x, y).RGBA()
				return isSealRed(int32(r>>8), int32(g>>8), int32(bb>>8))
			}
			ci := (y>>sy-r0.Y>>sy)*im.CStride + (x>>sx - r0.X>>sx)
			cr := im.Cr[ci]
			if cr < sealMinCr {
				return false
			}
			r, g, bb := color.YCbCrToRGB(im.Y[(y-r0.Y)*im.YStride+(x-r0.X)], im.Cb[ci], cr)
			return isSealRed(int32(r), int32(g), int32(bb))
		})
	case *image.Paletted:
		red := make([]bool, len(im.Palette))
		for i, c := range im.Palette {
			r, g, bb, a := c.RGBA()
			red[i] = a >= 0x8000 && isSealRed(int32(r>>8), int32(g>>8), int32(bb>>8))
		}
		m.fill(func(x, y int) bool {
			i := int(im.Pix[im.PixOffset(x, y)])
			return i < len(red) && red[i]
		})
	default:
		m.fill(func(x, y int) bool {
			r, g, bb, a := img.At(x, y).RGBA()
			if a < 0x8000 {
				return false
			}
			// A translucent pixel counts as what it shows over white paper.
			w := 0xffff - a
			return isSealRed(int32((r+w)>>8), int32((g+w)>>8), int32((bb+w)>>8))
		})
	}
	return m
}

// fill sets the mask from a test of input pixels: a mask pixel is red when
// at least a quarter of its f×f input pixels are. Beyond f = 3 every
// other pixel (or third, …) is tested: at such resolutions the finest
// stroke of a seal is several pixels wide.
func (m *redMask) fill(isRed func(x, y int) bool) {
	f := m.f
	st := max(1, f/2)
	per := (f + st - 1) / st
	need := max(1, per*per/4)
	for my := 0; my < m.h; my++ {
		y0 := my * f
		y1 := min(y0+f, m.sh)
		for mx := 0; mx < m.w; mx++ {
			x0 := mx * f
			x1 := min(x0+f, m.sw)
			cnt := 0
		block:
			for y := y0; y < y1; y += st {
				for x := x0; x < x1; x += st {
					if isRed(x+m.org.X, y+m.org.Y) {
						if cnt++; cnt >= need {
							break block
						}
					}
				}
			}
			if cnt >= need {
				m.red[my*m.w+mx] = true
				m.rowN[my]++
				m.n++
			}
		}
	}
}

// ruleBand is how many mask rows (columns) either side a rule may wander
// within one run: a rule askew by 2° on a scan still reads as one run.
const ruleBand = 2

// suppressRules clears red rules from the mask: runs of red at least
// ruleMinMM long, horizontal or vertical within a few degrees. Table
// rules, the rule under a red heading and underlines go; a seal stamped
// over them or just beside them keeps all but the pixels the rule itself
// covers. No seal has a straight run that long: the flattest chord of a
// 75 mm ring within a band of 2·ruleBand+1 rows is about 27 mm.
func (m *redMask) suppressRules() {
	if m.n < int(ruleMinMM*m.mm) {
		return
	}
	drop := m.rules(m.red, m.w, m.h, m.rowN)
	// Vertical rules are horizontal ones of the transposed mask.
	t := make([]bool, len(m.red))
	tRowN := make([]int, m.w)
	for y := 0; y < m.h; y++ {
		if m.rowN[y] == 0 {
			continue
		}
		for x, r := range m.red[y*m.w : (y+1)*m.w] {
			if r {
				t[x*m.h+y] = true
				tRowN[x]++
			}
		}
	}
	for _, i := range m.rules(t, m.h, m.w, tRowN) {
		drop = append(drop, (i%m.h)*m.w+i/m.h)
	}
	for _, i := range drop {
		if m.red[i] {
			m.red[i] = false
			m.rowN[i/m.w]--
			m.n--
		}
	}
}

// rules finds the horizontal rules of a w × h grid and returns the
// indices of their pixels. Rows whose band (the row and ruleBand rows
// either side) holds a run of red at least ruleMinMM long, with gaps of
// at most ruleGapMM, are grouped into rules; each rule's centre line is
// fitted through the columns where it is alone (one thin run), and the
// red within its thickness of the line is the rule's. A run that is not
// straight (red text that happens to line up) is left alone.
func (m *redMask) rules(grid []bool, w, h int, rowN []int) []int {
	minRun := int(ruleMinMM * m.mm)
	gap := int(math.Round(ruleGapMM * m.mm))
	maxThick := int(math.Ceil(1.8 * m.mm)) // thicker is no rule (or a rule with a seal over it)
	type rule struct {
		y0, y1 int // rows whose band holds it
		a, b   int // columns
	}
	var done, open []rule
	band := make([]bool, w)
	for y := 0; y < h; y++ {
		y0, y1 := max(0, y-ruleBand), min(h, y+ruleBand+1)
		n := 0
		for yy := y0; yy < y1; yy++ {
			n += rowN[yy]
		}
		var runs [][2]int
		if n >= minRun {
			clear(band)
			for yy := y0; yy < y1; yy++ {
				if rowN[yy] == 0 {
					continue
				}
				for x, r := range grid[yy*w : (yy+1)*w] {
					if r {
						band[x] = true
					}
				}
			}
			for x := 0; x < w; {
				if !band[x] {
					x++
					continue
				}
				e, last := x, x
				for e < w && e-last <= gap {
					if band[e] {
						last = e
					}
					e++
				}
				if last+1-x >= minRun {
					runs = append(runs, [2]int{x, last + 1})
				}
				x = last + 1
			}
		}
		// Extend the open rules that continue in this row; close the others.
		var next []rule
		for _, r := range open {
			cont := false
			for i, run := range runs {
				if run[0] < r.b && r.a < run[1] {
					r.y1, r.a, r.b = y, min(r.a, run[0]), max(r.b, run[1])
					runs[i] = [2]int{-1, -1}
					cont = true
				}
			}
			if cont {
				next = append(next, r)
			} else {
				done = append(done, r)
			}
		}
		for _, run := range runs {
			if run[0] >= 0 {
				next = append(next, rule{y, y, run[0], run[1]})
			}
		}
		open = next
	}
	done = append(done, open...)

	var drop []int
	for _, r := range done {
		top, bot := max(0, r.y0-ruleBand), min(h, r.y1+ruleBand+1)
		// Columns where the rule is alone: one run of red, thin.
		var xs, ys, th []float64
		for x := r.a; x < r.b; x++ {
			runs, start, length := 0, 0, 0
			for y := top; y < bot; y++ {
				if grid[y*w+x] {
					if y == top || !grid[(y-1)*w+x] {
						runs++
						start = y
					}
					length = y - start + 1
				}
			}
			if runs == 1 && length <= maxThick {
				xs = append(xs, float64(x))
				ys = append(ys, float64(start)+float64(length-1)/2)
				th = append(th, float64(length))
			}
		}
		if len(xs) < minRun/2 {
			continue
		}
		p, q := fitLine(xs, ys)
		// Once more without the points off the line (a stroke of text
		// touching the rule).
		var xs2, ys2 []float64
		for i := range xs {
			if math.Abs(ys[i]-p-q*xs[i]) <= 1.5 {
				xs2, ys2 = append(xs2, xs[i]), append(ys2, ys[i])
			}
		}
		if len(xs2) < minRun/2 || len(xs2) < len(xs)*3/4 {
			continue // not straight
		}
		p, q = fitLine(xs2, ys2)
		slices.Sort(th)
		half := th[len(th)/2]/2 + 1
		for x := r.a; x < r.b; x++ {
			c := p + q*float64(x)
			for y := max(top, int(math.Floor(c-half+0.5))); y <= min(bot-1, int(math.Floor(c+half+0.5))); y++ {
				if grid[y*w+x] {
					drop = append(drop, y*w+x)
				}
			}
		}
	}
	return drop
}

// fitLine fits y = p + q·x by least squares.
func fitLine(xs, ys []float64) (p, q float64) {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	if den := n*sxx - sx*sx; den != 0 {
		q = (n*sxy - sx*sy) / den
	}
	return (sy - q*sx) / n, q
}

// at reports whether mask pixel (x, y) is red; outside the mask is not.
func (m *redMask) at(x, y int) bool {
	return x >= 0 && y >= 0 && x < m.w && y < m.h && m.red[y*m.w+x]
}

// toInput converts a rectangle of mask pixels to input image coordinates.
func (m *redMask) toInput(r image.Rectangle) Box {
	r = image.Rect(r.Min.X*m.f, r.Min.Y*m.f, r.Max.X*m.f, r.Max.Y*m.f).Intersect(image.Rect(0, 0, m.sw, m.sh))
	return BoxOf(r.Add(m.org))
}

// cluster groups the red pixels: the mask is cut into cells about a
// millimetre square, cells holding red are joined to their 8 neighbours,
// and each connected set of cells is a cluster with the exact bounding
// box and count of its red pixels.
func (m *redMask) cluster() {
	m.cs = max(1, int(math.Round(m.mm*clusterCellMM)))
	cs := m.cs
	m.gw, m.gh = (m.w+cs-1)/cs, (m.h+cs-1)/cs
	m.label = make([]int32, m.gw*m.gh)
	for i := range m.label {
		m.label[i] = -2 // empty
	}
	for y := 0; y < m.h; y++ {
		if m.rowN[y] == 0 {
			continue
		}
		row := m.red[y*m.w : (y+1)*m.w]
		cy := (y / cs) * m.gw
		for x, r := range row {
			if r {
				m.label[cy+x/cs] = -1 // occupied, not yet labelled
			}
		}
	}
	var stack []int
	for start, l := range m.label {
		if l != -1 {
			continue
		}
		id := int32(len(m.clusters))
		m.clusters = append(m.clusters, cluster{})
		m.label[start] = id
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			cx, cy := c%m.gw, c/m.gw
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := cx+dx, cy+dy
					if nx < 0 || ny < 0 || nx >= m.gw || ny >= m.gh {
						continue
					}
					if n := ny*m.gw + nx; m.label[n] == -1 {
						m.label[n] = id
						stack = append(stack, n)
					}
				}
			}
		}
	}
	first := make([]bool, len(m.clusters))
	for y := 0; y < m.h; y++ {
		if m.rowN[y] == 0 {
			continue
		}
		cy := (y / cs) * m.gw
		for x := 0; x < m.w; x++ {
			if !m.red[y*m.w+x] {
				continue
			}
			id := m.label[cy+x/cs]
			c := &m.clusters[id]
			p := image.Rect(x, y, x+1, y+1)
			if !first[id] {
				c.r, first[id] = p, true
			} else {
				c.r = c.r.Union(p)
			}
			c.n++
		}
	}
}

// clusterAt returns the cluster of a red mask pixel.
func (m *redMask) clusterAt(x, y int) int32 {
	return m.label[(y/m.cs)*m.gw+x/m.cs]
}

// ellipse is a candidate seal rim: centre, semi-axes, and the angle of
// the first axis (radians, clockwise in image coordinates).
type ellipse struct {
	cx, cy, a, b, theta float64
}

// ellipseFit is what the ellipse test measured for a candidate.
type ellipseFit struct {
	r        image.Rectangle // the candidate's box
	e        ellipse
	cover    float64 // share of radii with red in the rim band
	outside  float64 // share of the box's red outside the ellipse
	interior float64 // red share of the area inside
	corners  float64 // red share of the box's area outside the ellipse
	nearEdge bool    // within a slice's margin of a page edge
}

func (f ellipseFit) ok() bool {
	cover, outside := ringMinCover, outsideMaxShare
	if f.nearEdge {
		cover, outside = edgeMinCover, edgeMaxOutside
	}
	return f.cover >= cover && f.outside <= outside && f.corners <= cornersMax &&
		f.interior >= interiorMin && f.interior <= interiorMax
}

func (f ellipseFit) score() float64 { return f.cover - 2*f.outside }

// boxEllipse is the upright ellipse inscribed in r.
func boxEllipse(r image.Rectangle) ellipse {
	return ellipse{cx: float64(r.Min.X+r.Max.X) / 2, cy: float64(r.Min.Y+r.Max.Y) / 2, a: float64(r.Dx()) / 2, b: float64(r.Dy()) / 2}
}

// momentEllipse is the ellipse that the red in r's principal axes give,
// spanning the red's extent along each: a tilted oval stamp.
func (m *redMask) momentEllipse(r image.Rectangle) (ellipse, bool) {
	var n, sx, sy float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := m.red[y*m.w : (y+1)*m.w]
		for x := r.Min.X; x < r.Max.X; x++ {
			if row[x] {
				n++
				sx += float64(x) + 0.5
				sy += float64(y) + 0.5
			}
		}
	}
	if n < 10 {
		return ellipse{}, false
	}
	mx, my := sx/n, sy/n
	var sxx, syy, sxy float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := m.red[y*m.w : (y+1)*m.w]
		dy := float64(y) + 0.5 - my
		for x := r.Min.X; x < r.Max.X; x++ {
			if row[x] {
				dx := float64(x) + 0.5 - mx
				sxx += dx * dx
				syy += dy * dy
				sxy += dx * dy
			}
		}
	}
	theta := 0.5 * math.Atan2(2*sxy, sxx-syy)
	sn, cs := math.Sincos(theta)
	umin, umax, vmin, vmax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := m.red[y*m.w : (y+1)*m.w]
		dy := float64(y) + 0.5 - my
		for x := r.Min.X; x < r.Max.X; x++ {
			if row[x] {
				dx := float64(x) + 0.5 - mx
				u, v := dx*cs+dy*sn, -dx*sn+dy*cs
				umin, umax = math.Min(umin, u), math.Max(umax, u)
				vmin, vmax = math.Min(vmin, v), math.Max(vmax, v)
			}
		}
	}
	// Pixels are a pixel wide: the rim's outer edge is half a pixel out.
	cu, cv := (umin+umax)/2, (vmin+vmax)/2
	e := ellipse{cx: mx + cu*cs - cv*sn, cy: my + cu*sn + cv*cs, a: (umax-umin)/2 + 0.5, b: (vmax-vmin)/2 + 0.5, theta: theta}
	if e.a < 2 || e.b < 2 {
		return e, false
	}
	// The ellipse of a tilted ring has the ring's box; that of a square
	// frame (the circle through its corners) or a cross is larger.
	hw := math.Hypot(e.a*cs, e.b*sn)
	hh := math.Hypot(e.a*sn, e.b*cs)
	tol := math.Max(3, 0.04*math.Max(hw, hh))
	return e, math.Abs(2*hw-float64(r.Dx())) <= 2*tol && math.Abs(2*hh-float64(r.Dy())) <= 2*tol
}

// fitEllipse measures how well the red in r looks like a seal whose rim is
// the ellipse e.
func (m *redMask) fitEllipse(r image.Rectangle, e ellipse) ellipseFit {
	return m.fitEllipseStep(r, e, 1)
}

// fitEllipseStep is fitEllipse counting every step-th pixel of the box each
// way (the ring is still sampled in full).
func (m *redMask) fitEllipseStep(r image.Rectangle, e ellipse, step int) ellipseFit {
	fit := ellipseFit{r: r, e: e}
	sn, cs := math.Sincos(e.theta)
	// Pixels beyond the ellipse by more than about two pixels are outside
	// (the rim itself reaches the box's edges).
	outLim := 1 + 2.5/math.Min(e.a, e.b)
	outLim2 := outLim * outLim
	in2 := interiorRadius * interiorRadius
	total, out, outArea, inArea, inRed := 0, 0, 0, 0, 0
	for y := r.Min.Y; y < r.Max.Y; y += step {
		dy := float64(y) + 0.5 - e.cy
		row := m.red[y*m.w : (y+1)*m.w]
		for x := r.Min.X; x < r.Max.X; x += step {
			dx := float64(x) + 0.5 - e.cx
			u, v := (dx*cs+dy*sn)/e.a, (-dx*sn+dy*cs)/e.b
			rho2 := u*u + v*v
			red := row[x]
			if rho2 < in2 {
				inArea++
				if red {
					inRed++
				}
			} else if rho2 > outLim2 {
				outArea++
			}
			if red {
				total++
				if rho2 > outLim2 {
					out++
				}
			}
		}
	}
	if total == 0 || inArea == 0 {
		return fit
	}
	fit.outside = float64(out) / float64(total)
	fit.interior = float64(inRed) / float64(inArea)
	if outArea > 0 {
		fit.corners = float64(out) / float64(outArea)
	}
	const n = 180
	hits := 0
	dt := 0.5 / math.Max(e.a, e.b)
	for k := 0; k < n; k++ {
		s, c := math.Sincos(2 * math.Pi * float64(k) / n)
		for t := 1.0; t >= ringBandInner; t -= dt {
			u, v := e.a*t*c, e.b*t*s
			x := int(math.Floor(e.cx + u*cs - v*sn))
			y := int(math.Floor(e.cy + u*sn + v*cs))
			if x < r.Min.X || y < r.Min.Y || x >= r.Max.X || y >= r.Max.Y {
				continue // only the box's red counts
			}
			if m.red[y*m.w+x] {
				hits++
				break
			}
		}
	}
	fit.cover = float64(hits) / n
	return fit
}

// sealSized says whether a box has the size and shape of a round or oval
// seal.
func (m *redMask) sealSized(r image.Rectangle) bool {
	w, h := float64(r.Dx())/m.mm, float64(r.Dy())/m.mm
	major, minor := math.Max(w, h), math.Min(w, h)
	return major >= sealMinMajorMM && major <= sealMaxMajorMM && minor >= sealMinMinorMM && major/minor <= sealMaxAspect
}

// sealFits measures every candidate of seal size: each cluster alone,
// each group of clusters within mergeGapsMM of each other (a ring broken
// into arcs, with its star and lettering inside), the boxes grown from
// long arcs (grownBoxes), and, for a candidate that nearly passes, the
// best box trimmed from it (trimmed). A candidate cut by the image edge
// is left to the perforation check.
func (m *redMask) sealFits() []ellipseFit {
	minDim := int(math.Ceil(m.mm)) // a millimetre: smaller specks are noise
	var big []int
	for i, c := range m.clusters {
		if c.r.Dx() >= minDim || c.r.Dy() >= minDim {
			big = append(big, i)
		}
	}
	// Sweep over boxes sorted by left edge: a clean page has few
	// clusters, a noisy one can have thousands.
	slices.SortStableFunc(big, func(a, b int) int { return m.clusters[a].r.Min.X - m.clusters[b].r.Min.X })
	boxes := make([]image.Rectangle, 0, len(big)*(1+len(mergeGapsMM)))
	for _, i := range big {
		boxes = append(boxes, m.clusters[i].r)
	}
	parent := make([]int, len(m.clusters))
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, gapMM := range mergeGapsMM {
		gap := int(math.Round(gapMM * m.mm))
		for i := range parent {
			parent[i] = i
		}
		for ii, i := range big {
			ri := m.clusters[i].r
			for _, j := range big[ii+1:] {
				rj := m.clusters[j].r
				if rj.Min.X > ri.Max.X+gap {
					break
				}
				if rj.Min.Y <= ri.Max.Y+gap && ri.Min.Y <= rj.Max.Y+gap && rj.Max.X >= ri.Min.X-gap {
					parent[find(j)] = find(i)
				}
			}
		}
		group := map[int]int{} // root → index in boxes of the group's box
		for _, i := range big {
			g := find(i)
			if k, ok := group[g]; ok {
				boxes[k] = boxes[k].Union(m.clusters[i].r)
			} else {
				group[g] = len(boxes)
				boxes = append(boxes, m.clusters[i].r)
			}
		}
	}
	boxes = append(boxes, m.grownBoxes(big)...)
	edge := int(math.Ceil(0.5 * m.mm))
	cut := func(r image.Rectangle) bool {
		return r.Min.X < edge || r.Min.Y < edge || r.Max.X > m.w-edge || r.Max.Y > m.h-edge
	}
	var fits []ellipseFit
	seen := map[image.Rectangle]bool{}
	for _, r := range boxes {
		if seen[r] || cut(r) {
			continue
		}
		seen[r] = true
		var fit ellipseFit
		if m.sealSized(r) {
			fit = m.fit(r)
			fits = append(fits, fit)
			if fit.ok() {
				continue
			}
		}
		// A seal with other red print on it (a stamp across its rim):
		// the box without the print may fit.
		if t, ok := m.trimmed(r, fit); ok && !seen[t.r] && !cut(t.r) {
			seen[t.r] = true
			fits = append(fits, t)
		}
	}
	return fits
}

// Trimming a candidate box.
const (
	trimMinCover = 0.55 // the ring must show this much before a box is trimmed
	trimMaxShare = 0.4  // at most this share of the box's width and height is cut off
)

// trimmed looks, within a candidate box r that failed the ellipse test (fit,
// or a zero fit when r is too large for a seal), for a smaller box that
// passes: sides are moved in one at a time, by steps from 4 mm down to
// half a millimetre, while the fit improves. A seal touched by other red
// print (a rectangular stamp across its rim, red handwriting) keeps its
// ring's box.
func (m *redMask) trimmed(r image.Rectangle, fit ellipseFit) (ellipseFit, bool) {
	maxSide := int(sealMaxMajorMM * m.mm / (1 - trimMaxShare))
	if r.Dx() > maxSide || r.Dy() > maxSide {
		return ellipseFit{}, false
	}
	if !m.sealSized(r) {
		fit = m.fitEllipse(r, boxEllipse(r)) // for the cover only
	}
	if fit.cover < trimMinCover {
		return ellipseFit{}, false
	}
	minW, minH := int(float64(r.Dx())*(1-trimMaxShare)), int(float64(r.Dy())*(1-trimMaxShare))
	cur, curOK := fit, false
	if m.sealSized(r) {
		curOK = true // r's own fit is a starting point to improve on
	}
	// The objective also counts the corners, which fall steadily as the
	// foreign print is cut away.
	j := func(f ellipseFit) float64 { return f.cover - 2*f.outside - f.corners }
	better := func(a ellipseFit) bool {
		return !curOK || j(a) > j(cur)+0.002
	}
	move := func(b image.Rectangle, side, d int) image.Rectangle {
		switch side {
		case 0:
			b.Min.X += d
		case 1:
			b.Max.X -= d
		case 2:
			b.Min.Y += d
		default:
			b.Max.Y -= d
		}
		return b
	}
	usable := func(t image.Rectangle) bool { return t.Dx() >= minW && t.Dy() >= minH && m.sealSized(t) }
	box := r
	// Rounds of a search along each side over all of its range, in 2 mm
	// steps (the fit gets worse before it gets better as a side moves
	// past foreign print), keeping the best move of the round...
	d := max(1, int(math.Round(2*m.mm)))
	for range 4 {
		bestBox, best, found := box, cur, false
		for side := range 4 {
			for k := 1; ; k++ {
				t := move(box, side, k*d)
				if t.Dx() < minW || t.Dy() < minH {
					break
				}
				if !usable(t) {
					continue
				}
				if f := m.quickFit(t); better(f) && (!found || j(f) > j(best)) {
					bestBox, best, found = t, f, true
				}
			}
		}
		if !found {
			break
		}
		box, cur, curOK = bestBox, best, true
	}
	// ... then single steps of a millimetre and half of one.
	for _, stepMM := range []float64{1, 0.5} {
		d := max(1, int(math.Round(stepMM*m.mm)))
		for moved := true; moved; {
			moved = false
			for side := range 4 {
				t := move(box, side, d)
				if !usable(t) {
					continue
				}
				if f := m.quickFit(t); better(f) {
					box, cur, curOK, moved = t, f, true, true
				}
			}
		}
	}
	if !curOK {
		return ellipseFit{}, false
	}
	// The box shrunk to its red: the seal's own extent.
	if tight, ok := m.redBounds(box); ok && tight != box {
		if f := m.fit(tight); f.ok() && (!cur.ok() || f.score() >= cur.score()) {
			return f, true
		}
	}
	if f := m.fit(box); f.ok() {
		return f, true
	}
	return ellipseFit{}, false
}

// redBounds is the bounding box of the red in r.
func (m *redMask) redBounds(r image.Rectangle) (image.Rectangle, bool) {
	out, any := image.Rectangle{}, false
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := m.red[y*m.w : (y+1)*m.w]
		for x := r.Min.X; x < r.Max.X; x++ {
			if row[x] {
				p := image.Rect(x, y, x+1, y+1)
				if !any {
					out, any = p, true
				} else {
					out = out.Union(p)
				}
			}
		}
	}
	return out, any
}

// quickFit measures the candidate box r with the ellipse inscribed in it,
// while the budget of searchFits lasts (a zero fit after).
func (m *redMask) quickFit(r image.Rectangle) ellipseFit {
	if m.fits >= searchFits {
		return ellipseFit{r: r}
	}
	m.fits++
	margin := int(math.Ceil(sliceMarginMM * m.mm))
	step := 1
	if min(r.Dx(), r.Dy()) > int(20*m.mm) {
		step = 2 // a quarter of the pixels tell a seal from no seal
	}
	f := m.fitEllipseStep(r, boxEllipse(r), step)
	f.nearEdge = r.Min.X < margin || r.Min.Y < margin || r.Max.X > m.w-margin || r.Max.Y > m.h-margin
	return f
}

// fit measures the candidate box r: with the ellipse inscribed in it, or,
// when that fails, along the principal axes of its red (a tilted oval).
func (m *redMask) fit(r image.Rectangle) ellipseFit {
	margin := int(math.Ceil(sliceMarginMM * m.mm))
	near := r.Min.X < margin || r.Min.Y < margin || r.Max.X > m.w-margin || r.Max.Y > m.h-margin
	fit := m.fitEllipse(r, boxEllipse(r))
	fit.nearEdge = near
	if e, ok := m.momentEllipse(r); ok && !fit.ok() {
		if f := m.fitEllipse(r, e); f.score() > fit.score() {
			fit = f
			fit.nearEdge = near
		}
	}
	return fit
}

// Growing a seal from its largest arc.
const (
	growSeedMM    = 8.0 // an arc this long may be most of a ring
	growSeedCover = 0.5 // and its own box shows this much of a ring
	growSeeds     = 16  // the best seeds grown on a page
	growGapMM     = 5.0 // pieces this close are tried
	growSteps     = 12
	// searchFits bounds the fits that growing and trimming make on one
	// page (a page of red text offers many seeds), so that a page takes
	// tens of milliseconds whatever is on it.
	searchFits = 1500
)

// grownBoxes returns, for each cluster long enough to be a large part of a
// ring, the box grown from it by adding, one at a time, the nearby
// cluster that improves the ellipse fit most, while the fit improves. A
// ring cut into arcs (black text over it, a faint stretch) is put back
// together without the red print next to it that a grouping by distance
// alone takes in (a copy-certification stamp touching the seal).
func (m *redMask) grownBoxes(big []int) []image.Rectangle {
	seedMin := int(growSeedMM * m.mm)
	gap := int(math.Round(growGapMM * m.mm))
	maxSide := int(sealMaxMajorMM * m.mm)
	better := func(a, b ellipseFit) bool {
		if a.ok() != b.ok() {
			return a.ok()
		}
		return a.score() > b.score()+0.005
	}
	// Seeds: long arcs whose box already shows a ring, best first.
	type seed struct {
		i   int
		fit ellipseFit
	}
	var seeds []seed
	for _, i := range big {
		r := m.clusters[i].r
		if max(r.Dx(), r.Dy()) < seedMin || max(r.Dx(), r.Dy()) > maxSide {
			continue
		}
		if f := m.quickFit(r); f.cover >= growSeedCover {
			seeds = append(seeds, seed{i, f})
		}
	}
	slices.SortStableFunc(seeds, func(a, b seed) int {
		switch {
		case a.fit.cover > b.fit.cover:
			return -1
		case a.fit.cover < b.fit.cover:
			return 1
		}
		return 0
	})
	var out []image.Rectangle
	for k, sd := range seeds {
		if k == growSeeds {
			break
		}
		i := sd.i
		r := m.clusters[i].r
		// Clusters within reach of any box grown from this seed.
		reach := r.Inset(-maxSide)
		var near []int
		for _, j := range big {
			if j != i && m.clusters[j].r.Overlaps(reach) {
				near = append(near, j)
			}
		}
		if len(near) == 0 {
			continue
		}
		cur := sd.fit
		for range growSteps {
			var best ellipseFit
			found := false
			for _, j := range near {
				rj := m.clusters[j].r
				if rj.In(r) || rj.Min.X > r.Max.X+gap || r.Min.X > rj.Max.X+gap || rj.Min.Y > r.Max.Y+gap || r.Min.Y > rj.Max.Y+gap {
					continue
				}
				u := r.Union(rj)
				if u.Dx() > maxSide || u.Dy() > maxSide {
					continue
				}
				if f := m.quickFit(u); better(f, cur) && (!found || better(f, best)) {
					best, found = f, true
				}
			}
			if !found {
				break
			}
			r, cur = best.r, best
		}
		out = append(out, r)
	}
	return out
}

// roundSeals finds the round and oval seals among the clusters. It returns
// their boxes (mask pixels) and kinds, and marks in used the clusters
// they consist of.
func (m *redMask) roundSeals(used []bool) (boxes []image.Rectangle, kinds []string) {
	var fits []ellipseFit
	for _, f := range m.sealFits() {
		if f.ok() {
			fits = append(fits, f)
		}
	}
	// Best first; drop any that overlaps a better one.
	slices.SortStableFunc(fits, func(a, b ellipseFit) int {
		sa, sb := a.score(), b.score()
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	for _, f := range fits {
		if slices.ContainsFunc(boxes, f.r.Overlaps) {
			continue
		}
		boxes = append(boxes, f.r)
		kind := SealRound
		if math.Max(f.e.a, f.e.b)/math.Min(f.e.a, f.e.b) >= sealOvalAspect {
			kind = SealOval
		}
		kinds = append(kinds, kind)
		for i, cl := range m.clusters {
			if cl.r.In(f.r.Inset(-2)) {
				used[i] = true
			}
		}
	}
	return boxes, kinds
}

// FindSeals finds red official seals on a page image: round or oval seals
// (a red ring with a star and lettering inside) and slices of a
// perforation seal (骑缝章) cut by a page edge. Red print that is not a
// seal (red headings, lines, table rules, red text) does not count. It
// works on clean renders and on noisy, slightly rotated, JPEG-compressed
// scans from about 100 dpi; larger images are examined downsampled to
// about that. Boxes are in img's coordinates.
func FindSeals(img image.Image, page int) []Seal {
	m := newRedMask(img)
	if m == nil || m.n == 0 {
		return nil
	}
	m.suppressRules()
	m.cluster()
	used := make([]bool, len(m.clusters))
	boxes, kinds := m.roundSeals(used)
	var out []Seal
	for i, r := range boxes {
		out = append(out, Seal{Page: page, BBox: m.toInput(r), Kind: kinds[i]})
	}
	// Reading order: top to bottom, left to right.
	slices.SortFunc(out, func(a, b Seal) int {
		if a.BBox[1] != b.BBox[1] {
			return a.BBox[1] - b.BBox[1]
		}
		return a.BBox[0] - b.BBox[0]
	})
	for _, s := range m.perforationSlices(used) {
		out = append(out, Seal{Page: page, BBox: m.toInput(s.r), Kind: SealPerforation, Edge: s.edge})
	}
	return out
}

// SealFindings checks that the document bears its official seal: with
// required, the last page must bear a round or oval seal (the seal goes
// with the signature at the end); seal_missing on that page otherwise.
func SealFindings(seals []Seal, pages int, required bool) []Finding {
	if !required || pages < 1 {
		return nil
	}
	var elsewhere []int
	for _, s := range seals {
		if s.Kind != SealRound && s.Kind != SealOval {
			continue
		}
		if s.Page == pages {
			return nil
		}
		if !slices.Contains(elsewhere, s.Page) {
			elsewhere = append(elsewhere, s.Page)
		}
	}
	f := Finding{Code: CodeSealMissing, Severity: Error, Page: pages}
	switch {
	case pages == 1:
		f.Message = "未检测到红色公章（圆形或椭圆形）：请在落款处加盖单位公章后重新扫描上传"
		f.MessageE = "no red official seal (round or oval) was found: stamp the document with your organisation's seal where it is signed, scan it again and upload"
	case len(elsewhere) > 0:
		slices.Sort(elsewhere)
		f.Message = fmt.Sprintf("最后一页（第 %d 页）未检测到红色公章（第 %s 页有）：公章应盖在最后一页的落款处，请补盖后重新扫描上传", pages, pageList(elsewhere, "、"))
		f.MessageE = fmt.Sprintf("no red official seal on the last page (page %d; there is one on page %s): the seal goes with the signature on the last page, stamp it there, scan again and upload", pages, pageList(elsewhere, ", "))
	default:
		f.Message = fmt.Sprintf("最后一页（第 %d 页）未检测到红色公章（圆形或椭圆形）：请在落款处加盖单位公章后重新扫描上传", pages)
		f.MessageE = fmt.Sprintf("no red official seal (round or oval) on the last page (page %d): stamp it with your organisation's seal where it is signed, scan again and upload", pages)
	}
	return []Finding{f}
}

// pageList joins page numbers.
func pageList(pages []int, sep string) string {
	s := ""
	for i, p := range pages {
		if i > 0 {
			s += sep
		}
		s += fmt.Sprint(p)
	}
	return s
}
