package corpus

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ScanSpec says how the pages of a case were scanned and spoilt.
type ScanSpec struct {
	DPI     int     `json:"dpi"`
	Angle   float64 `json:"angle,omitempty"`   // degrees, clockwise
	Quality int     `json:"quality,omitempty"` // JPEG quality
	Blur    float64 `json:"blur,omitempty"`    // 0–1: mix of a 3×3 blur
	Paper   float64 `json:"paper"`             // brightness of the paper, 0.8–1
	Noise   float64 `json:"noise,omitempty"`   // sensor noise, standard deviation in levels
	Specks  float64 `json:"specks,omitempty"`  // dust: specks per megapixel
	Fade    float64 `json:"fade"`              // ink unevenness of the seals, 0–1
	Yellow  float64 `json:"yellow"`            // how yellow the paper has aged, 0–1
}

// cleanScan is a flatbed scan at dpi of a clean page, stored with little
// loss.
func cleanScan(r *rand.Rand, dpi int) ScanSpec {
	return ScanSpec{DPI: dpi, Quality: 88 + r.IntN(8), Paper: 0.97 + r.Float64()*0.03, Fade: 0.1 + r.Float64()*0.15, Yellow: 0.2}
}

// noisyScan is a scan of a worn page on a cheap scanner: grey paper,
// noise and dust, 0.5–2° askew, slightly blurred, JPEG at quality 40–80.
func noisyScan(r *rand.Rand, dpi int) ScanSpec {
	a := 0.5 + r.Float64()*1.5
	if r.IntN(2) == 0 {
		a = -a
	}
	return ScanSpec{DPI: dpi, Angle: a, Quality: 40 + r.IntN(41), Blur: 0.3 + r.Float64()*0.6,
		Paper: 0.82 + r.Float64()*0.12, Noise: 3 + r.Float64()*7, Specks: 5 + r.Float64()*40, Fade: 0.2 + r.Float64()*0.35,
		Yellow: 0.2 + r.Float64()*0.8}
}

// ErrNoPoppler says pdftoppm is missing.
var ErrNoPoppler = errors.New("corpus: pdftoppm (poppler-utils) is not installed: run scripts/pdftools.sh")

// rasterize renders every page of a PDF at dpi with pdftoppm, in one call.
func rasterize(ctx context.Context, pdf []byte, dpi int) ([]*raster, error) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		return nil, ErrNoPoppler
	}
	tmp, err := os.MkdirTemp("", "prcorpus-*")
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer os.RemoveAll(tmp)
	in := filepath.Join(tmp, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "pdftoppm", "-r", strconv.Itoa(dpi), in, filepath.Join(tmp, "p"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("corpus: pdftoppm: %w: %s", err, bytes.TrimSpace(out))
	}
	names, err := filepath.Glob(filepath.Join(tmp, "p-*.ppm"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("corpus: pdftoppm wrote no pages")
	}
	// p-1.ppm … p-9.ppm, or p-01.ppm … when there are ten or more.
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) < len(names[j])
		}
		return names[i] < names[j]
	})
	imgs := make([]*raster, len(names))
	for i, n := range names {
		if imgs[i], err = readPPM(n); err != nil {
			return nil, err
		}
	}
	return imgs, nil
}

// raster is an 8-bit RGB image, as pdftoppm writes it: 3 bytes a pixel,
// rows 3·W bytes apart.
type raster struct {
	Pix  []byte
	W, H int
}

// readPPM reads a binary (P6, 8-bit) PPM as pdftoppm writes it.
func readPPM(name string) (*raster, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var magic string
	var w, h, maxv int
	if _, err := fmt.Fscan(br, &magic, &w, &h, &maxv); err != nil || magic != "P6" || maxv != 255 || w <= 0 || h <= 0 || w*h > 1<<28 {
		return nil, fmt.Errorf("corpus: %s: not an 8-bit P6 PPM", name)
	}
	if _, err := br.ReadByte(); err != nil { // the single whitespace after the header
		return nil, fmt.Errorf("corpus: %s: %w", name, err)
	}
	img := &raster{Pix: make([]byte, 3*w*h), W: w, H: h}
	if _, err := io.ReadFull(br, img.Pix); err != nil {
		return nil, fmt.Errorf("corpus: %s: %w", name, err)
	}
	return img, nil
}

// xorshift is a fast generator for per-pixel noise, seeded from the case's
// generator so that a seed gives the same scan.
type xorshift uint64

func (x *xorshift) next() uint64 {
	v := uint64(*x)
	v ^= v << 13
	v ^= v >> 7
	v ^= v << 17
	*x = xorshift(v)
	return v
}

// degrade spoils a clean render as spec says: ink unevenness inside the
// seals (boxes are fractions of the page), blur, paper tone with uneven
// lighting, rotation about the centre, sensor noise and dust.
func degrade(src *raster, spec ScanSpec, seals []SealBox, r *rand.Rand) *image.RGBA {
	w, h := src.W, src.H
	fadeSeals(src, spec.Fade, seals, r)
	if spec.Blur > 0 {
		blur(src, spec.Blur)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	rad := spec.Angle * math.Pi / 180
	cos, sin := math.Cos(rad), math.Sin(rad)
	cx, cy := float64(w)/2, float64(h)/2
	// Lighting: brightness falls off linearly towards one side.
	gx, gy := (r.Float64()-0.5)*0.06/float64(w), (r.Float64()-0.5)*0.06/float64(h)
	bed := int32(255 * (0.78 + r.Float64()*0.1)) // the scanner lid where the page does not reach
	// Aged paper: less green and less blue.
	gf, bf := 1-0.04*spec.Yellow, 1-0.12*spec.Yellow
	gq, bq := int32(gf*4096), int32(bf*4096)
	if spec.Angle == 0 && spec.Noise == 0 {
		// A clean flatbed scan: even light, only the paper's tone, by
		// table.
		var lut [3][256]uint8
		for v := 0; v < 256; v++ {
			f := float64(v) * spec.Paper
			lut[0][v], lut[1][v], lut[2][v] = clamp8(f), clamp8(f*gf), clamp8(f*bf)
		}
		sp := src.Pix
		for i, o := 0, 0; i+2 < len(sp); i, o = i+3, o+4 {
			dst.Pix[o], dst.Pix[o+1], dst.Pix[o+2], dst.Pix[o+3] = lut[0][sp[i]], lut[1][sp[i+1]], lut[2][sp[i+2]], 255
		}
		return dst
	}
	// Noise from a table of normal deviates (sum of four bytes), read from
	// a random place on each row: as good to the eye as fresh numbers, and
	// several times faster.
	const tabBits = 16
	const tabMask = 1<<tabBits - 1
	var lum, chroma []int32
	if spec.Noise > 0 {
		seed := xorshift(r.Uint64() | 1)
		lum, chroma = make([]int32, 1<<tabBits), make([]int32, 1<<tabBits)
		noise := spec.Noise / 147
		for i := range lum {
			v := seed.next()
			lum[i] = int32(float64(int(v&0xff+(v>>8)&0xff+(v>>16)&0xff+(v>>24)&0xff)-510) * noise)
			chroma[i] = int32((float64((v>>32)&0xff) - 127.5) / 74 * spec.Noise * 0.3)
		}
	}
	sp := src.Pix
	stride := 3 * w
	const one = 1 << 16
	dxCos, dxSin := int64(cos*one), int64(sin*one)
	maxX, maxY := int64(w-1)<<16, int64(h-1)<<16
	for y := 0; y < h; y++ {
		// src = c + R(-θ)(dst - c), stepped along the row.
		dy := float64(y) + 0.5 - cy
		dx0 := 0.5 - cx
		sx := int64((cx + cos*dx0 + sin*dy - 0.5) * one)
		sy := int64((cy - sin*dx0 + cos*dy - 0.5) * one)
		tone := spec.Paper * (1 + gy*float64(y-h/2) - gx*float64(w/2))
		t := int32(tone * 4096)
		dt := int32(spec.Paper * gx * 4096 * 1024) // per pixel, in 1/1024 of a tone unit
		tacc := int32(0)
		nOff, cOff := r.IntN(1<<tabBits), r.IntN(1<<tabBits)
		row := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for x := 0; x < w; x, sx, sy = x+1, sx+dxCos, sy-dxSin {
			var cr, cg, cb int32
			switch {
			case sx < 0 || sy < 0 || sx > maxX || sy > maxY:
				cr, cg, cb = bed, bed, bed
			case spec.Angle == 0:
				i := int((sy+one/2)>>16)*stride + int((sx+one/2)>>16)*3
				cr, cg, cb = int32(sp[i]), int32(sp[i+1]), int32(sp[i+2])
			default:
				x0, y0 := int(sx>>16), int(sy>>16)
				i00 := y0*stride + x0*3
				i10, i01 := i00+3, i00+stride
				if x0 == w-1 {
					i10 = i00
				}
				if y0 == h-1 {
					i01 = i00
				}
				i11 := i01 + (i10 - i00)
				r00, r10, r01, r11 := int32(sp[i00]), int32(sp[i10]), int32(sp[i01]), int32(sp[i11])
				g00, g10, g01, g11 := int32(sp[i00+1]), int32(sp[i10+1]), int32(sp[i01+1]), int32(sp[i11+1])
				b00, b10, b01, b11 := int32(sp[i00+2]), int32(sp[i10+2]), int32(sp[i01+2]), int32(sp[i11+2])
				if r00 == 255 && r10 == 255 && r01 == 255 && r11 == 255 && g00 == 255 && g10 == 255 && g01 == 255 && g11 == 255 && b00 == 255 && b10 == 255 && b01 == 255 && b11 == 255 {
					cr, cg, cb = 255, 255, 255 // paper, the common case
					break
				}
				fx, fy := int32(sx>>8)&0xff, int32(sy>>8)&0xff
				w00, w10, w01, w11 := (256-fx)*(256-fy), fx*(256-fy), (256-fx)*fy, fx*fy
				cr = (w00*r00 + w10*r10 + w01*r01 + w11*r11) >> 16
				cg = (w00*g00 + w10*g10 + w01*g01 + w11*g11) >> 16
				cb = (w00*b00 + w10*b10 + w01*b01 + w11*b11) >> 16
			}
			tt := t + tacc>>10
			tacc += dt
			cr, cg, cb = cr*tt>>12, (cg*tt>>12)*gq>>12, (cb*tt>>12)*bq>>12
			if lum != nil {
				n, cn := lum[(nOff+x)&tabMask], chroma[(cOff+x*7)&tabMask]
				cr, cg, cb = cr+n+cn, cg+n, cb+n-cn
			}
			o := 4 * x
			row[o], row[o+1], row[o+2], row[o+3] = clampI(cr), clampI(cg), clampI(cb), 255
		}
	}
	// Dust: dark specks of a pixel or two.
	specks := int(spec.Specks * float64(w*h) / 1e6)
	for i := 0; i < specks; i++ {
		x, y := r.IntN(w-2), r.IntN(h-2)
		v := uint8(40 + r.IntN(90))
		for _, o := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}}[:1+r.IntN(4)] {
			j := (y+o[1])*dst.Stride + (x+o[0])*4
			dst.Pix[j], dst.Pix[j+1], dst.Pix[j+2] = v, v, v
		}
	}
	return dst
}

func clampI(v int32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v)
}

func clamp8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// fadeSeals lightens the seal ink unevenly, as a stamp pad inks and a hand
// presses: inside each seal box, red pixels move towards the paper by a
// smooth random amount up to strength.
func fadeSeals(img *raster, strength float64, seals []SealBox, r *rand.Rand) {
	if strength <= 0 {
		return
	}
	w, h := img.W, img.H
	const cell = 10 // px between the noise's grid points
	for _, s := range seals {
		x0, y0 := int(s.Box[0]*float64(w)), int(s.Box[1]*float64(h))
		x1, y1 := int(math.Ceil(s.Box[2]*float64(w))), int(math.Ceil(s.Box[3]*float64(h)))
		x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
		if x1 <= x0 || y1 <= y0 {
			continue
		}
		gw, gh := (x1-x0)/cell+2, (y1-y0)/cell+2
		grid := make([]float64, gw*gh)
		for i := range grid {
			// Mostly full ink, now and then a weak patch.
			v := r.Float64()
			grid[i] = v * v * v
		}
		for y := y0; y < y1; y++ {
			fy := float64(y-y0) / cell
			gy := int(fy)
			fy -= float64(gy)
			row := img.Pix[y*3*w:]
			for x := x0; x < x1; x++ {
				i := 3 * x
				pr, pg, pb := int(row[i]), int(row[i+1]), int(row[i+2])
				if pr-max(pg, pb) < 50 {
					continue
				}
				fx := float64(x-x0) / cell
				gx := int(fx)
				fx -= float64(gx)
				v := grid[gy*gw+gx]*(1-fx)*(1-fy) + grid[gy*gw+gx+1]*fx*(1-fy) + grid[(gy+1)*gw+gx]*(1-fx)*fy + grid[(gy+1)*gw+gx+1]*fx*fy
				f := strength * v
				row[i] = uint8(float64(pr) + (255-float64(pr))*f)
				row[i+1] = uint8(float64(pg) + (255-float64(pg))*f)
				row[i+2] = uint8(float64(pb) + (255-float64(pb))*f)
			}
		}
	}
}

// blur mixes img with its 3×3 binomial blur by amount (0–1), in place.
func blur(img *raster, amount float64) {
	w, h := img.W, img.H
	stride := 3 * w
	a := int32(amount * 256)
	tmp := make([]byte, len(img.Pix))
	// Horizontal [1 2 1]/4 (edges kept), mixed by amount.
	for y := 0; y < h; y++ {
		row := img.Pix[y*stride : (y+1)*stride]
		out := tmp[y*stride : (y+1)*stride]
		copy(out[:3], row[:3])
		copy(out[stride-3:], row[stride-3:])
		for i := 3; i < stride-3; i++ {
			v := int32(row[i])
			b := (int32(row[i-3]) + 2*v + int32(row[i+3]) + 2) >> 2
			out[i] = uint8(v + (b-v)*a>>8)
		}
	}
	// Vertical, back into img.
	copy(img.Pix[:stride], tmp[:stride])
	copy(img.Pix[(h-1)*stride:], tmp[(h-1)*stride:])
	for y := 1; y < h-1; y++ {
		up, mid, dn := tmp[(y-1)*stride:y*stride], tmp[y*stride:(y+1)*stride], tmp[(y+1)*stride:(y+2)*stride]
		out := img.Pix[y*stride : (y+1)*stride]
		for i := range out {
			v := int32(mid[i])
			b := (int32(up[i]) + 2*v + int32(dn[i]) + 2) >> 2
			out[i] = uint8(v + (b-v)*a>>8)
		}
	}
}

// rotateBoxes moves seal boxes (fractions of a w × h page) as degrade's
// rotation moves the page, and clips them to the image.
func rotateBoxes(seals []SealBox, angle float64, w, h int) []SealBox {
	out := make([]SealBox, len(seals))
	rad := angle * math.Pi / 180
	cos, sin := math.Cos(rad), math.Sin(rad)
	cx, cy := float64(w)/2, float64(h)/2
	for i, s := range seals {
		out[i] = s
		if angle == 0 {
			continue
		}
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, c := range [][2]int{{0, 1}, {2, 1}, {0, 3}, {2, 3}} {
			x, y := s.Box[c[0]]*float64(w)-cx, s.Box[c[1]]*float64(h)-cy
			// dst = c + R(θ)(src - c), the inverse of degrade's sampling.
			dx, dy := cx+cos*x-sin*y, cy+sin*x+cos*y
			minX, minY, maxX, maxY = math.Min(minX, dx), math.Min(minY, dy), math.Max(maxX, dx), math.Max(maxY, dy)
		}
		out[i].Box = [4]float64{clamp01(minX / float64(w)), clamp01(minY / float64(h)), clamp01(maxX / float64(w)), clamp01(maxY / float64(h))}
	}
	return out
}

// ---- encoders that record the resolution ----

// encodeJPEG writes img as a JPEG with a JFIF header giving dpi (none when
// dpi is 0).
func encodeJPEG(img image.Image, quality, dpi int) ([]byte, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("corpus: jpeg: %w", err)
	}
	data := b.Bytes()
	if dpi <= 0 {
		return data, nil
	}
	// APP0 JFIF 1.01, density in dots per inch, no thumbnail.
	app0 := []byte{0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(app0[12:], uint16(dpi))
	binary.BigEndian.PutUint16(app0[14:], uint16(dpi))
	out := make([]byte, 0, len(data)+len(app0))
	out = append(out, data[:2]...) // SOI
	out = append(out, app0...)
	out = append(out, data[2:]...)
	return out, nil
}

// encodePNG writes img as a PNG with a pHYs chunk giving dpi.
func encodePNG(img image.Image, dpi int) ([]byte, error) {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("corpus: png: %w", err)
	}
	data := b.Bytes()
	if dpi <= 0 {
		return data, nil
	}
	ppm := uint32(math.Round(float64(dpi) / 0.0254))
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	const afterIHDR = 8 + 8 + 13 + 4
	out := make([]byte, 0, len(data)+len(chunk))
	out = append(out, data[:afterIHDR]...)
	out = append(out, chunk...)
	out = append(out, data[afterIHDR:]...)
	return out, nil
}

// encodeTIFF writes img as a baseline RGB TIFF, one strip, Deflate
// compressed with horizontal differencing, at dpi.
func encodeTIFF(img *image.RGBA, dpi int) ([]byte, error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	var strip bytes.Buffer
	zw, err := zlib.NewWriterLevel(&strip, zlib.BestSpeed)
	if err != nil {
		return nil, fmt.Errorf("corpus: tiff: %w", err)
	}
	row := make([]byte, 3*w)
	for y := 0; y < h; y++ {
		px := img.Pix[y*img.Stride:]
		var pr, pg, pb byte
		for x := 0; x < w; x++ {
			r, g, b := px[4*x], px[4*x+1], px[4*x+2]
			row[3*x], row[3*x+1], row[3*x+2] = r-pr, g-pg, b-pb
			pr, pg, pb = r, g, b
		}
		if _, err := zw.Write(row); err != nil {
			return nil, fmt.Errorf("corpus: tiff: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("corpus: tiff: %w", err)
	}
	const (
		tShort    = 3
		tLong     = 4
		tRational = 5
	)
	type entry struct {
		tag, typ uint16
		count    uint32
		value    uint32 // the value, or the offset of the values
	}
	// Layout: header (8), IFD, then the extra values, then the strip.
	const nEntries = 14
	ifdSize := 2 + nEntries*12 + 4
	extra := 8 + ifdSize // bits per sample (3 shorts), then two rationals
	bps, xres, yres := uint32(extra), uint32(extra+6+2), uint32(extra+6+2+8)
	stripOff := uint32(extra + 6 + 2 + 16)
	entries := []entry{
		{256, tLong, 1, uint32(w)},
		{257, tLong, 1, uint32(h)},
		{258, tShort, 3, bps},
		{259, tShort, 1, 8}, // Deflate
		{262, tShort, 1, 2}, // RGB
		{273, tLong, 1, stripOff},
		{277, tShort, 1, 3},
		{278, tLong, 1, uint32(h)},
		{279, tLong, 1, uint32(strip.Len())},
		{282, tRational, 1, xres},
		{283, tRational, 1, yres},
		{284, tShort, 1, 1}, // chunky
		{296, tShort, 1, 2}, // inch
		{317, tShort, 1, 2}, // horizontal differencing
	}
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("II*\x00")
	binary.Write(&b, le, uint32(8))
	binary.Write(&b, le, uint16(len(entries)))
	for _, e := range entries {
		binary.Write(&b, le, e.tag)
		binary.Write(&b, le, e.typ)
		binary.Write(&b, le, e.count)
		if e.typ == tShort && e.count == 1 {
			binary.Write(&b, le, uint16(e.value))
			binary.Write(&b, le, uint16(0))
		} else {
			binary.Write(&b, le, e.value)
		}
	}
	binary.Write(&b, le, uint32(0)) // no next IFD
	binary.Write(&b, le, [3]uint16{8, 8, 8})
	binary.Write(&b, le, uint16(0)) // pad to a word boundary
	binary.Write(&b, le, [2]uint32{uint32(dpi), 1})
	binary.Write(&b, le, [2]uint32{uint32(dpi), 1})
	if uint32(b.Len()) != stripOff {
		return nil, fmt.Errorf("corpus: tiff: layout error")
	}
	b.Write(strip.Bytes())
	return b.Bytes(), nil
}

// wrapPDF puts JPEG page images into a PDF, each filling an A4 page in
// the orientation given ("P" or "L"), as a scanner's PDF does. It writes
// the few objects itself: fpdf orders images of one width by map
// iteration, so its bytes differed between runs with one seed.
func wrapPDF(pages [][]byte, orientation string) ([]byte, error) {
	w, h := 595.28, 841.89 // A4 in points
	if orientation == "L" {
		w, h = h, w
	}
	var b bytes.Buffer
	var offsets []int
	obj := func(body func()) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n", len(offsets))
		body()
		b.WriteString("\nendobj\n")
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// 1 catalog, 2 page tree, 3 info; then per page: page, content, image.
	n := len(pages)
	kids := make([]string, n)
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+3*i)
	}
	obj(func() { b.WriteString("<< /Type /Catalog /Pages 2 0 R >>") })
	obj(func() {
		fmt.Fprintf(&b, "<< /Type /Pages /Count %d /Kids [%s] >>", n, strings.Join(kids, " "))
	})
	stamp := epoch.Format("20060102150405Z")
	obj(func() {
		fmt.Fprintf(&b, "<< /Producer (corpus scanner) /CreationDate (D:%s) /ModDate (D:%s) >>", stamp, stamp)
	})
	for i, jp := range pages {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(jp))
		if err != nil {
			return nil, fmt.Errorf("corpus: scan pdf: page %d: %w", i+1, err)
		}
		space := "/DeviceRGB"
		switch cfg.ColorModel {
		case color.GrayModel:
			space = "/DeviceGray"
		case color.CMYKModel:
			space = "/DeviceCMYK"
		}
		content, img := 5+3*i, 6+3*i
		draw := fmt.Sprintf("q %.2f 0 0 %.2f 0 0 cm /Im%d Do Q", w, h, i+1)
		obj(func() {
			fmt.Fprintf(&b, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R /Resources << /XObject << /Im%d %d 0 R >> >> >>",
				w, h, content, i+1, img)
		})
		obj(func() { fmt.Fprintf(&b, "<< /Length %d >>\nstream\n%s\nendstream", len(draw), draw) })
		obj(func() {
			fmt.Fprintf(&b, "<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n",
				cfg.Width, cfg.Height, space, len(jp))
			b.Write(jp)
			b.WriteString("\nendstream")
		})
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes(), nil
}
