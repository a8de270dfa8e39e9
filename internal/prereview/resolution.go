package prereview

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MinScanDPI is the lowest resolution accepted for a scan.
const MinScanDPI = 150

// dpiTolerance absorbs rounding: a 150 dpi A4 scan is 1240 × 1754
// pixels, which is 149.98 dpi across; pdfimages rounds to whole ppi.
const dpiTolerance = 1

// ResolutionFinding is a low_resolution finding when the page is a scan
// (DPI known) under MinScanDPI, nil otherwise. A page that is not a scan
// (DPI 0: vector text, a born-digital PDF) is not judged.
func ResolutionFinding(pi PageInfo) *Finding {
	if pi.DPI <= 0 || pi.DPI >= MinScanDPI-dpiTolerance {
		return nil
	}
	dpi := int(math.Round(pi.DPI))
	return &Finding{
		Code:     CodeLowResolution,
		Severity: Error,
		Page:     pi.Page,
		Message:  fmt.Sprintf("第 %d 页的扫描分辨率约为 %d dpi，低于 %d dpi，文字和印章可能无法辨认，请以不低于 %d dpi（建议 300 dpi）重新扫描后上传。", pi.Page, dpi, MinScanDPI, MinScanDPI),
		MessageE: fmt.Sprintf("Page %d is scanned at about %d dpi, under %d dpi: its text and seals may not be legible. Please scan it again at %d dpi or more (300 dpi recommended).", pi.Page, dpi, MinScanDPI, MinScanDPI),
	}
}

// A4 in inches, the paper an image is assumed to show when it does not say
// its resolution.
const (
	a4Short = 210 / 25.4
	a4Long  = 297 / 25.4
)

// a4DPI is the resolution of a w × h image that fills an A4 page (in
// either orientation): the larger of the two ratios, since the image must
// fit on the paper.
func a4DPI(w, h int) float64 {
	short, long := float64(min(w, h)), float64(max(w, h))
	return math.Max(short/a4Short, long/a4Long)
}

// plausibleDPI reports whether a declared density fits a document: many
// programs write 72 or 96 dpi whatever the image is, which would make a
// 300 dpi A4 scan a poster several feet tall. A density is believed when
// the paper it implies is between a business card and A3 (with margin).
func plausibleDPI(dpi float64, w, h int) bool {
	if dpi < 30 || dpi > 4800 {
		return false
	}
	long := float64(max(w, h)) / dpi
	return long >= 1.5 && long <= 17.5
}

// imageDPI is the resolution of an image file's page: its declared
// density (JFIF or EXIF for JPEG, pHYs for PNG, the page's IFD for TIFF)
// when plausible, else what it would be on A4. w and h are the page's
// size upright.
func imageDPI(data []byte, typ string, ifd uint32, w, h int) float64 {
	var dpi float64
	switch typ {
	case TypeJPEG:
		dpi = jpegDensity(data)
	case TypePNG:
		dpi = pngDensity(data)
	case TypeTIFF:
		if t, ok := newTIFF(data, 0); ok {
			dpi = t.resolution(ifd)
		}
	}
	if dpi > 0 && plausibleDPI(dpi, w, h) {
		return dpi
	}
	return a4DPI(w, h)
}

// jpegSegment calls fn for each marker segment before the first scan,
// with the marker and its payload.
func jpegSegments(data []byte, fn func(marker byte, payload []byte) bool) {
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xff {
			return
		}
		m := data[i+1]
		if m == 0xff {
			i++
			continue
		}
		if m == 0xda || m == 0xd9 {
			return
		}
		l := int(data[i+2])<<8 | int(data[i+3])
		if l < 2 || i+2+l > len(data) {
			return
		}
		if !fn(m, data[i+4:i+2+l]) {
			return
		}
		i += 2 + l
	}
}

// jpegDensity is the density a JPEG declares, in dots per inch: JFIF's
// when it gives units, else EXIF's XResolution; 0 if neither.
func jpegDensity(data []byte) float64 {
	var jfif, exif float64
	jpegSegments(data, func(m byte, p []byte) bool {
		switch {
		case m == 0xe0 && len(p) >= 12 && bytes.HasPrefix(p, []byte("JFIF\x00")):
			x, y := float64(binary.BigEndian.Uint16(p[8:])), float64(binary.BigEndian.Uint16(p[10:]))
			switch p[7] {
			case 1:
				jfif = math.Min(x, y)
			case 2:
				jfif = math.Min(x, y) * 2.54
			}
		case m == 0xe1 && bytes.HasPrefix(p, []byte("Exif\x00\x00")):
			if t, ok := newTIFF(p[6:], 0); ok {
				exif = t.resolution(t.first)
			}
		}
		return true
	})
	if jfif > 0 {
		return jfif
	}
	return exif
}

// jpegProgressive reports whether a JPEG is progressive (SOF2) and how
// many components its frame has.
func jpegProgressive(data []byte) (prog bool, comps int) {
	jpegSegments(data, func(m byte, p []byte) bool {
		if m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc {
			prog = m == 0xc2 || m == 0xc6 || m == 0xca || m == 0xce
			if len(p) >= 6 {
				comps = int(p[5])
			}
			return false
		}
		return true
	})
	return prog, comps
}

// jpegOrientation is the EXIF orientation of a JPEG (1–8), 1 if none.
func jpegOrientation(data []byte) int {
	o := 1
	jpegSegments(data, func(m byte, p []byte) bool {
		if m == 0xe1 && bytes.HasPrefix(p, []byte("Exif\x00\x00")) {
			if t, ok := newTIFF(p[6:], 0); ok {
				if v, ok := t.uint(t.first, tagOrientation); ok && v >= 1 && v <= 8 {
					o = int(v)
				}
			}
			return false
		}
		return true
	})
	return o
}

// imageOrientation is the orientation a viewer applies to page i (ifd for
// a TIFF).
func imageOrientation(data []byte, typ string, ifd uint32) int {
	switch typ {
	case TypeJPEG:
		return jpegOrientation(data)
	case TypeTIFF:
		if t, ok := newTIFF(data, 0); ok {
			if v, ok := t.uint(ifd, tagOrientation); ok && v >= 1 && v <= 8 {
				return int(v)
			}
		}
	}
	return 1
}

// pngDensity is the density in a PNG's pHYs chunk in dots per inch, 0 if
// absent or without units.
func pngDensity(data []byte) float64 {
	i := 8
	for i+12 <= len(data) {
		l := int(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		if l < 0 || i+12+l > len(data) || typ == "IDAT" {
			return 0
		}
		if typ == "pHYs" && l == 9 && data[i+16] == 1 {
			p := data[i+8:]
			x, y := float64(binary.BigEndian.Uint32(p)), float64(binary.BigEndian.Uint32(p[4:]))
			return math.Min(x, y) * 0.0254
		}
		i += 12 + l
	}
	return 0
}

// TIFF tags read here.
const (
	tagOrientation    = 0x0112
	tagXResolution    = 0x011a
	tagYResolution    = 0x011b
	tagResolutionUnit = 0x0128
)

// tiff reads the IFDs of a TIFF file or of the TIFF structure inside EXIF.
type tiff struct {
	b     []byte
	bo    binary.ByteOrder
	first uint32
}

// newTIFF parses the header at b[off:].
func newTIFF(b []byte, off int) (*tiff, bool) {
	b = b[off:]
	if len(b) < 8 {
		return nil, false
	}
	var bo binary.ByteOrder
	switch string(b[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return nil, false
	}
	return &tiff{b: b, bo: bo, first: bo.Uint32(b[4:])}, true
}

// entry finds tag in the IFD at off and returns its type, count and the
// 4 bytes holding its value or offset.
func (t *tiff) entry(off uint32, tag uint16) (typ uint16, count uint32, val []byte, ok bool) {
	if off == 0 || int64(off)+2 > int64(len(t.b)) {
		return 0, 0, nil, false
	}
	n := int(t.bo.Uint16(t.b[off:]))
	for k := 0; k < n; k++ {
		e := int(off) + 2 + 12*k
		if e+12 > len(t.b) {
			return 0, 0, nil, false
		}
		if t.bo.Uint16(t.b[e:]) == tag {
			return t.bo.Uint16(t.b[e+2:]), t.bo.Uint32(t.b[e+4:]), t.b[e+8 : e+12], true
		}
	}
	return 0, 0, nil, false
}

// uint is a SHORT or LONG tag's first value.
func (t *tiff) uint(off uint32, tag uint16) (uint32, bool) {
	typ, count, val, ok := t.entry(off, tag)
	if !ok || count < 1 {
		return 0, false
	}
	switch typ {
	case 3:
		return uint32(t.bo.Uint16(val)), true
	case 4:
		return t.bo.Uint32(val), true
	}
	return 0, false
}

// rational is a RATIONAL tag's first value.
func (t *tiff) rational(off uint32, tag uint16) (float64, bool) {
	typ, count, val, ok := t.entry(off, tag)
	if !ok || typ != 5 || count < 1 {
		return 0, false
	}
	p := int64(t.bo.Uint32(val))
	if p+8 > int64(len(t.b)) {
		return 0, false
	}
	num, den := t.bo.Uint32(t.b[p:]), t.bo.Uint32(t.b[p+4:])
	if den == 0 {
		return 0, false
	}
	return float64(num) / float64(den), true
}

// resolution is the IFD's resolution in dots per inch, 0 if it gives none
// with a unit.
func (t *tiff) resolution(off uint32) float64 {
	x, ok1 := t.rational(off, tagXResolution)
	y, ok2 := t.rational(off, tagYResolution)
	if !ok1 || !ok2 {
		return 0
	}
	unit, ok := t.uint(off, tagResolutionUnit)
	if !ok {
		unit = 2 // the TIFF default: inches
	}
	switch unit {
	case 2:
		return math.Min(x, y)
	case 3:
		return math.Min(x, y) * 2.54
	}
	return 0
}

// tiffIFDs lists the offsets of a TIFF file's IFDs (one a page), at most
// limit of them; a loop or an offset outside the file is an error.
func tiffIFDs(data []byte, limit int) ([]uint32, error) {
	t, ok := newTIFF(data, 0)
	if !ok {
		return nil, errors.New("not a TIFF")
	}
	var out []uint32
	seen := map[uint32]bool{}
	for off := t.first; off != 0 && len(out) < limit; {
		if seen[off] || int64(off)+2 > int64(len(data)) {
			return out, errors.New("bad IFD chain")
		}
		seen[off] = true
		out = append(out, off)
		n := int64(t.bo.Uint16(data[off:]))
		next := int64(off) + 2 + 12*n
		if next+4 > int64(len(data)) {
			return out, errors.New("bad IFD")
		}
		off = t.bo.Uint32(data[next:])
	}
	return out, nil
}

// pdfPage is a page's size in points.
type pdfPage struct{ w, h float64 }

// pdfInfo is what pdfinfo says.
type pdfInfo struct {
	pages     int
	encrypted bool
	sizes     []pdfPage
}

// parsePDFInfo reads the output of pdfinfo -f 1 -l N.
func parsePDFInfo(out string) pdfInfo {
	var info pdfInfo
	for _, line := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch {
		case k == "Pages":
			info.pages, _ = strconv.Atoi(v)
		case k == "Encrypted":
			info.encrypted = strings.HasPrefix(v, "yes")
		case strings.HasPrefix(k, "Page ") && strings.HasSuffix(k, " size"):
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(k, "Page "), " size")))
			f := strings.Fields(v) // 595.28 x 841.89 pts (A4)
			if err != nil || n < 1 || len(f) < 3 || n > 1_000_000 {
				continue
			}
			w, err1 := strconv.ParseFloat(f[0], 64)
			h, err2 := strconv.ParseFloat(f[2], 64)
			if err1 != nil || err2 != nil {
				continue
			}
			for len(info.sizes) < n {
				info.sizes = append(info.sizes, pdfPage{})
			}
			info.sizes[n-1] = pdfPage{w, h}
		}
	}
	return info
}

// pdfImage is one line of pdfimages -list.
type pdfImage struct {
	page, w, h int
	xppi, yppi float64
}

// parsePDFImages reads the output of pdfimages -list: images and stencil
// masks (a black-and-white scan may be one); soft masks and masks only
// shape another image.
func parsePDFImages(out string) []pdfImage {
	var imgs []pdfImage
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 14 || (f[2] != "image" && f[2] != "stencil") {
			continue
		}
		page, err1 := strconv.Atoi(f[0])
		w, err2 := strconv.Atoi(f[3])
		h, err3 := strconv.Atoi(f[4])
		x, err4 := strconv.ParseFloat(f[12], 64)
		y, err5 := strconv.ParseFloat(f[13], 64)
		if errors.Join(err1, err2, err3, err4, err5) != nil {
			continue
		}
		imgs = append(imgs, pdfImage{page: page, w: w, h: h, xppi: x, yppi: y})
	}
	return imgs
}

// minScanCover is how much of a page its images must cover for the page
// to count as a scan: a logo or a photo on a typed page is not one.
const minScanCover = 0.5

// scanDPIs gives, for each page, the resolution of the scan on it: that of
// its largest image (by pixels: in a mixed raster content scan the
// high-resolution text layer) when the page's images cover most of it;
// 0 for a page that is not a scan.
func scanDPIs(imgs []pdfImage, sizes []pdfPage, pages int) []float64 {
	dpi := make([]float64, pages)
	cover := make([]float64, pages)
	largest := make([]int64, pages)
	for _, im := range imgs {
		if im.page < 1 || im.page > pages || im.xppi <= 0 || im.yppi <= 0 {
			continue
		}
		p := im.page - 1
		cover[p] += float64(im.w) / im.xppi * 72 * float64(im.h) / im.yppi * 72
		if px := int64(im.w) * int64(im.h); px > largest[p] {
			largest[p] = px
			dpi[p] = math.Min(im.xppi, im.yppi)
		}
	}
	for p := range dpi {
		if p >= len(sizes) || sizes[p].w*sizes[p].h <= 0 || cover[p] < minScanCover*sizes[p].w*sizes[p].h {
			dpi[p] = 0
		}
	}
	return dpi
}
