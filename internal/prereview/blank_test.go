package prereview

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"
)

func TestIsBlank(t *testing.T) {
	paper := func(o scanOpts) *image.RGBA { o.blank = true; return scanPage(o) }
	withSpecks := func(img *image.RGBA, n int, seed uint64) *image.RGBA {
		r := rand.New(rand.NewPCG(seed, 1))
		for k := 0; k < n; k++ { // dust: 2 × 2 dark specks
			x, y := r.IntN(img.Rect.Dx()-2), r.IntN(img.Rect.Dy()-2)
			for dy := 0; dy < 2; dy++ {
				for dx := 0; dx < 2; dx++ {
					img.SetRGBA(x+dx, y+dy, color.RGBA{30, 30, 30, 255})
				}
			}
		}
		return img
	}
	withBorder := func(img *image.RGBA) *image.RGBA { // the platen's dark edge
		b := img.Rect
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				if x < b.Dx()/50 || y < b.Dy()/60 || x > b.Dx()-b.Dx()/40 {
					img.SetRGBA(x, y, color.RGBA{15, 15, 15, 255})
				}
			}
		}
		return img
	}
	draw := func(img *image.RGBA, r image.Rectangle, c color.RGBA) *image.RGBA {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				img.SetRGBA(x, y, c)
			}
		}
		return img
	}
	jpegged := func(img *image.RGBA, q int) image.Image {
		var b bytes.Buffer
		jpeg.Encode(&b, img, &jpeg.Options{Quality: q})
		out, err := jpeg.Decode(&b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	ink := color.RGBA{20, 20, 25, 255}
	tests := []struct {
		name string
		img  image.Image
		want bool
	}{
		{"white", draw(image.NewRGBA(image.Rect(0, 0, 827, 1169)), image.Rect(0, 0, 827, 1169), color.RGBA{255, 255, 255, 255}), true},
		{"paper with grain", paper(scanOpts{dpi: 100, seed: 1, noise: 12}), true},
		{"paper with heavy grain", paper(scanOpts{dpi: 100, seed: 2, noise: 30}), true},
		{"paper lit unevenly", paper(scanOpts{dpi: 100, seed: 3, noise: 6, tilt: true}), true},
		{"paper with dust", withSpecks(paper(scanOpts{dpi: 100, seed: 4, noise: 6}), 150, 1), true},
		{"paper in a dark platen border", withBorder(paper(scanOpts{dpi: 100, seed: 5, noise: 6})), true},
		{"paper, JPEG at quality 40", jpegged(paper(scanOpts{dpi: 150, seed: 6, noise: 10}), 40), true},
		{"paper with a page number", draw(paper(scanOpts{dpi: 100, seed: 7, noise: 6}), image.Rect(410, 1100, 418, 1112), ink), true},
		{"all black", draw(image.NewRGBA(image.Rect(0, 0, 400, 560)), image.Rect(0, 0, 400, 560), color.RGBA{0, 0, 0, 255}), true},
		{"empty image", image.NewRGBA(image.Rect(0, 0, 0, 0)), true},
		{"paper of odd cell size", resample(paper(scanOpts{dpi: 100, seed: 17, noise: 8}), 700, 990), true},
		{"paper of odd cell size, 9 pixels", resample(paper(scanOpts{dpi: 120, seed: 18, noise: 8}), 900, 1272), true},

		{"a page of text", scanPage(scanOpts{dpi: 100, seed: 8, noise: 6}), false},
		{"a page of text, JPEG at quality 30", jpegged(scanPage(scanOpts{dpi: 100, seed: 9, noise: 10}), 30), false},
		{"a page of text at 300 dpi", scanPage(scanOpts{dpi: 300, seed: 10, noise: 6}), false},
		{"one line of text", textLine(paper(scanOpts{dpi: 100, seed: 11, noise: 6}), 7), false},
		{"only a red seal", redRing(paper(scanOpts{dpi: 100, seed: 12, noise: 6})), false},
		{"only a signature", signature(paper(scanOpts{dpi: 100, seed: 13, noise: 6})), false},
		{"text on grey paper", scanPageOn(scanOpts{dpi: 100, seed: 14, noise: 6}, 190), false},
		{"text of odd cell size", resample(scanPage(scanOpts{dpi: 100, seed: 19, noise: 4}), 700, 990), false},
		{"a small thumbnail of text", resample(scanPage(scanOpts{dpi: 100, seed: 15, noise: 4}), 207, 292), false},
		{"light grey pencil", draw(paper(scanOpts{dpi: 100, seed: 16, noise: 4}), image.Rect(100, 300, 700, 340), color.RGBA{180, 180, 180, 255}), false},
	}
	for _, tt := range tests {
		if got := IsBlank(tt.img); got != tt.want {
			t.Errorf("%s: IsBlank = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// textLine writes one line of n character-sized blocks at the top of img.
func textLine(img *image.RGBA, n int) *image.RGBA {
	for k := 0; k < n; k++ {
		x := 120 + k*20
		for y := 200; y < 216; y++ {
			for dx := 0; dx < 16; dx++ {
				if y == 200 || y == 208 || y == 215 || dx == 8 {
					img.SetRGBA(x+dx, y, color.RGBA{20, 20, 20, 255})
				}
			}
		}
	}
	return img
}

// redRing stamps a red ring of 42 mm (at 100 dpi) in the middle of img.
func redRing(img *image.RGBA) *image.RGBA {
	cx, cy, r := 413, 584, 82.0
	for y := cy - 90; y < cy+90; y++ {
		for x := cx - 90; x < cx+90; x++ {
			if d := math.Hypot(float64(x-cx), float64(y-cy)); d <= r && d >= r-5 {
				img.SetRGBA(x, y, color.RGBA{220, 40, 40, 255})
			}
		}
	}
	return img
}

// signature draws a pen scrawl (a thin sine wave) near the bottom.
func signature(img *image.RGBA) *image.RGBA {
	for x := 500; x < 700; x++ {
		y := 1000 + int(15*math.Sin(float64(x)/9))
		for dy := 0; dy < 2; dy++ {
			img.SetRGBA(x, y+dy, color.RGBA{20, 30, 90, 255})
		}
	}
	return img
}

// scanPageOn is scanPage on paper of the given grey.
func scanPageOn(o scanOpts, grey uint8) *image.RGBA {
	img := scanPage(o)
	for i := 0; i < len(img.Pix); i += 4 {
		if img.Pix[i] > 200 {
			img.Pix[i], img.Pix[i+1], img.Pix[i+2] = grey, grey, grey
		}
	}
	return img
}

func TestBlankFindings(t *testing.T) {
	some := BlankFindings([]PageInfo{{Page: 1}, {Page: 2, Blank: true}, {Page: 3}})
	if len(some) != 1 || some[0].Code != CodeBlankPage || some[0].Page != 2 || some[0].Severity != Warning {
		t.Errorf("one blank page of three: %+v", some)
	}
	all := BlankFindings([]PageInfo{{Page: 1, Blank: true}, {Page: 2, Blank: true}})
	if len(all) != 2 || all[0].Severity != Error || all[1].Page != 2 {
		t.Errorf("all blank: %+v", all)
	}
	if none := BlankFindings([]PageInfo{{Page: 1}}); len(none) != 0 {
		t.Errorf("no blank page: %+v", none)
	}
	checkMessages(t, append(some, all...))
}
