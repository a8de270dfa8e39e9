package prereview

import (
	"fmt"
	"image"
	"math"
	"slices"
	"sort"
)

// A perforation seal (骑缝章) is stamped across the edges of the fanned
// pages of a document, so each page carries a slice of one seal at the
// same edge and height: the cap of the ring on the first or last page, two
// pieces of the ring with cut lettering between them on the others, half
// a seal on each page of a two-page document. A slice is found as red
// pieces reaching the page edge, spread along it over a length a seal's
// chord can have, reaching into the page no deeper than a seal does, and
// not a straight rule running along the edge.

// Slice limits in millimetres.
const (
	sliceMarginMM   = 6.5  // red this close to the image edge reaches the paper edge (a scan may be rotated by 2° or sit off the scanner's edge)
	sliceMinAlongMM = 8.0  // the shortest chord worth calling a slice
	sliceMaxAlongMM = 75.0 // the largest seal
	sliceMaxDepthMM = 60.0
	sliceJoinMM     = 45.0 // pieces of one slice are this close along the edge (a narrow strip through the middle of a seal shows the ring at top and bottom and little between)
	sliceMinAreaMM2 = 2.0  // red area of a slice
	// A slice's far side, the profile along the edge, is a curve; a rule
	// along the edge is straight within this.
	sliceLineMaxResidMM = 0.45
	// Across pages, slices of one seal sit at the same height within this
	// share of the page's length along the edge.
	sliceHeightTol = 0.06
)

// Page edges, in the order a tie between them is settled.
var edges = []string{"right", "left", "bottom", "top"}

// edgeFrame maps positions along an edge (a) and depths from it (d) to
// mask pixels.
type edgeFrame struct {
	name   string
	length int // along the edge
	depth  int // across the page
	xy     func(a, d int) (x, y int)
	// near and far depth of a box, and its extent along the edge
	near, far func(r image.Rectangle) int
	along     func(r image.Rectangle) (int, int)
}

func (m *redMask) frame(edge string) edgeFrame {
	w, h := m.w, m.h
	vert := func(r image.Rectangle) (int, int) { return r.Min.Y, r.Max.Y }
	horz := func(r image.Rectangle) (int, int) { return r.Min.X, r.Max.X }
	switch edge {
	case "left":
		return edgeFrame{edge, h, w, func(a, d int) (int, int) { return d, a },
			func(r image.Rectangle) int { return r.Min.X }, func(r image.Rectangle) int { return r.Max.X }, vert}
	case "right":
		return edgeFrame{edge, h, w, func(a, d int) (int, int) { return w - 1 - d, a },
			func(r image.Rectangle) int { return w - r.Max.X }, func(r image.Rectangle) int { return w - r.Min.X }, vert}
	case "top":
		return edgeFrame{edge, w, h, func(a, d int) (int, int) { return a, d },
			func(r image.Rectangle) int { return r.Min.Y }, func(r image.Rectangle) int { return r.Max.Y }, horz}
	default: // bottom
		return edgeFrame{edge, w, h, func(a, d int) (int, int) { return a, h - 1 - d },
			func(r image.Rectangle) int { return h - r.Max.Y }, func(r image.Rectangle) int { return h - r.Min.Y }, horz}
	}
}

// slice is a perforation-seal slice found on a page (mask pixels).
type slice struct {
	r    image.Rectangle
	edge string
}

// perforationSlices finds slices among the clusters not already part of a
// round seal.
func (m *redMask) perforationSlices(used []bool) []slice {
	margin := int(math.Ceil(sliceMarginMM * m.mm))
	minDim := int(math.Ceil(0.8 * m.mm))
	minPix := int(0.5 * m.mm * m.mm)
	join := int(math.Round(sliceJoinMM * m.mm))
	var out []slice
	for _, edge := range edges {
		fr := m.frame(edge)
		var seeds []int
		for i, c := range m.clusters {
			if used[i] || c.n < minPix || (c.r.Dx() < minDim && c.r.Dy() < minDim) {
				continue
			}
			if fr.near(c.r) <= margin {
				seeds = append(seeds, i)
			}
		}
		sort.Slice(seeds, func(i, j int) bool {
			ai, _ := fr.along(m.clusters[seeds[i]].r)
			aj, _ := fr.along(m.clusters[seeds[j]].r)
			return ai < aj
		})
		for len(seeds) > 0 {
			// One group: seeds following each other along the edge with
			// gaps under join.
			g := []int{seeds[0]}
			_, end := fr.along(m.clusters[seeds[0]].r)
			k := 1
			for ; k < len(seeds); k++ {
				a0, a1 := fr.along(m.clusters[seeds[k]].r)
				if a0 > end+join {
					break
				}
				g = append(g, seeds[k])
				end = max(end, a1)
			}
			seeds = seeds[k:]
			if r, ok := m.sliceOf(fr, g); ok {
				out = append(out, slice{r, edge})
				for i, c := range m.clusters {
					if c.r.In(r) {
						used[i] = true
					}
				}
			}
		}
	}
	return out
}

// sliceOf judges a group of clusters reaching an edge and returns its box
// when it is a slice of a seal.
func (m *redMask) sliceOf(fr edgeFrame, g []int) (image.Rectangle, bool) {
	r := m.clusters[g[0]].r
	n := 0
	for _, i := range g {
		r = r.Union(m.clusters[i].r)
		n += m.clusters[i].n
	}
	a0, a1 := fr.along(r)
	along := float64(a1-a0) / m.mm
	far := fr.far(r)
	if along < sliceMinAlongMM || along > sliceMaxAlongMM {
		return r, false
	}
	if float64(far)/m.mm > math.Min(sliceMaxDepthMM, along+3) {
		return r, false
	}
	if float64(n)/(m.mm*m.mm) < sliceMinAreaMM2 {
		return r, false
	}
	// The profile of the far side along the edge: a rule parallel to the
	// edge (or slanted by a rotated scan) is a straight line covering
	// every position; a slice is curved or broken.
	var as, ds []float64
	members := map[int32]bool{}
	for _, i := range g {
		members[int32(i)] = true
	}
	for a := a0; a < a1; a++ {
		deepest := -1
		for d := 0; d < far; d++ {
			x, y := fr.xy(a, d)
			if m.at(x, y) && members[m.clusterAt(x, y)] {
				deepest = d
			}
		}
		if deepest >= 0 {
			as = append(as, float64(a))
			ds = append(ds, float64(deepest))
		}
	}
	if len(as) >= int(0.9*float64(a1-a0)) && lineResidual(as, ds)/m.mm <= sliceLineMaxResidMM {
		return r, false
	}
	return r, true
}

// lineResidual fits d = p + q·a by least squares and returns the largest
// distance of a point from the line.
func lineResidual(as, ds []float64) float64 {
	if len(as) < 3 {
		return 0
	}
	p, q := fitLine(as, ds)
	worst := 0.0
	for i := range as {
		worst = math.Max(worst, math.Abs(ds[i]-p-q*as[i]))
	}
	return worst
}

// edgeZH names an edge in Chinese.
var edgeZH = map[string]string{"left": "左侧", "right": "右侧", "top": "上边", "bottom": "下边"}

// PerforationFindings checks the perforation seal (骑缝章) of a multi-page
// document: with required, every page must bear a slice of one seal at
// the same edge and a similar height. The edge is the one most pages have
// a slice at; each page without a slice there, or with its slice at a
// different height from the others', gets perforation_seal_missing. A
// one-page document has no perforation seal to check.
func PerforationFindings(seals []Seal, pages []PageInfo, required bool) []Finding {
	if !required || len(pages) < 2 {
		return nil
	}
	// Slices per page and edge; position as a share of the page's length
	// along the edge (-1 when the page size is unknown).
	type pos struct {
		page int
		at   float64
		box  Box
	}
	byEdge := map[string][]pos{}
	for _, s := range seals {
		if s.Kind != SealPerforation {
			continue
		}
		var pi PageInfo
		for _, p := range pages {
			if p.Page == s.Page {
				pi = p
			}
		}
		at := -1.0
		switch s.Edge {
		case "left", "right":
			if pi.Height > 0 {
				at = float64(s.BBox[1]+s.BBox[3]) / 2 / float64(pi.Height)
			}
		case "top", "bottom":
			if pi.Width > 0 {
				at = float64(s.BBox[0]+s.BBox[2]) / 2 / float64(pi.Width)
			}
		}
		byEdge[s.Edge] = append(byEdge[s.Edge], pos{s.Page, at, s.BBox})
	}
	edge, best := "", 0
	for _, e := range edges {
		seen := map[int]bool{}
		for _, p := range byEdge[e] {
			seen[p.page] = true
		}
		if len(seen) > best {
			edge, best = e, len(seen)
		}
	}
	var out []Finding
	if edge == "" {
		for _, p := range pages {
			out = append(out, Finding{Code: CodePerforationSealMissing, Severity: Error, Page: p.Page,
				Message:  fmt.Sprintf("第 %d 页未检测到骑缝章：多页材料须将各页错开叠放，在页边加盖骑缝章，使每一页都留有印章的一部分，请补盖后重新扫描上传", p.Page),
				MessageE: fmt.Sprintf("page %d bears no perforation seal (骑缝章): fan out the pages and stamp across their edges so that every page carries part of the seal, then scan again and upload", p.Page)})
		}
		return out
	}
	// The seal's height: the median of the slices' positions.
	var ats []float64
	for _, p := range byEdge[edge] {
		if p.at >= 0 {
			ats = append(ats, p.at)
		}
	}
	median := -1.0
	if len(ats) > 0 {
		slices.Sort(ats)
		median = ats[len(ats)/2]
		if len(ats)%2 == 0 {
			median = (ats[len(ats)/2-1] + ats[len(ats)/2]) / 2
		}
	}
	for _, p := range pages {
		has, stray := false, false
		for _, s := range byEdge[edge] {
			if s.page != p.Page {
				continue
			}
			if median < 0 || s.at < 0 || math.Abs(s.at-median) <= sliceHeightTol {
				has = true
			} else {
				stray = true
			}
		}
		if has {
			continue
		}
		f := Finding{Code: CodePerforationSealMissing, Severity: Error, Page: p.Page}
		if r := expectedSliceRegion(edge, median, p); r != nil {
			f.Region = r
		}
		if stray {
			f.Message = fmt.Sprintf("第 %d 页%s的骑缝章位置与其他页不一致，不像同一枚印章：请将各页对齐错开后重新加盖骑缝章，再扫描上传", p.Page, edgeZH[edge])
			f.MessageE = fmt.Sprintf("the perforation seal on the %s edge of page %d is not at the height of the other pages' slices, so it is not one seal across them: fan the pages out evenly, stamp across their edges again, scan and upload", edge, p.Page)
		} else {
			f.Message = fmt.Sprintf("第 %d 页%s页边未检测到骑缝章（其他页有）：骑缝章须覆盖每一页，请将各页错开叠放后补盖，再扫描上传", p.Page, edgeZH[edge])
			f.MessageE = fmt.Sprintf("page %d has no slice of the perforation seal on its %s edge, while other pages do: the seal must reach every page; fan the pages out, stamp across their edges again, scan and upload", p.Page, edge)
		}
		out = append(out, f)
	}
	return out
}

// expectedSliceRegion is where a page's slice should be: a band along the
// edge, a seal's size long, at the others' height.
func expectedSliceRegion(edge string, at float64, p PageInfo) *Box {
	if at < 0 || p.Width <= 0 || p.Height <= 0 {
		return nil
	}
	short := min(p.Width, p.Height)
	band := int(float64(short) * 25 / paperShortMM)
	half := int(float64(short) * 25 / paperShortMM)
	var b Box
	switch edge {
	case "left", "right":
		c := int(at * float64(p.Height))
		b = Box{0, max(0, c-half), band, min(p.Height, c+half)}
		if edge == "right" {
			b[0], b[2] = p.Width-band, p.Width
		}
	default:
		c := int(at * float64(p.Width))
		b = Box{max(0, c-half), 0, min(p.Width, c+half), band}
		if edge == "bottom" {
			b[1], b[3] = p.Height-band, p.Height
		}
	}
	return &b
}
