package prereview

import (
	"fmt"
	"image"
	"slices"
)

// Blank-page detection works on cells of about 1 % of the page's shorter
// side (8 pixels at 100 dpi on A4): averaging a cell smooths scanner noise,
// JPEG artefacts and dust, while any stroke of text, a signature or a seal
// darkens or colours the cells it crosses. The page's border is ignored
// (scanner shadows, the dark edge of the platen, punch holes).
const (
	blankMarginX = 0.05 // of the width, each side
	blankMarginY = 0.04 // of the height, top and bottom
	blankDark    = 28   // how much darker than the paper a cell must be to hold ink (0–255)
	blankChroma  = 50   // how much more coloured than the paper (max−min of R, G, B)
	blankDrift   = 40   // how much darker than the page's paper a region's paper may be (uneven lighting)
	blankInkFrac = 0.001
	blankInkMin  = 6
)

// IsBlank reports whether a page image has nothing on it: fewer ink cells
// than about 0.1 % of the page (a stray page number or a few specks of
// dust do not make a page). A page that is uniformly dark or coloured is
// blank too: it shows nothing.
func IsBlank(img image.Image) bool {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return true
	}
	cell := max(2, min(w, h)/100)
	// Every other row and column of a cell of 6 pixels or more: 9 or more
	// samples a cell still average out grain, and a page takes a quarter
	// of the time.
	step := 1
	if cell >= 6 {
		step, cell = 2, cell&^1 // even, so that every cell gets as many samples
	}
	x0, y0 := int(float64(w)*blankMarginX), int(float64(h)*blankMarginY)
	cw, ch := (w-2*x0)/cell, (h-2*y0)/cell
	if cw < 1 || ch < 1 {
		return true
	}
	lum := make([]uint32, cw*ch) // sums, then means
	chr := make([]uint32, cw*ch)
	row := make([]uint8, w*4)
	rgba, _ := img.(*image.RGBA)
	for y := 0; y < ch*cell; y += step {
		var p []uint8
		if rgba != nil {
			p = rgba.Pix[rgba.PixOffset(b.Min.X, b.Min.Y+y0+y):][:w*4]
		} else {
			readRow(img, b.Min.Y+y0+y, row)
			p = row
		}
		c := (y / cell) * cw
		for x := 0; x < cw*cell; x += step {
			q := p[(x0+x)*4:]
			r, g, bl := uint32(q[0]), uint32(q[1]), uint32(q[2])
			k := c + x/cell
			lum[k] += (299*r + 587*g + 114*bl) / 1000
			chr[k] += max(r, g, bl) - min(r, g, bl)
		}
	}
	per := uint32((cell + step - 1) / step)
	n := per * per
	for k := range lum {
		lum[k] /= n
		chr[k] /= n
	}

	// The paper: a high percentile of the cells (most of any page is
	// paper), page-wide and per block of cells.
	paper := percentile(lum, 0.9)
	paperChroma := percentile(chr, 0.5)
	const block = 12
	ink := 0
	limit := max(blankInkMin, int(blankInkFrac*float64(cw*ch)))
	vals := make([]uint32, 0, block*block)
	for by := 0; by < ch; by += block {
		for bx := 0; bx < cw; bx += block {
			vals = vals[:0]
			for y := by; y < min(by+block, ch); y++ {
				vals = append(vals, lum[y*cw+bx:y*cw+min(bx+block, cw)]...)
			}
			local := max(percentile(vals, 0.75), paper-min(paper, blankDrift))
			for y := by; y < min(by+block, ch); y++ {
				for x := bx; x < min(bx+block, cw); x++ {
					k := y*cw + x
					if lum[k]+blankDark < local || chr[k] > paperChroma+blankChroma {
						ink++
					}
				}
			}
			if ink >= limit {
				return false
			}
		}
	}
	return true
}

// percentile is the p-quantile (0–1) of v, which it does not modify.
func percentile(v []uint32, p float64) uint32 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	k := min(len(s)-1, int(p*float64(len(s))))
	// Quickselect would do; pages have ~10⁴ cells and blocks 144.
	slices.Sort(s)
	return s[k]
}

// BlankFinding is a blank_page finding for a page IsBlank judged blank,
// nil otherwise. all says every page of the file is blank, which makes
// the finding an error: the file shows nothing at all.
func BlankFinding(pi PageInfo, all bool) *Finding {
	if !pi.Blank {
		return nil
	}
	if all {
		return &Finding{
			Code:     CodeBlankPage,
			Severity: Error,
			Page:     pi.Page,
			Message:  fmt.Sprintf("第 %d 页是空白页，整份文件没有任何内容：可能扫描了纸张背面或上传错了文件，请核对后重新上传。", pi.Page),
			MessageE: fmt.Sprintf("Page %d is blank, and so is the whole file: the back of the paper may have been scanned, or the wrong file uploaded. Please check and upload it again.", pi.Page),
		}
	}
	return &Finding{
		Code:     CodeBlankPage,
		Severity: Warning,
		Page:     pi.Page,
		Message:  fmt.Sprintf("第 %d 页是空白页：请确认是否漏扫了内容，无用的空白页请删除后重新上传。", pi.Page),
		MessageE: fmt.Sprintf("Page %d is blank: check that no content was missed, and remove pages that are blank by mistake before uploading again.", pi.Page),
	}
}

// BlankFindings gives a blank_page finding for each blank page.
func BlankFindings(pages []PageInfo) []Finding {
	all := len(pages) > 0
	for _, p := range pages {
		all = all && p.Blank
	}
	var fs []Finding
	for _, p := range pages {
		if f := BlankFinding(p, all); f != nil {
			fs = append(fs, *f)
		}
	}
	return fs
}
