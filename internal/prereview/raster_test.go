package prereview

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"strings"
	"testing"
	"time"
)

// mustOpen opens data and fails on any finding.
func mustOpen(t testing.TB, name string, data []byte, lim Limits) *Doc {
	t.Helper()
	doc, fs := Open(context.Background(), name, data, lim)
	if doc == nil || len(fs) > 0 {
		t.Fatalf("Open(%s): doc %v, findings %+v", name, doc != nil, fs)
	}
	t.Cleanup(func() { doc.Close() })
	return doc
}

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestPagePDF(t *testing.T) {
	mustPDFTools(t)
	scan150 := jpegBytes(t, scanPage(scanOpts{dpi: 150, seed: 1, noise: 5}), 80, 0)
	scan100 := jpegBytes(t, scanPage(scanOpts{dpi: 100, seed: 2, noise: 5}), 80, 0)
	blank150 := jpegBytes(t, scanPage(scanOpts{dpi: 150, seed: 3, noise: 8, blank: true}), 70, 0)
	logo := jpegBytes(t, scanPage(scanOpts{dpi: 40, seed: 4}), 80, 0)
	doc := mustOpen(t, "mixed.pdf", pdfBytes(t, []pdfPageSpec{
		{scan: scan150},
		{scan: scan100},
		{text: "Business licence of Example Ltd. Valid until 2030-01-01."},
		{},
		{scan: blank150},
		{scan: logo, cover: 0.3, text: "A typed page with a small picture on it."},
	}, nil), Limits{})

	tests := []struct {
		page      int
		dpi       float64 // of the scan; 0: not a scan
		blank     bool
		lowRes    bool
		textWants string
	}{
		{page: 1, dpi: 150},
		{page: 2, dpi: 100, lowRes: true},
		{page: 3, dpi: 0, textWants: "Example Ltd"},
		{page: 4, dpi: 0, blank: true},
		{page: 5, dpi: 150, blank: true},
		{page: 6, dpi: 0, textWants: "typed page"},
	}
	for _, tt := range tests {
		img, pi, err := doc.Page(context.Background(), tt.page)
		if err != nil {
			t.Fatalf("page %d: %v", tt.page, err)
		}
		rgba, ok := img.(*image.RGBA)
		if !ok {
			t.Fatalf("page %d: %T, want *image.RGBA", tt.page, img)
		}
		// A4 at 100 dpi: 827 × 1169.
		if !near(float64(rgba.Rect.Dx()), 827, 2) || !near(float64(rgba.Rect.Dy()), 1169, 2) || rgba.Rect.Min != (image.Point{}) {
			t.Errorf("page %d: image %v, want about 827 × 1169 at the origin", tt.page, rgba.Rect)
		}
		if pi.Page != tt.page || pi.Width != rgba.Rect.Dx() || pi.Height != rgba.Rect.Dy() {
			t.Errorf("page %d: info %+v does not match the image %v", tt.page, pi, rgba.Rect)
		}
		if !near(pi.DPI, tt.dpi, 1) {
			t.Errorf("page %d: DPI %.1f, want %.0f", tt.page, pi.DPI, tt.dpi)
		}
		if pi.Blank != tt.blank {
			t.Errorf("page %d: blank %v, want %v", tt.page, pi.Blank, tt.blank)
		}
		if got := ResolutionFinding(pi) != nil; got != tt.lowRes {
			t.Errorf("page %d: low resolution %v, want %v", tt.page, got, tt.lowRes)
		}
		text, err := doc.Text(context.Background(), tt.page)
		if err != nil {
			t.Fatalf("text of page %d: %v", tt.page, err)
		}
		if tt.textWants != "" && !strings.Contains(text, tt.textWants) {
			t.Errorf("text of page %d = %q, want it to contain %q", tt.page, text, tt.textWants)
		}
		if tt.textWants == "" && strings.TrimSpace(text) != "" {
			t.Errorf("text of page %d = %q, want none", tt.page, text)
		}
	}
	if _, _, err := doc.Page(context.Background(), 7); !errors.Is(err, ErrNoPage) {
		t.Errorf("page 7 of 6: %v, want ErrNoPage", err)
	}
	if _, err := doc.Text(context.Background(), 0); !errors.Is(err, ErrNoPage) {
		t.Errorf("text of page 0: %v, want ErrNoPage", err)
	}
}

func TestPagePDFHugePage(t *testing.T) {
	mustPDFTools(t)
	// A 5 m × 5 m page would be 390 million pixels at 100 dpi: it is
	// rendered smaller instead.
	doc := mustOpen(t, "plan.pdf", hugePagePDF(t), Limits{})
	img, _, err := doc.Page(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if px := b.Dx() * b.Dy(); px > maxRasterPixels || px < maxRasterPixels/2 {
		t.Errorf("rendered %v (%d pixels), want at most %d and not much fewer", b, px, maxRasterPixels)
	}
}

func TestPagePDFCancelled(t *testing.T) {
	mustPDFTools(t)
	doc := mustOpen(t, "scan.pdf", scanPDF(t, 1, 100, 60), Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := doc.Page(ctx, 1); err == nil || PageErrorFinding(1, err).Code != CodeCheckFailed {
		t.Errorf("cancelled: %v", err)
	}
}

func TestPageImage(t *testing.T) {
	page300 := scanPage(scanOpts{dpi: 300, seed: 5, noise: 4})
	page150 := scanPage(scanOpts{dpi: 150, seed: 6, noise: 4})
	page75 := scanPage(scanOpts{dpi: 75, seed: 7, noise: 4})
	tests := []struct {
		name       string
		file       string
		data       []byte
		w, h       int // of the page image
		dpi        float64
		lowRes     bool
		blank      bool
		checkPixel func(t *testing.T, img *image.RGBA)
	}{
		{name: "JPEG 300 dpi JFIF", file: "a.jpg", data: jpegBytes(t, page300, 85, 300), w: 827, h: 1169, dpi: 300},
		{name: "JPEG without density, A4 at 150", file: "a.jpg", data: jpegBytes(t, page150, 85, 0), w: 827, h: 1169, dpi: 150},
		{name: "JPEG claiming 72 dpi (implausible: A4 wins)", file: "a.jpg", data: jpegBytes(t, page300, 85, 72), w: 827, h: 1169, dpi: 300},
		{name: "JPEG at 75 dpi", file: "a.jpg", data: jpegBytes(t, page75, 85, 75), w: 620, h: 877, dpi: 75, lowRes: true},
		{name: "PNG with pHYs 75 dpi", file: "a.png", data: pngBytes(t, page75, 75), w: 620, h: 877, dpi: 75, lowRes: true},
		{name: "PNG without pHYs, A4 at 150", file: "a.png", data: pngBytes(t, page150, 0), w: 827, h: 1169, dpi: 150},
		{name: "blank JPEG", file: "a.jpg", data: jpegBytes(t, scanPage(scanOpts{dpi: 150, seed: 8, noise: 10, blank: true}), 60, 150), w: 827, h: 1169, dpi: 150, blank: true},
		{name: "EXIF orientation 6 (turned a quarter)", file: "a.jpg", data: withExifOrientation(jpegBytes(t, rotate90(page150), 85, 0), 6), w: 827, h: 1169, dpi: 150,
			checkPixel: func(t *testing.T, img *image.RGBA) {
				// Upright, it is the page as drawn.
				want := resample(page150, 827, 1169)
				right, wrong := meanAbsDiff(img, want), meanAbsDiff(orientRGBA(img, 3), want)
				t.Logf("mean difference upright %.1f, upside down %.1f", right, wrong)
				if right > wrong/3 {
					t.Errorf("upright page differs from the original by %.1f on average, upside down by %.1f", right, wrong)
				}
			}},
		{name: "TIFF 200 dpi", file: "a.tif", data: tiffBytes([]*image.Gray{grayPage(1654, 2339)}, 200), w: 827, h: 1170, dpi: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustOpen(t, tt.file, tt.data, Limits{})
			img, pi, err := doc.Page(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			rgba := img.(*image.RGBA)
			if !near(float64(pi.Width), float64(tt.w), 1) || !near(float64(pi.Height), float64(tt.h), 1) || pi.Width != rgba.Rect.Dx() || pi.Height != rgba.Rect.Dy() {
				t.Errorf("size %d × %d (image %v), want %d × %d", pi.Width, pi.Height, rgba.Rect, tt.w, tt.h)
			}
			if !near(pi.DPI, tt.dpi, 1) {
				t.Errorf("DPI %.1f, want %.0f", pi.DPI, tt.dpi)
			}
			if got := ResolutionFinding(pi) != nil; got != tt.lowRes {
				t.Errorf("low resolution %v, want %v", got, tt.lowRes)
			}
			if pi.Blank != tt.blank {
				t.Errorf("blank %v, want %v", pi.Blank, tt.blank)
			}
			if tt.checkPixel != nil {
				tt.checkPixel(t, rgba)
			}
			if text, err := doc.Text(context.Background(), 1); err != nil || text != "" {
				t.Errorf("Text of an image = %q, %v", text, err)
			}
		})
	}
}

func TestPageTIFFPages(t *testing.T) {
	doc := mustOpen(t, "a.tif", tiffBytes([]*image.Gray{grayPage(300, 420), grayPage(420, 300), grayPage(90, 120)}, 0), Limits{})
	want := []image.Point{{300, 420}, {420, 300}, {90, 120}}
	for i, w := range want {
		img, pi, err := doc.Page(context.Background(), i+1)
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		if got := img.Bounds().Size(); got != w || pi.Page != i+1 {
			t.Errorf("page %d: %v (info %+v), want %v", i+1, got, pi, w)
		}
	}
}

// rotate90 turns img a quarter turn anticlockwise: what a camera held
// sideways records, which EXIF orientation 6 puts right.
func rotate90(src *image.RGBA) *image.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, h, w))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dst.SetRGBA(y, w-1-x, src.RGBAAt(x, y))
		}
	}
	return dst
}

func TestDecodePPM(t *testing.T) {
	img, err := decodePPM([]byte("P6\n# comment\n2 1\n255\n\x01\x02\x03\x04\x05\x06"))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Pix; string(got) != "\x01\x02\x03\xff\x04\x05\x06\xff" {
		t.Errorf("pixels %v", got)
	}
	for _, bad := range []string{"", "P5\n1 1\n255\n\x00", "P6\n2 2\n255\n\x00", "P6\n1 1\n65535\n\x00\x00\x00\x00\x00\x00", "P6\n-1 1\n255\n"} {
		if _, err := decodePPM([]byte(bad)); err == nil {
			t.Errorf("decodePPM(%q): no error", bad)
		}
	}
}

func TestResample(t *testing.T) {
	// A 4 × 2 image of black and white columns shrinks to two grey pixels.
	src := image.NewGray(image.Rect(0, 0, 4, 2))
	for y := 0; y < 2; y++ {
		src.Pix[y*4], src.Pix[y*4+1], src.Pix[y*4+2], src.Pix[y*4+3] = 0, 255, 0, 255
	}
	dst := resample(src, 2, 1)
	for x := 0; x < 2; x++ {
		if c := dst.RGBAAt(x, 0); c.R != 127 || c.A != 255 {
			t.Errorf("pixel %d = %v, want grey 127", x, c)
		}
	}
	// Transparency is paper.
	n := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	if c := resample(n, 1, 1).RGBAAt(0, 0); c.R != 255 || c.G != 255 || c.B != 255 {
		t.Errorf("transparent pixel = %v, want white", c)
	}
}

// meanAbsDiff is the mean absolute difference of the red channels of two
// images of the same size (255 when the sizes differ).
func meanAbsDiff(a, b *image.RGBA) float64 {
	if a.Rect != b.Rect {
		return 255
	}
	var sum float64
	for i := 0; i < len(a.Pix); i += 4 {
		sum += math.Abs(float64(a.Pix[i]) - float64(b.Pix[i]))
	}
	return sum / float64(len(a.Pix)/4)
}

func TestPagePDFTimeoutStops(t *testing.T) {
	mustPDFTools(t)
	doc := mustOpen(t, "scan.pdf", scanPDF(t, 3, 100, 60), Limits{})
	doc.lim.Timeout = time.Nanosecond
	_, _, err := doc.Page(context.Background(), 1)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("page 1: %v, want ErrTimeout", err)
	}
	if f := PageErrorFinding(1, err); f.Code != CodeCheckFailed {
		t.Errorf("finding %+v, want check_failed", f)
	}
	// With time enough, page 2 would render: it is not tried.
	doc.lim.Timeout = time.Minute
	if _, _, err := doc.Page(context.Background(), 2); !errors.Is(err, ErrTimeout) {
		t.Errorf("page 2 after page 1 timed out: %v, want ErrTimeout at once", err)
	}
}

// opaqueImage hides an image's type so that readRow takes its generic
// path.
type opaqueImage struct{ image.Image }

func TestReadRowFastPaths(t *testing.T) {
	r := image.Rect(0, 0, 17, 3)
	fill := func(set func(x, y int, c color.Color)) {
		for y := 0; y < 3; y++ {
			for x := 0; x < 17; x++ {
				set(x, y, color.NRGBA{uint8(x * 15), uint8(y * 100), uint8(255 - x*15), uint8(55 + x*12)})
			}
		}
	}
	rgba, nrgba, gray, gray16, cmyk := image.NewRGBA(r), image.NewNRGBA(r), image.NewGray(r), image.NewGray16(r), image.NewCMYK(r)
	pal := image.NewPaletted(r, color.Palette{color.White, color.Black, color.RGBA{200, 0, 0, 255}, color.NRGBA{0, 0, 255, 128}})
	fill(rgba.Set)
	fill(nrgba.Set)
	fill(gray.Set)
	fill(gray16.Set)
	fill(cmyk.Set)
	fill(pal.Set)
	ycc := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = uint8(i * 7)
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = uint8(i*29), uint8(255-i*13)
	}
	for _, img := range []image.Image{rgba, nrgba, gray, gray16, cmyk, pal, ycc, rgba.SubImage(image.Rect(3, 1, 11, 3))} {
		b := img.Bounds()
		fast, slow := make([]uint8, b.Dx()*4), make([]uint8, b.Dx()*4)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			readRow(img, y, fast)
			readRow(opaqueImage{img}, y, slow)
			for k := range fast {
				if d := int(fast[k]) - int(slow[k]); d < -1 || d > 1 {
					t.Fatalf("%T row %d: fast %v, generic %v", img, y, fast, slow)
				}
			}
		}
	}
}

func TestPageConcurrent(t *testing.T) {
	mustPDFTools(t)
	doc := mustOpen(t, "scan.pdf", scanPDF(t, 4, 100, 60), Limits{})
	errs := make(chan error, 8)
	for g := 0; g < 2; g++ {
		go func() {
			for i := 1; i <= 4; i++ {
				_, _, err := doc.Page(context.Background(), i)
				if err == nil {
					_, err = doc.Text(context.Background(), i)
				}
				errs <- err
			}
		}()
	}
	for k := 0; k < 8; k++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestResampleYCbCr(t *testing.T) {
	// On a decoded scan (with a red seal: saturated colour, out of gamut
	// at its edges after JPEG), the YCbCr path gives what converting
	// every pixel first gives.
	j := jpegBytes(t, scanPage(scanOpts{dpi: 60, seed: 3, noise: 8, red: true}), 75, 0)
	img, err := jpeg.Decode(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	src := img.(*image.YCbCr)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	var worst int
	for _, size := range []image.Point{{w, h}, {w / 2, h / 2}, {w / 3, h / 3}, {w * 2 / 3, h * 2 / 3}} {
		fast := resampleYCbCr(src, size.X, size.Y)
		slow := resample(opaqueImage{src}, size.X, size.Y)
		for i := range fast.Pix {
			worst = max(worst, abs(int(fast.Pix[i])-int(slow.Pix[i])))
		}
	}
	if worst > 0 {
		t.Errorf("YCbCr path differs by up to %d levels", worst)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
