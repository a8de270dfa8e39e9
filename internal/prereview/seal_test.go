package prereview

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// kinds lists the kinds of seals found, with the edge for slices.
func sealKinds(seals []Seal) []string {
	var out []string
	for _, s := range seals {
		k := s.Kind
		if s.Edge != "" {
			k += "@" + s.Edge
		}
		out = append(out, k)
	}
	return out
}

// scanOf returns the page as is (clean) or as a noisy scan.
func sealScanOf(t testing.TB, s *sealSheet, noisy bool, variant int) image.Image {
	t.Helper()
	if !noisy {
		return s.img
	}
	rot := []float64{-2, -1.2, -0.5, 0.7, 1.4, 2}[variant%6]
	q := []int{40, 55, 70, 80}[variant%4]
	return s.degrade(t, rot, 6+float64(variant%3)*3, q)
}

func TestFindSealsRoundAndOval(t *testing.T) {
	type tc struct {
		name string
		draw func(s *sealSheet)
		want []string
	}
	tests := []tc{
		{"round seal over the signature", func(s *sealSheet) { s.signature(); s.seal(fixtureSeal(150, 245)) }, []string{SealRound}},
		{"round seal with a red-header document", func(s *sealSheet) { s.redHeading(); s.signature(); s.seal(fixtureSeal(150, 245)) }, []string{SealRound}},
		{"pale round seal", func(s *sealSheet) {
			sp := fixtureSeal(150, 245)
			sp.strength = 0.4
			s.seal(sp)
		}, []string{SealRound}},
		{"seal partly unpressed: ring missing over 80°", func(s *sealSheet) {
			sp := fixtureSeal(150, 245)
			sp.clip = func(x, y float64) bool {
				a := math.Atan2(y-245, x-150)
				return a <= 0.2 || a >= 0.2+80*math.Pi/180
			}
			s.seal(sp)
		}, []string{SealRound}},
		{"seal over dense black text", func(s *sealSheet) {
			s.text(120, 225, 185, 8, 5, sealInkBlack)
			s.seal(fixtureSeal(150, 245))
		}, []string{SealRound}},
		{"seal over the rule of a red heading", func(s *sealSheet) { s.redHeading(); s.seal(fixtureSeal(150, 62)) }, []string{SealRound}},
		{"seal over a red table with text across its rules", func(s *sealSheet) {
			s.table(25, 200, 185, 260, 6, 5, sealInkRed, 0.4)
			s.seal(fixtureSeal(150, 235))
		}, []string{SealRound}},
		{"seal touching a rectangular stamp", func(s *sealSheet) {
			s.seal(fixtureSeal(150, 230))
			s.rectStamp(150, 262.5, 44, 19, 0.1)
		}, []string{SealRound}},
		{"seal just under a red rule", func(s *sealSheet) {
			s.stroke(25, 223.5, 185, 223.5, 0.6, sealInkRed, 1)
			s.seal(fixtureSeal(150, 245))
		}, []string{SealRound}},
		{"small financial seal 32 mm", func(s *sealSheet) {
			sp := fixtureSeal(60, 245)
			sp.rx, sp.ry = 16, 16
			s.seal(sp)
		}, []string{SealRound}},
		{"oval seal 45×30 mm", func(s *sealSheet) {
			sp := fixtureSeal(150, 245)
			sp.rx, sp.ry = 22.5, 15
			s.seal(sp)
		}, []string{SealOval}},
		{"tilted oval seal", func(s *sealSheet) {
			sp := fixtureSeal(150, 245)
			sp.rx, sp.ry, sp.rot = 22.5, 15, 0.12
			s.seal(sp)
		}, []string{SealOval}},
		{"oval seal tilted 12°", func(s *sealSheet) {
			sp := fixtureSeal(150, 245)
			sp.rx, sp.ry, sp.rot = 21, 14.5, 0.21
			s.seal(sp)
		}, []string{SealOval}},
		{"oval seal tilted -10°", func(s *sealSheet) {
			sp := fixtureSeal(150, 245)
			sp.rx, sp.ry, sp.rot = 22, 15, -0.175
			s.seal(sp)
		}, []string{SealOval}},
		{"two seals", func(s *sealSheet) { s.seal(fixtureSeal(60, 245)); s.seal(fixtureSeal(150, 245)) }, []string{SealRound, SealRound}},
		{"seal in the middle of the text", func(s *sealSheet) { s.seal(fixtureSeal(105, 80)) }, []string{SealRound}},
	}
	for _, noisy := range []bool{false, true} {
		for i, tt := range tests {
			t.Run(fmt.Sprintf("%s/noisy=%v", tt.name, noisy), func(t *testing.T) {
				s := newSealSheet(100, uint64(i+1))
				s.document()
				tt.draw(s)
				got := sealKinds(FindSeals(sealScanOf(t, s, noisy, i), 3))
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("kinds (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// redFrame draws a red rectangle with red text inside (a stamped box, a
// red-ruled form field): square like a seal but not round.
func (s *sealSheet) redFrame(x0, y0, x1, y1 float64) {
	s.table(x0, y0, x1, y1, 1, 1, sealInkRed, 0.8)
	s.text(x0+4, y0+8, x1-4, 3, 4, sealInkRed)
}

// rectStamp draws a rectangular red stamp (与原件核对无误 and the like):
// a double frame w × h mm centred at (cx, cy), tilted by rot radians,
// filled with red lettering.
func (s *sealSheet) rectStamp(cx, cy, w, h, rot float64) {
	sn, cs := math.Sincos(rot)
	pt := func(u, v float64) (float64, float64) { return cx + u*cs - v*sn, cy + u*sn + v*cs }
	frame := func(hw, hh, wd float64) {
		c := [][2]float64{{-hw, -hh}, {hw, -hh}, {hw, hh}, {-hw, hh}, {-hw, -hh}}
		for i := range 4 {
			x0, y0 := pt(c[i][0], c[i][1])
			x1, y1 := pt(c[i+1][0], c[i+1][1])
			s.stroke(x0, y0, x1, y1, wd, sealInkRed, 0.85)
		}
	}
	frame(w/2, h/2, 0.9)
	frame(w/2-1.3, h/2-1.3, 0.3)
	lines := max(1, int((h-5)/6))
	size := math.Min(5, (h-5)/float64(lines)/1.3)
	for l := range lines {
		v := -h/2 + 2.5 + size*0.65 + float64(l)*size*1.3
		n := int((w - 6) / (size * 1.05))
		for i := range n {
			u := -float64(n-1)/2*size*1.05 + float64(i)*size*1.05
			x, y := pt(u, v)
			s.glyph(x, y, size, rot, size*0.14, sealInkRed, 0.85)
		}
	}
}

func (s *sealSheet) redDisc(cx, cy, r float64) {
	s.paint(cx-r, cy-r, cx+r, cy+r, sealInkRed, 1, func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r })
}

// TestFindSealsOverRedForm: a seal stamped over a red-ruled form, its
// rules crossing the seal, is found; the form alone is not a seal.
func TestFindSealsOverRedForm(t *testing.T) {
	for _, sealed := range []bool{true, false} {
		for _, noisy := range []bool{false, true} {
			s := newSealSheet(100, 21)
			s.text(25, 30, 185, 8, 4, sealInkBlack)
			s.table(25, 100, 185, 200, 10, 2, sealInkRed, 0.5)
			for r := range 10 {
				s.text(28, 105+float64(r)*10, 75, 1, 4, sealInkBlack)
				s.text(110, 105+float64(r)*10, 180, 1, 4, sealInkBlack)
			}
			var want []string
			if sealed {
				s.seal(fixtureSeal(140, 190))
				want = []string{SealRound}
			}
			got := sealKinds(FindSeals(sealScanOf(t, s, noisy, 2), 1))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("sealed=%v noisy=%v (-want +got):\n%s", sealed, noisy, diff)
			}
		}
	}
}

func TestFindSealsIgnoresRedThatIsNoSeal(t *testing.T) {
	tests := []struct {
		name string
		draw func(s *sealSheet)
	}{
		{"red-header document: big red title and red rule", func(s *sealSheet) { s.redHeading() }},
		{"red-ruled table", func(s *sealSheet) { s.table(25, 200, 185, 260, 6, 5, sealInkRed, 0.5) }},
		{"red square table 45 mm", func(s *sealSheet) { s.table(130, 215, 175, 260, 3, 3, sealInkRed, 0.6) }},
		{"red paragraph", func(s *sealSheet) { s.text(25, 205, 185, 5, 4, sealInkRed) }},
		{"red square block of text", func(s *sealSheet) { s.text(130, 210, 172, 8, 4.5, sealInkRed) }},
		{"red frame with text", func(s *sealSheet) { s.redFrame(130, 215, 172, 257) }},
		{"small rectangular stamp crammed with red text", func(s *sealSheet) { s.rectStamp(140, 240, 27, 17, 0.1) }},
		{"rectangular stamp, two lines", func(s *sealSheet) { s.rectStamp(120, 240, 44, 19, -0.12) }},
		{"red filled disc", func(s *sealSheet) { s.redDisc(150, 240, 20) }},
		{"small red logo", func(s *sealSheet) {
			sp := fixtureSeal(40, 25)
			sp.rx, sp.ry = 7, 7
			s.seal(sp)
		}},
		{"red underline rules", func(s *sealSheet) {
			for y := 200.0; y < 260; y += 9 {
				s.stroke(25, y, 185, y, 0.5, sealInkRed, 1)
			}
		}},
		{"red rule along the right edge", func(s *sealSheet) { s.stroke(207, 100, 207, 180, 0.8, sealInkRed, 1) }},
		{"red rule across the page", func(s *sealSheet) { s.stroke(0, 200, 210, 200, 0.8, sealInkRed, 1) }},
		{"blue ring (a signature stamp in blue ink)", func(s *sealSheet) {
			s.table(0, 0, 0, 0, 0, 0, sealInkBlue, 0) // nothing
			s.paint(129, 224, 171, 266, sealInkBlue, 1, func(x, y float64) bool {
				d := math.Hypot(x-150, y-245)
				return d <= 21 && d >= 19.9
			})
		}},
	}
	for _, noisy := range []bool{false, true} {
		for i, tt := range tests {
			t.Run(fmt.Sprintf("%s/noisy=%v", tt.name, noisy), func(t *testing.T) {
				s := newSealSheet(100, uint64(100+i))
				s.document()
				tt.draw(s)
				if got := FindSeals(sealScanOf(t, s, noisy, i), 1); len(got) != 0 {
					t.Errorf("found %+v, want none", got)
				}
			})
		}
	}
}

func TestFindSealsPerforation(t *testing.T) {
	// Page counts from two (half a seal a page) to twenty (2 mm strips),
	// both edges, clean and scanned.
	tests := []struct {
		pages int
		edge  string
		noisy bool
	}{
		{2, "right", false}, {2, "left", true}, {3, "left", false}, {3, "right", true},
		{5, "right", true}, {8, "left", false}, {8, "right", true}, {12, "right", false},
		{12, "left", true}, {20, "left", false}, {20, "right", true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d pages/%s/noisy=%v", tt.pages, tt.edge, tt.noisy), func(t *testing.T) {
			n, edge := tt.pages, tt.edge
			pages := perforationPages(n, edge, 90+float64(n)*5, uint64(n*7))
			var all []Seal
			var infos []PageInfo
			for k, p := range pages {
				img := sealScanOf(t, p, tt.noisy, k+n)
				got := FindSeals(img, k+1)
				if diff := cmp.Diff([]string{SealPerforation + "@" + edge}, sealKinds(got)); diff != "" {
					t.Errorf("page %d kinds (-want +got):\n%s", k+1, diff)
				}
				all = append(all, got...)
				infos = append(infos, PageInfo{Page: k + 1, Width: img.Bounds().Dx(), Height: img.Bounds().Dy()})
			}
			if f := PerforationFindings(all, infos, true); len(f) != 0 {
				t.Errorf("findings %+v, want none", f)
			}
		})
	}
}

// TestFindSealsWithStamps: seals each touched by a rectangular stamp over
// its rim, and stamps alone, on one page: the seals and nothing else.
func TestFindSealsWithStamps(t *testing.T) {
	s := newSealSheet(100, 8)
	for i := range 4 {
		s.seal(fixtureSeal(60, 45+float64(i)*65))
		s.rectStamp(60, 75+float64(i)*65, 44, 19, 0.1)
		s.rectStamp(150, 60+float64(i)*60, 30, 22, -0.1)
	}
	for _, noisy := range []bool{false, true} {
		got := sealKinds(FindSeals(sealScanOf(t, s, noisy, 1), 1))
		if diff := cmp.Diff([]string{SealRound, SealRound, SealRound, SealRound}, got); diff != "" {
			t.Errorf("noisy=%v (-want +got):\n%s", noisy, diff)
		}
	}
}

// TestFindSealsPerforationAndRound: the last page of a stamped document
// carries both its slice and the seal over the signature.
func TestFindSealsPerforationAndRound(t *testing.T) {
	pages := perforationPages(3, "right", 120, 5)
	last := pages[2]
	last.signature()
	last.seal(fixtureSeal(150, 245))
	got := sealKinds(FindSeals(last.img, 3))
	want := []string{SealRound, SealPerforation + "@right"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
}

// TestFindSealsImageSizes: large scans are examined downsampled, small
// ones as they are; boxes are in the input's coordinates whatever its
// bounds.
func TestFindSealsImageSizes(t *testing.T) {
	for _, dpi := range []float64{72, 100, 150, 300} {
		t.Run(fmt.Sprint(dpi), func(t *testing.T) {
			s := newSealSheet(dpi, 3)
			s.document()
			s.seal(fixtureSeal(150, 245))
			want := image.Rect(int(s.px(129)), int(s.px(224)), int(s.px(171)), int(s.px(266)))
			// Offset bounds, as a sub-image has.
			off := image.Pt(37, 11)
			img := image.NewRGBA(s.img.Bounds().Add(off))
			draw.Draw(img, img.Bounds(), s.img, image.Point{}, draw.Src)
			got := FindSeals(img, 1)
			if len(got) != 1 || got[0].Kind != SealRound {
				t.Fatalf("got %+v, want one round seal", got)
			}
			g := got[0].BBox.Rect().Sub(off)
			tol := int(s.px(1.5))
			if sealAbs(g.Min.X-want.Min.X) > tol || sealAbs(g.Min.Y-want.Min.Y) > tol || sealAbs(g.Max.X-want.Max.X) > tol || sealAbs(g.Max.Y-want.Max.Y) > tol {
				t.Errorf("box %v, want %v ± %d", g, want, tol)
			}
		})
	}
}

func sealAbs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestFindSealsImageTypes: the fast paths for decoded image types agree
// with the generic one.
func TestFindSealsImageTypes(t *testing.T) {
	s := newSealSheet(100, 4)
	s.document()
	s.seal(fixtureSeal(150, 245))
	b := s.img.Bounds()
	nrgba := image.NewNRGBA(b)
	draw.Draw(nrgba, b, s.img, image.Point{}, draw.Src)
	ycc := image.NewYCbCr(b, image.YCbCrSubsampleRatio444)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := s.img.RGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			ycc.Y[ycc.YOffset(x, y)], ycc.Cb[ycc.COffset(x, y)], ycc.Cr[ycc.COffset(x, y)] = yy, cb, cr
		}
	}
	pal := image.NewPaletted(b, color.Palette{color.White, sealInkBlack, sealInkRed, color.RGBA{235, 120, 120, 255}})
	draw.Draw(pal, b, s.img, image.Point{}, draw.Src)
	rgba64 := image.NewRGBA64(b)
	draw.Draw(rgba64, b, s.img, image.Point{}, draw.Src)
	for name, img := range map[string]image.Image{"rgba": s.img, "nrgba": nrgba, "ycbcr": ycc, "paletted": pal, "rgba64": rgba64} {
		if got := sealKinds(FindSeals(img, 1)); !cmp.Equal(got, []string{SealRound}) {
			t.Errorf("%s: %v, want one round seal", name, got)
		}
	}
	gray := image.NewGray(b)
	draw.Draw(gray, b, s.img, image.Point{}, draw.Src)
	if got := FindSeals(gray, 1); len(got) != 0 {
		t.Errorf("grey image: %+v, want none", got)
	}
	for _, r := range []image.Rectangle{image.Rect(0, 0, 0, 0), image.Rect(0, 0, 10, 5000)} {
		if got := FindSeals(image.NewRGBA(r), 1); len(got) != 0 {
			t.Errorf("%v: %+v", r, got)
		}
	}
}

func TestIsSealRed(t *testing.T) {
	tests := []struct {
		c    color.RGBA
		want bool
	}{
		{sealInkRed, true},
		{color.RGBA{235, 120, 122, 255}, true}, // pale seal ink
		{color.RGBA{180, 40, 60, 255}, true},   // dark red
		{color.RGBA{200, 60, 40, 255}, true},   // warm red
		{color.RGBA{25, 25, 25, 255}, false},   // black text
		{color.RGBA{120, 10, 10, 255}, true},
		{color.RGBA{90, 10, 10, 255}, false},    // red under black text: too dark
		{color.RGBA{230, 228, 220, 255}, false}, // grey paper
		{color.RGBA{240, 150, 40, 255}, false},  // orange
		{color.RGBA{220, 40, 200, 255}, false},  // magenta
		{color.RGBA{30, 50, 160, 255}, false},   // blue ink
		{color.RGBA{245, 215, 215, 255}, false}, // faint pink tint
	}
	for _, tt := range tests {
		if got := isSealRed(int32(tt.c.R), int32(tt.c.G), int32(tt.c.B)); got != tt.want {
			t.Errorf("isSealRed(%v) = %v, want %v", tt.c, got, tt.want)
		}
	}
}

func TestSealFindings(t *testing.T) {
	round := func(p int) Seal { return Seal{Page: p, Kind: SealRound} }
	tests := []struct {
		name     string
		seals    []Seal
		pages    int
		required bool
		want     []int // pages with seal_missing
	}{
		{"not required", nil, 3, false, nil},
		{"one page with seal", []Seal{round(1)}, 1, true, nil},
		{"one page without", nil, 1, true, []int{1}},
		{"seal on last page", []Seal{round(3)}, 3, true, nil},
		{"oval on last page", []Seal{{Page: 3, Kind: SealOval}}, 3, true, nil},
		{"seal on the first page only", []Seal{round(1)}, 3, true, []int{3}},
		{"only a perforation slice on the last page", []Seal{{Page: 3, Kind: SealPerforation, Edge: "right"}}, 3, true, []int{3}},
		{"no pages", nil, 0, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, f := range SealFindings(tt.seals, tt.pages, tt.required) {
				if f.Code != CodeSealMissing || f.Severity != Error || f.Message == "" || f.MessageE == "" {
					t.Errorf("bad finding %+v", f)
				}
				got = append(got, f.Page)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPerforationFindings(t *testing.T) {
	const w, h = 827, 1169
	pages := func(n int) []PageInfo {
		var out []PageInfo
		for i := 1; i <= n; i++ {
			out = append(out, PageInfo{Page: i, Width: w, Height: h})
		}
		return out
	}
	slice := func(p int, edge string, y int) Seal {
		b := Box{w - 20, y - 60, w, y + 60}
		if edge == "left" {
			b = Box{0, y - 60, 20, y + 60}
		}
		return Seal{Page: p, Kind: SealPerforation, Edge: edge, BBox: b}
	}
	tests := []struct {
		name     string
		seals    []Seal
		pages    []PageInfo
		required bool
		want     []int
	}{
		{"not required", nil, pages(3), false, nil},
		{"one page", nil, pages(1), true, nil},
		{"all pages", []Seal{slice(1, "right", 500), slice(2, "right", 505), slice(3, "right", 498)}, pages(3), true, nil},
		{"none", nil, pages(3), true, []int{1, 2, 3}},
		{"round seals are no slices", []Seal{{Page: 1, Kind: SealRound}, {Page: 2, Kind: SealRound}}, pages(2), true, []int{1, 2}},
		{"page 2 lacks it", []Seal{slice(1, "right", 500), slice(3, "right", 500)}, pages(3), true, []int{2}},
		{"page 3 at the other edge", []Seal{slice(1, "right", 500), slice(2, "right", 500), slice(3, "left", 500)}, pages(3), true, []int{3}},
		{"page 2 at another height", []Seal{slice(1, "left", 500), slice(2, "left", 900), slice(3, "left", 500)}, pages(3), true, []int{2}},
		{"two slices on a page, one right", []Seal{slice(1, "right", 500), slice(2, "right", 900), slice(2, "right", 500)}, pages(2), true, nil},
		{"unknown page sizes: edge only", []Seal{slice(1, "right", 100), slice(2, "right", 900)}, []PageInfo{{Page: 1}, {Page: 2}}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, f := range PerforationFindings(tt.seals, tt.pages, tt.required) {
				if f.Code != CodePerforationSealMissing || f.Severity != Error || f.Message == "" || f.MessageE == "" {
					t.Errorf("bad finding %+v", f)
				}
				got = append(got, f.Page)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkFindSeals(b *testing.B) {
	// Pages with much red: the search for seals cut up by other print is
	// bounded (searchFits).
	for name, draw := range map[string]func(s *sealSheet){
		"red-text-page": func(s *sealSheet) { s.text(25, 30, 185, 30, 4, sealInkRed) },
		"stamped-page": func(s *sealSheet) {
			for i := range 4 {
				s.seal(fixtureSeal(60, 45+float64(i)*65))
				s.rectStamp(60, 75+float64(i)*65, 44, 19, 0.1)
				s.rectStamp(150, 60+float64(i)*60, 30, 22, -0.1)
			}
		},
	} {
		s := newSealSheet(100, 2)
		draw(s)
		img := s.degrade(b, 1, 8, 60)
		b.Run("100dpi/"+name, func(b *testing.B) {
			for b.Loop() {
				FindSeals(img, 1)
			}
		})
	}
	for _, dpi := range []float64{100, 150, 300} {
		s := newSealSheet(dpi, 1)
		s.redHeading()
		s.document()
		s.seal(fixtureSeal(150, 245))
		for name, img := range map[string]image.Image{"clean": s.img, "scan": s.degrade(b, 1, 8, 60)} {
			b.Run(fmt.Sprintf("%gdpi/%s", dpi, name), func(b *testing.B) {
				for b.Loop() {
					if len(FindSeals(img, 1)) != 1 {
						b.Fatal("seal not found")
					}
				}
			})
		}
	}
}

// TestSealMinCr: the YCbCr shortcut rejects no colour isSealRed accepts,
// from RGB and from YCbCr.
func TestSealMinCr(t *testing.T) {
	for y := 0; y < 256; y++ {
		for cb := 0; cb < 256; cb++ {
			for cr := 0; cr < sealMinCr; cr++ {
				r, g, b := color.YCbCrToRGB(uint8(y), uint8(cb), uint8(cr))
				if isSealRed(int32(r), int32(g), int32(b)) {
					t.Fatalf("YCbCr(%d,%d,%d) = rgb(%d,%d,%d) is seal red below Cr %d", y, cb, cr, r, g, b, sealMinCr)
				}
			}
		}
	}
	for r := 0; r < 256; r += 1 {
		for g := 0; g < 256; g += 3 {
			for b := 0; b < 256; b += 3 {
				if !isSealRed(int32(r), int32(g), int32(b)) {
					continue
				}
				_, _, cr := color.RGBToYCbCr(uint8(r), uint8(g), uint8(b))
				if cr < sealMinCr {
					t.Fatalf("rgb(%d,%d,%d) is seal red but Cr %d < %d", r, g, b, cr, sealMinCr)
				}
			}
		}
	}
}

// FuzzFindSeals: any image, any size, never a panic, boxes inside the
// image.
func FuzzFindSeals(f *testing.F) {
	f.Add(uint16(40), uint16(40), []byte{214, 24, 30})
	f.Add(uint16(600), uint16(33), []byte{255, 255, 255, 214, 24, 30, 0, 0, 0})
	f.Add(uint16(33), uint16(900), []byte{200, 40, 40, 200, 40, 40, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, w, h uint16, pix []byte) {
		w, h = w%1200, h%1200
		if len(pix) == 0 || int(w)*int(h) > 1<<20 {
			return
		}
		r := image.Rect(-7, 3, int(w)-7, int(h)+3)
		img := image.NewRGBA(r)
		for i := 0; i < len(img.Pix); i += 4 {
			j := (i / 4 * 3) % len(pix)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = pix[j], pix[(j+1)%len(pix)], pix[(j+2)%len(pix)], 255
		}
		for _, s := range FindSeals(img, 1) {
			if !s.BBox.Rect().In(r) || s.BBox.Rect().Empty() {
				t.Fatalf("box %v outside %v", s.BBox, r)
			}
		}
	})
}
