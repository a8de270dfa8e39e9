package prereview

import (
	"bytes"
	"image"
	"testing"
)

func TestResolutionFinding(t *testing.T) {
	tests := []struct {
		dpi  float64
		want bool
	}{
		{0, false},     // not a scan
		{300, false},   // fine
		{150, false},   // the minimum
		{149.4, false}, // 150 dpi rounded
		{148, true},
		{100, true},
		{72, true},
	}
	for _, tt := range tests {
		f := ResolutionFinding(PageInfo{Page: 2, DPI: tt.dpi})
		if got := f != nil; got != tt.want {
			t.Errorf("DPI %.1f: finding %v, want %v", tt.dpi, got, tt.want)
			continue
		}
		if f != nil && (f.Code != CodeLowResolution || f.Page != 2 || f.Message == "" || f.MessageE == "") {
			t.Errorf("DPI %.1f: %+v", tt.dpi, f)
		}
	}
}

func TestA4DPI(t *testing.T) {
	tests := []struct {
		w, h int
		want float64
	}{
		{1240, 1754, 150},
		{1754, 1240, 150}, // landscape
		{2480, 3508, 300},
		{620, 877, 75},
		{1000, 1000, 1000 / a4Short}, // a square must fit across the page
	}
	for _, tt := range tests {
		if got := a4DPI(tt.w, tt.h); !near(got, tt.want, 0.5) {
			t.Errorf("a4DPI(%d, %d) = %.2f, want %.2f", tt.w, tt.h, got, tt.want)
		}
	}
}

func TestPlausibleDPI(t *testing.T) {
	tests := []struct {
		dpi  float64
		w, h int
		want bool
	}{
		{300, 2480, 3508, true},
		{72, 2480, 3508, false}, // a 48-inch page: the density is a default
		{96, 1240, 1754, false}, // 18 inches
		{72, 595, 842, true},    // A4 at 72
		{300, 300, 300, false},  // one inch: not a document
		{1, 100, 100, false},
	}
	for _, tt := range tests {
		if got := plausibleDPI(tt.dpi, tt.w, tt.h); got != tt.want {
			t.Errorf("plausibleDPI(%v, %d, %d) = %v, want %v", tt.dpi, tt.w, tt.h, got, tt.want)
		}
	}
}

func TestScanDPIs(t *testing.T) {
	a4 := pdfPage{595.28, 841.89}
	imgs := []pdfImage{
		{page: 1, w: 1240, h: 1754, xppi: 150, yppi: 150}, // a full-page scan
		{page: 2, w: 2480, h: 3508, xppi: 300, yppi: 300}, // a mixed raster scan: text mask at 300
		{page: 2, w: 827, h: 1169, xppi: 100, yppi: 100},  // and background at 100
		{page: 3, w: 300, h: 100, xppi: 72, yppi: 72},     // a logo on a typed page
		{page: 4, w: 620, h: 877, xppi: 75, yppi: 75},     // a low-resolution scan
		{page: 5, w: 1240, h: 877, xppi: 150, yppi: 150},  // a scan in two strips
		{page: 5, w: 1240, h: 877, xppi: 150, yppi: 150},
	}
	got := scanDPIs(imgs, []pdfPage{a4, a4, a4, a4, a4}, 6)
	want := []float64{150, 300, 0, 75, 150, 0}
	for i := range want {
		if !near(got[i], want[i], 0.01) {
			t.Errorf("page %d: %.1f dpi, want %.0f", i+1, got[i], want[i])
		}
	}
}

func TestParsePDFInfo(t *testing.T) {
	out := "Title:  x\nPages:           3\nEncrypted:       yes (print:yes copy:no)\nPage    1 size:  595.28 x 841.89 pts (A4)\nPage    1 rot:   0\nPage    3 size:  842 x 595 pts\n"
	info := parsePDFInfo(out)
	if info.pages != 3 || !info.encrypted || len(info.sizes) != 3 || info.sizes[0] != (pdfPage{595.28, 841.89}) || info.sizes[2] != (pdfPage{842, 595}) {
		t.Errorf("parsePDFInfo = %+v", info)
	}
}

func TestDensities(t *testing.T) {
	g := grayPage(40, 50)
	if got := jpegDensity(jpegBytes(t, g, 80, 200)); got != 200 {
		t.Errorf("JFIF 200 dpi read as %v", got)
	}
	if got := jpegDensity(jpegBytes(t, g, 80, 0)); got != 0 {
		t.Errorf("JPEG without density read as %v", got)
	}
	if got := pngDensity(pngBytes(t, g, 300)); !near(got, 300, 0.1) {
		t.Errorf("pHYs 300 dpi read as %v", got)
	}
	tf := tiffBytes([]*image.Gray{g}, 400)
	if tt, ok := newTIFF(tf, 0); !ok || tt.resolution(tt.first) != 400 {
		t.Errorf("TIFF 400 dpi not read")
	}
	if o := jpegOrientation(withExifOrientation(jpegBytes(t, g, 80, 0), 8)); o != 8 {
		t.Errorf("EXIF orientation 8 read as %d", o)
	}
}

func TestJPEGProgressive(t *testing.T) {
	j := jpegBytes(t, grayPage(40, 50), 80, 0)
	if prog, n := jpegProgressive(j); prog || n != 1 {
		t.Errorf("baseline grey JPEG: progressive %v, %d components", prog, n)
	}
	i := bytes.Index(j, []byte{0xff, 0xc0})
	j[i+1] = 0xc2
	if prog, n := jpegProgressive(j); !prog || n != 1 {
		t.Errorf("SOF2: progressive %v, %d components", prog, n)
	}
}
