package prereview

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/go-pdf/fpdf"
)

// Fixtures for the format, raster, blank and resolution tests, drawn in
// code so that each test says what its file is. The generated corpus
// (internal/prereview/corpus) is used on top of these where it fits.

// mustPDFTools fails the test, naming the script to run, when poppler is
// missing: a check that cannot run must not pass silently.
func mustPDFTools(t testing.TB) {
	t.Helper()
	if err := PDFToolsAvailable(); err != nil {
		t.Fatalf("%v (install with: sudo scripts/pdftools.sh)", err)
	}
}

// scanOpts describes a fake scanned page.
type scanOpts struct {
	dpi   float64
	seed  uint64
	blank bool    // paper only
	noise float64 // standard deviation of the grain, 0–255
	red   bool    // a red round "seal" near the bottom right
	tilt  bool    // a lighting gradient across the page
}

// scanPage draws an A4 page at o.dpi: lines of dark character blocks and
// a table, on off-white paper with grain.
func scanPage(o scanOpts) *image.RGBA {
	w, h := int(math.Round(a4Short*o.dpi)), int(math.Round(a4Long*o.dpi))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(o.seed, 7))
	mm := o.dpi / 25.4
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 242.0
			if o.tilt {
				v -= 30 * float64(x+y) / float64(w+h)
			}
			v += r.NormFloat64() * o.noise
			c := uint8(max(0, min(255, v)))
			img.SetRGBA(x, y, color.RGBA{c, c, c - 2, 255})
		}
	}
	if o.blank {
		return img
	}
	ch := int(4.2 * mm) // a 12 pt character
	dark := func(x0, y0, x1, y1 int, c color.RGBA) {
		for y := max(0, y0); y < min(h, y1); y++ {
			for x := max(0, x0); x < min(w, x1); x++ {
				img.SetRGBA(x, y, c)
			}
		}
	}
	ink := color.RGBA{25, 25, 30, 255}
	for line := 0; line < 30; line++ {
		y := int(30*mm) + line*int(8*mm)
		for k := 0; k < 38; k++ {
			if r.IntN(9) == 0 {
				continue
			}
			x := int(25*mm) + k*(ch+ch/6)
			// a character: three strokes
			dark(x, y, x+ch, y+ch/7+1, ink)
			dark(x+ch/2-ch/14, y, x+ch/2+ch/14+1, y+ch, ink)
			dark(x, y+ch*2/3, x+ch, y+ch*2/3+ch/7+1, ink)
		}
	}
	for k := 0; k <= 4; k++ { // a table
		y := int(200*mm) + k*int(10*mm)
		dark(int(25*mm), y, int(185*mm), y+max(1, int(0.3*mm)), ink)
	}
	if o.red {
		cx, cy, rad := int(150*mm), int(250*mm), int(21*mm)
		red := color.RGBA{215, 30, 35, 255}
		for y := cy - rad; y <= cy+rad; y++ {
			for x := cx - rad; x <= cx+rad; x++ {
				d := math.Hypot(float64(x-cx), float64(y-cy))
				if d <= float64(rad) && d >= float64(rad)-1.2*mm || d < 5*mm {
					img.SetRGBA(x, y, red)
				}
			}
		}
	}
	return img
}

// jpegBytes encodes img as a JPEG; dpi > 0 adds a JFIF segment declaring
// it (Go's encoder writes none).
func jpegBytes(t testing.TB, img image.Image, quality int, dpi int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	if dpi <= 0 {
		return b.Bytes()
	}
	app0 := []byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 1, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(app0[12:], uint16(dpi))
	binary.BigEndian.PutUint16(app0[14:], uint16(dpi))
	out := append([]byte{0xff, 0xd8}, app0...)
	return append(out, b.Bytes()[2:]...)
}

// withExifOrientation inserts an EXIF segment with an orientation tag.
func withExifOrientation(j []byte, o uint16) []byte {
	tiffHdr := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(tiffHdr[18:], o)
	payload := append([]byte("Exif\x00\x00"), tiffHdr...)
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{0xff, 0xd8}, seg...)
	out = append(out, payload...)
	return append(out, j[2:]...)
}

// pngBytes encodes img as a PNG; dpi > 0 adds a pHYs chunk.
func pngBytes(t testing.TB, img image.Image, dpi int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if dpi <= 0 {
		return b.Bytes()
	}
	ppm := uint32(math.Round(float64(dpi) / 0.0254))
	data := make([]byte, 9)
	binary.BigEndian.PutUint32(data, ppm)
	binary.BigEndian.PutUint32(data[4:], ppm)
	data[8] = 1
	p := b.Bytes()
	ihdrEnd := 8 + 12 + 13
	out := append([]byte{}, p[:ihdrEnd]...)
	out = append(out, pngChunk("pHYs", data)...)
	return append(out, p[ihdrEnd:]...)
}

// pngChunk builds a PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// tiffBytes writes an uncompressed greyscale multi-page TIFF (x/image/tiff
// writes one page only), each page declaring dpi (0: no resolution tags).
func tiffBytes(pages []*image.Gray, dpi int) []byte {
	le := binary.LittleEndian
	out := []byte{'I', 'I', 42, 0, 0, 0, 0, 0}
	prevNext := 4 // where the offset of the next IFD goes
	for _, p := range pages {
		w, h := p.Rect.Dx(), p.Rect.Dy()
		pix := make([]byte, 0, w*h)
		for y := 0; y < h; y++ {
			pix = append(pix, p.Pix[y*p.Stride:y*p.Stride+w]...)
		}
		pixOff := len(out)
		out = append(out, pix...)
		if len(out)%2 == 1 {
			out = append(out, 0)
		}
		ratOff := len(out)
		out = le.AppendUint32(out, uint32(dpi))
		out = le.AppendUint32(out, 1)
		type ent struct {
			tag, typ uint16
			val      uint32
		}
		ents := []ent{
			{256, 4, uint32(w)}, {257, 4, uint32(h)}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
			{273, 4, uint32(pixOff)}, {277, 3, 1}, {278, 4, uint32(h)}, {279, 4, uint32(len(pix))},
		}
		if dpi > 0 {
			ents = append(ents, ent{282, 5, uint32(ratOff)}, ent{283, 5, uint32(ratOff)}, ent{296, 3, 2})
		}
		ifd := len(out)
		le.PutUint32(out[prevNext:], uint32(ifd))
		out = le.AppendUint16(out, uint16(len(ents)))
		for _, e := range ents {
			out = le.AppendUint16(out, e.tag)
			out = le.AppendUint16(out, e.typ)
			out = le.AppendUint32(out, 1)
			if e.typ == 3 {
				out = le.AppendUint16(out, uint16(e.val))
				out = le.AppendUint16(out, 0)
			} else {
				out = le.AppendUint32(out, e.val)
			}
		}
		prevNext = len(out)
		out = le.AppendUint32(out, 0)
	}
	return out
}

// grayPage draws a w × h greyscale page with a black bar across its middle
// (so that it is not blank).
func grayPage(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 240
	}
	for y := h * 2 / 5; y < h*3/5; y++ {
		for x := w / 10; x < w*9/10; x++ {
			g.Pix[y*g.Stride+x] = 20
		}
	}
	return g
}

// pdfPageSpec is one page of a fixture PDF.
type pdfPageSpec struct {
	scan  []byte  // a JPEG placed over the whole page
	cover float64 // fraction of the page's width the scan covers (0: all)
	text  string  // Latin text written in Helvetica
}

// pdfBytes builds an A4 PDF of the given pages; protect sets a user
// password ("" with owner only protects permissions).
func pdfBytes(t testing.TB, pages []pdfPageSpec, protect *[2]string) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	if protect != nil {
		pdf.SetProtection(fpdf.CnProtectPrint, protect[0], protect[1])
	}
	for i, p := range pages {
		pdf.AddPage()
		if p.scan != nil {
			name := "scan" + strconv.Itoa(i)
			opt := fpdf.ImageOptions{ImageType: "JPG"}
			pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(p.scan))
			w, h := 210.0, 297.0
			if p.cover > 0 {
				w, h = 210*p.cover, 297*p.cover
			}
			pdf.ImageOptions(name, 0, 0, w, h, false, opt, 0, "")
		}
		if p.text != "" {
			pdf.SetFont("Helvetica", "", 12)
			pdf.SetXY(20, 30)
			pdf.MultiCell(170, 6, p.text, "", "L", false)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// scanPDF is an n-page scanned PDF at dpi.
func scanPDF(t testing.TB, n int, dpi float64, quality int) []byte {
	t.Helper()
	pages := make([]pdfPageSpec, n)
	for i := range pages {
		pages[i].scan = jpegBytes(t, scanPage(scanOpts{dpi: dpi, seed: uint64(i + 1), noise: 6}), quality, 0)
	}
	return pdfBytes(t, pages, nil)
}

// hugePNG is a small file whose header says w × h pixels, with a little
// compressed data after it: a decompression bomb's header.
func hugePNG(w, h uint32) []byte { return hugePNGOf(w, h, 8, 0) }

// hugePNGOf is hugePNG of the given bit depth and colour type (0 grey,
// 6 RGBA).
func hugePNGOf(w, h uint32, depth, colorType byte) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = depth, colorType
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1})...)
	return append(out, pngChunk("IEND", nil)...)
}

// hugeJPEG is a JPEG whose frame header says w × h pixels.
func hugeJPEG(t testing.TB, w, h uint16) []byte {
	j := jpegBytes(t, image.NewGray(image.Rect(0, 0, 16, 16)), 90, 0)
	i := bytes.Index(j, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(j[i+5:], h)
	binary.BigEndian.PutUint16(j[i+7:], w)
	return j
}

// zipBytes is a small ZIP archive.
func zipBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create("payload.txt")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("hidden payload"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// dirLen counts the entries of dir.
func dirLen(t testing.TB, dir string) int {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// hugePagePDF is one page of 5 m × 5 m with a line of text.
func hugePagePDF(t testing.TB) []byte {
	t.Helper()
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: 5000, Ht: 5000}})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 400)
	pdf.Text(200, 1000, "SITE PLAN")
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
