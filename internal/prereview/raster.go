package prereview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	xtiff "golang.org/x/image/tiff"
)

// maxRasterPixels bounds a rendered PDF page (4 bytes a pixel): an A0
// drawing at 100 dpi is 15.5 million pixels; beyond this the page is
// rendered at a lower resolution.
const maxRasterPixels = 24_000_000

// Page returns page i (1-based) as the checks look at it, and what was
// seen of it. The image is an *image.RGBA at about Limits.RasterDPI (never
// upsampled: a 75 dpi scan stays 75 dpi), origin (0, 0); Box coordinates
// in findings and seals are in its pixels. PDF pages are rendered by
// pdftoppm under the timeout (pages asked for in order are rendered ahead
// in runs of ten, see pdfPage); image pages are decoded and downsampled.
// PageInfo.Blank is IsBlank of the image. PageInfo.DPI is the resolution of the scan on
// the page (PDF: the largest image covering most of the page, from
// pdfimages -list; image: its declared density when plausible, else A4
// assumed), 0 for a page that is not a scan. The image may be shared with
// other callers: do not modify it.
func (d *Doc) Page(ctx context.Context, i int) (image.Image, PageInfo, error) {
	if i < 1 || i > d.Pages {
		return nil, PageInfo{}, fmt.Errorf("prereview: page %d of %d: %w", i, d.Pages, ErrNoPage)
	}
	if d.Type == TypePDF {
		img, pi, err := d.pdfPage(ctx, i)
		if err != nil {
			return nil, PageInfo{}, fmt.Errorf("prereview: page %d: %w", i, err)
		}
		return img, pi, nil
	}
	d.mu.Lock()
	p := d.cache[i]
	d.mu.Unlock()
	if p == nil {
		var err error
		if p, err = d.decodeImagePage(i); err != nil {
			return nil, PageInfo{}, fmt.Errorf("prereview: page %d: %w", i, err)
		}
	}
	return p.img, p.info, nil
}

// aheadPages is how many pages one pdftoppm renders once pages are asked
// for in order: a process per page costs ~15 ms more a page (start-up,
// parsing the file), a tenth of the whole check of a 150 dpi scan.
const aheadPages = 10

// pdfPage renders page i with pdftoppm. The first page asked for is
// rendered alone (a thumbnail wants one page); when the next is asked for
// in order, it and the pages after it are rendered by one pdftoppm into
// the doc's temporary directory and read from there one at a time, so
// memory holds one page. Pages that cannot come from such a run (it
// failed, timed out, or the page needs another resolution) are rendered
// alone, which tells which page is at fault.
func (d *Doc) pdfPage(ctx context.Context, i int) (*image.RGBA, PageInfo, error) {
	dpi := d.renderDPI(i)
	d.pdfMu.Lock()
	defer d.pdfMu.Unlock()
	if d.path == "" {
		return nil, PageInfo{}, errors.New("prereview: document closed")
	}
	if d.stuck != nil {
		// A page on which pdftoppm ran out of time: the file is built to
		// hang it or is beyond us; the other pages would cost as much.
		return nil, PageInfo{}, d.stuck
	}
	sequential := i == d.last+1 && i > 1
	d.last = i
	if _, ok := d.ahead[i]; !ok && sequential {
		d.renderAhead(ctx, i, dpi)
	}
	var img *image.RGBA
	if f, ok := d.ahead[i]; ok {
		delete(d.ahead, i)
		b, err := os.ReadFile(f)
		os.Remove(f)
		if err == nil {
			img, _ = decodePPM(b)
		}
	}
	if img == nil {
		n := strconv.Itoa(i)
		limit := int(min(d.lim.MaxPixels, maxRasterPixels))
		out, err := d.poppler(ctx, limit*3+64, "pdftoppm", "-r", dpiArg(dpi), "-f", n, "-l", n, d.path)
		var te *toolError
		if errors.As(err, &te) {
			return nil, PageInfo{}, fmt.Errorf("%w: %v", ErrCorruptPage, err)
		}
		if errors.Is(err, ErrTimeout) {
			d.stuck = err
		}
		if err != nil {
			return nil, PageInfo{}, err
		}
		if img, err = decodePPM(out); err != nil {
			return nil, PageInfo{}, fmt.Errorf("%w: pdftoppm: %v", ErrCorruptPage, err)
		}
	}
	pi := PageInfo{Page: i, Width: img.Rect.Dx(), Height: img.Rect.Dy(), Blank: IsBlank(img)}
	if i <= len(d.scanDPI) {
		pi.DPI = d.scanDPI[i-1]
	}
	return img, pi, nil
}

// renderDPI is the resolution page i is rendered at: RasterDPI, lower for
// a page so large that it would exceed the pixel limit.
func (d *Doc) renderDPI(i int) float64 {
	dpi := float64(d.lim.RasterDPI)
	limit := min(d.lim.MaxPixels, maxRasterPixels)
	if i <= len(d.pageSize) {
		ps := d.pageSize[i-1]
		if px := ps.w / 72 * dpi * ps.h / 72 * dpi; px > float64(limit) {
			dpi *= math.Sqrt(float64(limit)/px) * 0.99 // pdftoppm rounds up
		}
	}
	return dpi
}

func dpiArg(dpi float64) string { return strconv.FormatFloat(dpi, 'f', 2, 64) }

// renderAhead renders pages from..from+aheadPages-1 that share from's
// resolution into the doc's directory, and notes their files in d.ahead.
// Errors are dropped: those pages are then rendered alone.
func (d *Doc) renderAhead(ctx context.Context, from int, dpi float64) {
	to := from
	for to < min(d.Pages, from+aheadPages-1) && d.renderDPI(to+1) == dpi {
		to++
	}
	if to == from {
		return
	}
	root := filepath.Join(d.dir, "p")
	// Output goes to files, stdout only carries messages.
	if _, err := d.poppler(ctx, 1<<16, "pdftoppm", "-r", dpiArg(dpi), "-f", strconv.Itoa(from), "-l", strconv.Itoa(to), d.path, root); err != nil {
		d.clearAhead()
		return
	}
	es, err := os.ReadDir(d.dir)
	if err != nil {
		return
	}
	if d.ahead == nil {
		d.ahead = map[int]string{}
	}
	for _, e := range es {
		// p-07.ppm: pdftoppm pads the number to the digits of the page count.
		name := e.Name()
		num, ok := strings.CutPrefix(strings.TrimSuffix(name, ".ppm"), "p-")
		if !ok || !strings.HasSuffix(name, ".ppm") {
			continue
		}
		if n, err := strconv.Atoi(num); err == nil && n >= from && n <= to {
			d.ahead[n] = filepath.Join(d.dir, name)
		}
	}
}

// clearAhead removes the pages rendered ahead (a failed run may leave
// some).
func (d *Doc) clearAhead() {
	es, _ := os.ReadDir(d.dir)
	for _, e := range es {
		if strings.HasSuffix(e.Name(), ".ppm") {
			os.Remove(filepath.Join(d.dir, e.Name()))
		}
	}
	d.ahead = nil
}

// decodePPM reads the binary PPM (P6, maxval 255) pdftoppm writes.
func decodePPM(b []byte) (*image.RGBA, error) {
	var f [4]int // magic checked separately; width, height, maxval
	p := 0
	if len(b) < 2 || b[0] != 'P' || b[1] != '6' {
		return nil, errors.New("not a P6 PPM")
	}
	p = 2
	for k := 1; k < 4; k++ {
		for p < len(b) && (isSpace(b[p]) || b[p] == '#') {
			if b[p] == '#' {
				for p < len(b) && b[p] != '\n' {
					p++
				}
				continue
			}
			p++
		}
		s := p
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			p++
		}
		v, err := strconv.Atoi(string(b[s:p]))
		if err != nil || v <= 0 {
			return nil, errors.New("bad PPM header")
		}
		f[k] = v
	}
	if p >= len(b) || !isSpace(b[p]) || f[3] != 255 {
		return nil, errors.New("bad PPM header")
	}
	p++
	w, h := f[1], f[2]
	if int64(w)*int64(h) > maxRasterPixels*2 || len(b)-p < w*h*3 {
		return nil, errors.New("short PPM")
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	src, dst := b[p:p+w*h*3], img.Pix
	for s, t := 0, 0; s < len(src); s, t = s+3, t+4 {
		dst[t], dst[t+1], dst[t+2], dst[t+3] = src[s], src[s+1], src[s+2], 0xff
	}
	return img, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// pageReader reads page i of an image file: for a TIFF page beyond the
// first, the file with its header pointing at that page's IFD, which is
// all the standard decoder needs to decode it.
func (d *Doc) pageReader(i int) io.Reader {
	if d.Type != TypeTIFF || i == 1 || i > len(d.ifds) {
		return bytes.NewReader(d.data)
	}
	r := &tiffPageReader{data: d.data}
	copy(r.head[:], d.data[:8])
	if d.data[0] == 'I' {
		r.head[4], r.head[5], r.head[6], r.head[7] = byte(d.ifds[i-1]), byte(d.ifds[i-1]>>8), byte(d.ifds[i-1]>>16), byte(d.ifds[i-1]>>24)
	} else {
		r.head[4], r.head[5], r.head[6], r.head[7] = byte(d.ifds[i-1]>>24), byte(d.ifds[i-1]>>16), byte(d.ifds[i-1]>>8), byte(d.ifds[i-1])
	}
	return io.NewSectionReader(r, 0, int64(len(d.data)))
}

// tiffPageReader is a TIFF file with its first 8 bytes replaced.
type tiffPageReader struct {
	head [8]byte
	data []byte
}

func (r *tiffPageReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(r.data)) {
		return 0, io.EOF
	}
	n := copy(p, r.data[off:])
	if off < 8 {
		copy(p, r.head[off:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// decodeImagePage decodes page i of an image file and brings it to about
// RasterDPI. The pixel count was checked from the header by Open.
func (d *Doc) decodeImagePage(i int) (*imagePage, error) {
	src, _, err := image.Decode(d.pageReader(i))
	if err != nil {
		return nil, imageError(err)
	}
	b := src.Bounds()
	if int64(b.Dx())*int64(b.Dy()) > d.lim.MaxPixels {
		return nil, ErrTooLarge
	}
	orient := imageOrientation(d.data, d.Type, d.ifdOf(i))
	w, h := b.Dx(), b.Dy()
	if orient >= 5 { // rotated a quarter turn: the page is h wide
		w, h = h, w
	}
	dpi := imageDPI(d.data, d.Type, d.ifdOf(i), w, h)
	ow, oh := b.Dx(), b.Dy()
	if s := float64(d.lim.RasterDPI) / dpi; s < 1 {
		ow, oh = max(1, int(math.Round(float64(ow)*s))), max(1, int(math.Round(float64(oh)*s)))
	}
	img := orientRGBA(resample(src, ow, oh), orient)
	return &imagePage{img: img, info: PageInfo{
		Page: i, Width: img.Rect.Dx(), Height: img.Rect.Dy(), DPI: dpi, Blank: IsBlank(img),
	}}, nil
}

// imageError classifies a decoder's error: a valid file using a feature
// the decoders lack (a JPEG-compressed TIFF, arithmetic-coded JPEG) is
// ErrUnsupportedImage, anything else ErrCorruptPage.
func imageError(err error) error {
	var (
		ju jpeg.UnsupportedError
		pu png.UnsupportedError
		tu xtiff.UnsupportedError
	)
	if errors.As(err, &ju) || errors.As(err, &pu) || errors.As(err, &tu) {
		return fmt.Errorf("%w: %v", ErrUnsupportedImage, err)
	}
	return fmt.Errorf("%w: %v", ErrCorruptPage, err)
}

// ifdOf is the offset of page i's IFD in a TIFF, 0 otherwise.
func (d *Doc) ifdOf(i int) uint32 {
	if d.Type != TypeTIFF || i > len(d.ifds) {
		return 0
	}
	return d.ifds[i-1]
}

// resample converts src to an RGBA of ow × oh by averaging the source
// pixels that fall into each target pixel (a box filter, right for
// shrinking a scan: it keeps thin strokes as grey rather than dropping
// them). With ow × oh the source size it only converts.
func resample(src image.Image, ow, oh int) *image.RGBA {
	if y, ok := src.(*image.YCbCr); ok {
		return resampleYCbCr(y, ow, oh)
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, ow, oh))
	xmap := make([]int32, w)
	for x := range xmap {
		xmap[x] = int32(x * ow / w)
	}
	acc := make([]uint32, ow*4) // r, g, b, count
	row := make([]uint8, w*4)   // one source row as RGBA
	oy := 0
	flush := func() {
		d := dst.Pix[oy*dst.Stride : oy*dst.Stride+ow*4]
		for x := 0; x < ow; x++ {
			n := acc[x*4+3]
			if n == 0 {
				n = 1
			}
			d[x*4] = uint8(acc[x*4] / n)
			d[x*4+1] = uint8(acc[x*4+1] / n)
			d[x*4+2] = uint8(acc[x*4+2] / n)
			d[x*4+3] = 0xff
		}
		clear(acc)
	}
	for y := 0; y < h; y++ {
		ty := y * oh / h
		if ty != oy {
			flush()
			oy = ty
		}
		readRow(src, b.Min.Y+y, row)
		for x := 0; x < w; x++ {
			t := xmap[x] * 4
			acc[t] += uint32(row[x*4])
			acc[t+1] += uint32(row[x*4+1])
			acc[t+2] += uint32(row[x*4+2])
			acc[t+3]++
		}
	}
	flush()
	return dst
}

// resampleYCbCr is resample for a JPEG's YCbCr image, without the
// per-pixel chroma offset arithmetic of the generic path (shrinking a
// 300 dpi A4 scan is most of the time a JPEG page takes after decoding).
// Each pixel is converted before it is averaged: averaging Y, Cb and Cr
// first would be faster but wrong where JPEG ringing pushes a red seal's
// edge out of gamut.
func resampleYCbCr(src *image.YCbCr, ow, oh int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, ow, oh))
	xmap := make([]int32, w)
	cxs := make([]int32, w) // offset of each column's chroma sample in a chroma row
	for x := range xmap {
		xmap[x] = int32(x * ow / w)
		cxs[x] = int32(src.COffset(b.Min.X+x, b.Min.Y) - src.COffset(b.Min.X, b.Min.Y))
	}
	acc := make([]uint32, ow*4) // r, g, b, count
	oy := 0
	flush := func() {
		d := dst.Pix[oy*dst.Stride : oy*dst.Stride+ow*4]
		for x := 0; x < ow; x++ {
			n := max(acc[x*4+3], 1)
			d[x*4], d[x*4+1], d[x*4+2], d[x*4+3] = uint8(acc[x*4]/n), uint8(acc[x*4+1]/n), uint8(acc[x*4+2]/n), 0xff
		}
		clear(acc)
	}
	for y := 0; y < h; y++ {
		ty := y * oh / h
		if ty != oy {
			flush()
			oy = ty
		}
		yrow := src.Y[src.YOffset(b.Min.X, b.Min.Y+y):][:w]
		c0 := src.COffset(b.Min.X, b.Min.Y+y)
		cb, cr := src.Cb[c0:], src.Cr[c0:]
		for x, yy := range yrow {
			r, g, bb := color.YCbCrToRGB(yy, cb[cxs[x]], cr[cxs[x]])
			t := xmap[x] * 4
			acc[t] += uint32(r)
			acc[t+1] += uint32(g)
			acc[t+2] += uint32(bb)
			acc[t+3]++
		}
	}
	flush()
	return dst
}

// readRow writes row y of src into row as RGBA, with fast paths for the
// image types the decoders return; transparency is flattened onto white,
// as on paper.
func readRow(src image.Image, y int, row []uint8) {
	b := src.Bounds()
	w := b.Dx()
	switch s := src.(type) {
	case *image.RGBA:
		copy(row, s.Pix[s.PixOffset(b.Min.X, y):][:w*4])
		flattenRow(row)
		return
	case *image.NRGBA:
		p := s.Pix[s.PixOffset(b.Min.X, y):][:w*4]
		for x := 0; x < w*4; x += 4 {
			a := uint32(p[x+3])
			row[x] = uint8((uint32(p[x])*a + 255*(255-a)) / 255)
			row[x+1] = uint8((uint32(p[x+1])*a + 255*(255-a)) / 255)
			row[x+2] = uint8((uint32(p[x+2])*a + 255*(255-a)) / 255)
			row[x+3] = 0xff
		}
		return
	case *image.Gray:
		p := s.Pix[s.PixOffset(b.Min.X, y):][:w]
		for x, v := range p {
			row[x*4], row[x*4+1], row[x*4+2], row[x*4+3] = v, v, v, 0xff
		}
		return
	case *image.YCbCr:
		for x := 0; x < w; x++ {
			yi, ci := s.YOffset(b.Min.X+x, y), s.COffset(b.Min.X+x, y)
			r, g, bb := color.YCbCrToRGB(s.Y[yi], s.Cb[ci], s.Cr[ci])
			row[x*4], row[x*4+1], row[x*4+2], row[x*4+3] = r, g, bb, 0xff
		}
		return
	case *image.Paletted:
		// Bilevel and palette scans (1-bit PNG, CCITT TIFF).
		var pal [256][4]uint8
		for k, c := range s.Palette {
			r, g, bb, a := c.RGBA()
			pal[k] = [4]uint8{uint8((r + 0xffff - a) >> 8), uint8((g + 0xffff - a) >> 8), uint8((bb + 0xffff - a) >> 8), 0xff}
		}
		for x, v := range s.Pix[s.PixOffset(b.Min.X, y):][:w] {
			copy(row[x*4:x*4+4], pal[v][:])
		}
		return
	case *image.Gray16:
		p := s.Pix[s.PixOffset(b.Min.X, y):][:w*2]
		for x := 0; x < w; x++ {
			v := p[x*2] // the high byte
			row[x*4], row[x*4+1], row[x*4+2], row[x*4+3] = v, v, v, 0xff
		}
		return
	case *image.CMYK:
		p := s.Pix[s.PixOffset(b.Min.X, y):][:w*4]
		for x := 0; x < w*4; x += 4 {
			r, g, bb := color.CMYKToRGB(p[x], p[x+1], p[x+2], p[x+3])
			row[x], row[x+1], row[x+2], row[x+3] = r, g, bb, 0xff
		}
		return
	}
	for x := 0; x < w; x++ {
		r, g, bb, a := src.At(b.Min.X+x, y).RGBA()
		// premultiplied 16-bit: add white for what is transparent
		row[x*4] = uint8((r + 0xffff - a) >> 8)
		row[x*4+1] = uint8((g + 0xffff - a) >> 8)
		row[x*4+2] = uint8((bb + 0xffff - a) >> 8)
		row[x*4+3] = 0xff
	}
}

// flattenRow puts a premultiplied RGBA row onto white.
func flattenRow(row []uint8) {
	for x := 0; x < len(row); x += 4 {
		if a := row[x+3]; a != 0xff {
			t := 255 - a
			row[x] += t
			row[x+1] += t
			row[x+2] += t
			row[x+3] = 0xff
		}
	}
}

// orientRGBA applies an EXIF/TIFF orientation (1–8) so that the page is
// upright as its viewer shows it.
func orientRGBA(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dy*dst.Stride+dx*4:][:4], src.Pix[y*src.Stride+x*4:][:4])
		}
	}
	return dst
}

// toolError is a poppler program that ran and failed (not a timeout).
type toolError struct {
	tool   string
	stderr string
	err    error
}

func (e *toolError) Error() string {
	s := strings.TrimSpace(e.stderr)
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return fmt.Sprintf("%s: %v: %s", e.tool, e.err, s)
}

func (e *toolError) Unwrap() error { return e.err }

// poppler runs a poppler program under the doc's timeout and returns its
// standard output, at most maxOut bytes (more kills it: ErrTooLarge).
func (d *Doc) poppler(ctx context.Context, maxOut int, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, d.lim.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	stdout := &capBuffer{max: maxOut, over: cancel}
	stderr := &capBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	switch {
	case stdout.overflow:
		return nil, fmt.Errorf("%s: output over %d bytes: %w", name, maxOut, ErrTooLarge)
	case ctx.Err() != nil && errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		return nil, fmt.Errorf("%s: after %v: %w", name, d.lim.Timeout, ErrTimeout)
	case ctx.Err() != nil:
		return nil, fmt.Errorf("%s: %w", name, ctx.Err())
	case errors.Is(err, exec.ErrNotFound):
		return nil, fmt.Errorf("%s: %w", name, ErrNoTools)
	case err != nil:
		return nil, &toolError{tool: name, stderr: stderr.String(), err: err}
	}
	return stdout.Bytes(), nil
}

// capBuffer keeps at most max bytes and calls over once when more come.
type capBuffer struct {
	bytes.Buffer
	max      int
	overflow bool
	over     func()
}

func (b *capBuffer) Write(p []byte) (int, error) {
	if b.overflow {
		return len(p), nil
	}
	if b.Len()+len(p) > b.max {
		b.overflow = true
		if b.over != nil {
			b.over()
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// OCRImage returns page i rasterised for text recognition, and the
// resolution it is at: OCRDPI (an image page's own resolution when lower:
// never upsampled), less for a page so large it would pass maxOCRPixels.
// At the RasterDPI of Page Tesseract misses most Chinese characters. The
// page is rendered (or decoded) again, alone: one page in memory at a
// time.
func (d *Doc) OCRImage(ctx context.Context, i int) (image.Image, int, error) {
	if i < 1 || i > d.Pages {
		return nil, 0, fmt.Errorf("prereview: page %d of %d: %w", i, d.Pages, ErrNoPage)
	}
	if d.Type != TypePDF {
		src, _, err := image.Decode(d.pageReader(i))
		if err != nil {
			return nil, 0, fmt.Errorf("prereview: page %d: %w", i, imageError(err))
		}
		b := src.Bounds()
		if int64(b.Dx())*int64(b.Dy()) > d.lim.MaxPixels {
			return nil, 0, fmt.Errorf("prereview: page %d: %w", i, ErrTooLarge)
		}
		orient := imageOrientation(d.data, d.Type, d.ifdOf(i))
		w, h := b.Dx(), b.Dy()
		if orient >= 5 {
			w, h = h, w
		}
		dpi := imageDPI(d.data, d.Type, d.ifdOf(i), w, h)
		s := min(1, OCRDPI/dpi, math.Sqrt(maxOCRPixels/(float64(w)*float64(h))))
		ow, oh := max(1, int(math.Round(float64(b.Dx())*s))), max(1, int(math.Round(float64(b.Dy())*s)))
		return orientRGBA(resample(src, ow, oh), orient), int(math.Round(dpi * s)), nil
	}
	dpi := float64(OCRDPI)
	if i <= len(d.pageSize) {
		ps := d.pageSize[i-1]
		if px := ps.w / 72 * dpi * ps.h / 72 * dpi; px > maxOCRPixels {
			dpi *= math.Sqrt(maxOCRPixels/px) * 0.99 // pdftoppm rounds up
		}
	}
	d.pdfMu.Lock()
	defer d.pdfMu.Unlock()
	if d.path == "" {
		return nil, 0, errors.New("prereview: document closed")
	}
	if d.stuck != nil {
		return nil, 0, d.stuck
	}
	n := strconv.Itoa(i)
	out, err := d.poppler(ctx, maxOCRPixels*3+64, "pdftoppm", "-r", dpiArg(dpi), "-f", n, "-l", n, d.path)
	var te *toolError
	if errors.As(err, &te) {
		return nil, 0, fmt.Errorf("prereview: page %d: %w: %v", i, ErrCorruptPage, err)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("prereview: page %d: %w", i, err)
	}
	img, err := decodePPM(out)
	if err != nil {
		return nil, 0, fmt.Errorf("prereview: page %d: %w: pdftoppm: %v", i, ErrCorruptPage, err)
	}
	return img, int(math.Round(dpi)), nil
}
