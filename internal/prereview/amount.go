package prereview

import (
	"errors"
	"image"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Chinese capital numerals (大写数字) as written on cheques, contracts and
// registered capital: 壹佰贰拾万元整 is 1 200 000 yuan.

// capitalDigits maps a capital digit (and the variants a document or OCR
// may use) to its value.
var capitalDigits = map[rune]int64{
	'零': 0, '〇': 0,
	'壹': 1, '贰': 2, '貳': 2, '叁': 3, '參': 3, '肆': 4, '伍': 5,
	'陆': 6, '陸': 6, '柒': 7, '捌': 8, '玖': 9,
}

// capitalUnits are the multipliers inside a section of four digits.
var capitalUnits = map[rune]int64{'拾': 10, '佰': 100, '仟': 1000}

// AmountChars are every character a capital amount is written with; OCR
// re-reads an amount allowing these only.
const AmountChars = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正"

// amountVariants are traditional forms a document may print, folded to the
// simplified ones before parsing.
var amountVariants = strings.NewReplacer("萬", "万", "億", "亿", "圓", "圆", "貳", "贰", "參", "叁", "陸", "陆", "〇", "零")

func isAmountRune(r rune) bool {
	return strings.ContainsRune(AmountChars, r) || strings.ContainsRune("萬億圓貳參陸〇", r)
}

// errAmount is why a text is not a capital amount.
var errAmount = errors.New("not a capital amount")

// ParseCapitalAmount converts an amount in capital numerals to a decimal
// string: 壹佰贰拾万元整 → "1200000", 叁拾肆万伍仟陆佰柒拾捌元玖角 →
// "345678.90". A leading 人民币 and a trailing 整 or 正 are allowed; digits
// in small numerals (一二三) are not: they are not 大写.
func ParseCapitalAmount(s string) (string, error) {
	s = amountVariants.Replace(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "人民币")
	s = strings.TrimRight(s, "整正")
	if s == "" {
		return "", errAmount
	}
	const maxYuan = int64(1) << 50 // far beyond any real amount, far below overflow
	var (
		total   int64 // whole 亿 and 万 sections done
		section int64 // the current section below 万
		digit   int64 = -1
		yuan    int64 = -1 // set at 元
		jiao    int64
		fen     int64
		sawAny  bool
		sawJiao bool
		sawFen  bool
	)
	for _, r := range s {
		if yuan >= 0 {
			// After 元: [零]?[digit 角]?[零]?[digit 分]?
			switch {
			case r == '零':
				continue
			case r == '角' || r == '分':
				if digit < 0 || r == '角' && sawJiao || sawFen {
					return "", errAmount // 角 after 分, or either twice
				}
				if r == '角' {
					jiao, sawJiao = digit, true
				} else {
					fen, sawFen = digit, true
				}
				digit = -1
				continue
			}
			d, ok := capitalDigits[r]
			if !ok || digit >= 0 {
				return "", errAmount
			}
			digit = d
			continue
		}
		if d, ok := capitalDigits[r]; ok {
			if digit > 0 && d != 0 {
				return "", errAmount // two digits in a row: 壹贰
			}
			if d != 0 {
				digit = d
			}
			sawAny = true
			continue
		}
		if u, ok := capitalUnits[r]; ok {
			if digit < 0 {
				if r != '拾' {
					return "", errAmount // 佰 or 仟 with no digit
				}
				digit = 1 // 拾万 is ten 万
			}
			section += digit * u
			digit = -1
			sawAny = true
			continue
		}
		switch r {
		case '万':
			if digit > 0 {
				section += digit
			}
			if section == 0 {
				return "", errAmount // 万 with nothing before it
			}
			total += section * 10000
			section, digit = 0, -1
		case '亿':
			if digit > 0 {
				section += digit
			}
			total = (total + section) * 100000000
			if total == 0 {
				return "", errAmount
			}
			section, digit = 0, -1
		case '元', '圆':
			if digit > 0 {
				section += digit
			}
			yuan = total + section
			section, digit = 0, -1
		default:
			return "", errAmount
		}
		sawAny = true
		if total > maxYuan {
			return "", errAmount
		}
	}
	if !sawAny {
		return "", errAmount
	}
	if yuan < 0 {
		// No 元: 壹佰万 on its own (as in 注册资本 壹佰万).
		if digit > 0 {
			section += digit
		}
		yuan = total + section
	} else if digit >= 0 {
		return "", errAmount // a digit after 元 with no 角 or 分
	}
	if yuan == 0 && jiao == 0 && fen == 0 {
		return "", errAmount // 零元: no amount to check
	}
	out := strconv.FormatInt(yuan, 10)
	if jiao != 0 || fen != 0 {
		out += "." + strconv.FormatInt(jiao, 10) + strconv.FormatInt(fen, 10)
	}
	return out, nil
}

// amountSpan is a run of capital-amount characters in a text.
type amountSpan struct {
	text       string
	start, end int // byte offsets in the text searched
}

// findCapitalAmounts returns the runs of capital-amount characters in s
// that parse as amounts, with their values, in order.
func findCapitalAmounts(s string) (spans []amountSpan, values []string) {
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !isAmountRune(r) {
				break
			}
			j += n
		}
		if j == i {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
			continue
		}
		run := s[i:j]
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		// A run right after a Chinese character that is no label (索佰融拾万元整:
		// the run 拾万元整) is the tail of a misread amount, not an amount.
		leftOK := i == 0 || !isCJK(before) || strings.ContainsRune(amountLabelChars, before)
		// Likewise a run that stops at a Chinese character without having
		// ended (壹亿贰仟 of 壹亿贰仟参佰万元整) is the head of one.
		after, _ := utf8.DecodeRuneInString(s[j:])
		last, _ := utf8.DecodeLastRuneInString(run)
		rightOK := j == len(s) || !isCJK(after) || strings.ContainsRune("元圆整正角分", last)
		if v, err := ParseCapitalAmount(run); err == nil && hasCapitalDigit(run) && leftOK && rightOK {
			spans = append(spans, amountSpan{text: run, start: i, end: j})
			values = append(values, v)
		}
		i = j
	}
	return spans, values
}

// hasCapitalDigit reports whether s has a digit 壹 to 玖 or a 拾: a run of
// units alone (元整) is no amount.
func hasCapitalDigit(s string) bool {
	for _, r := range s {
		if d, ok := capitalDigits[r]; ok && d > 0 || r == '拾' {
			return true
		}
	}
	return false
}

// Reading capital amounts from pixels.
//
// Tesseract's Simplified Chinese model (tessdata_fast, as Debian ships it)
// has no 叁, 柒, 捌 or 仟 in its character set at all, and reads 壹 and
// 贰 as 索, 融 or 过: it cannot read 大写 amounts. These are twenty
// characters, all square and quite unlike each other, so the line where
// Tesseract found an amount's units (拾万元整, which it does read) is read
// again here by matching each character against the twenty rendered from
// the Chinese fonts on the machine.

// AmountGlyphFonts are the fonts the capital numerals are rendered from,
// when present: a Song face (official documents), a Kai face and a sans
// face. scripts/pdftools.sh installs the first and the last.
var AmountGlyphFonts = []string{
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
	"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
}

// glyphN is the side of the normalised glyph the matching compares.
const glyphN = 24

// glyphChars are the characters the matcher tells apart: the amount
// characters, and the label and punctuation that precede many amounts
// (人民币, （大写）：) so that they are recognised as such, not taken for
// numerals.
const glyphChars = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整" + glyphLabelChars

// glyphLabelChars may stand before an amount; a reading drops them.
const glyphLabelChars = "人民币大写（）：￥"

type glyphTemplate struct {
	r      rune
	v      []float32 // zero mean, unit norm
	aspect float64   // ink width / height
}

var amountTemplates struct {
	sync.Mutex
	byFonts map[string][]glyphTemplate
}

// glyphTemplates renders glyphChars from every AmountGlyphFonts file
// present, once for each list of fonts.
func glyphTemplates() []glyphTemplate {
	key := strings.Join(AmountGlyphFonts, "\n")
	amountTemplates.Lock()
	defer amountTemplates.Unlock()
	if ts, ok := amountTemplates.byFonts[key]; ok {
		return ts
	}
	var ts []glyphTemplate
	for _, path := range AmountGlyphFonts {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		f, err := sfnt.Parse(data)
		if err != nil {
			continue
		}
		var buf sfnt.Buffer
		for _, r := range glyphChars {
			if t, ok := renderTemplate(f, &buf, r); ok {
				ts = append(ts, t)
			}
		}
	}
	if amountTemplates.byFonts == nil {
		amountTemplates.byFonts = map[string][]glyphTemplate{}
	}
	amountTemplates.byFonts[key] = ts
	return ts
}

// renderTemplate rasterises r at 64 pixels per em and normalises it.
func renderTemplate(f *sfnt.Font, buf *sfnt.Buffer, r rune) (glyphTemplate, bool) {
	const ppem = 64
	gi, err := f.GlyphIndex(buf, r)
	if err != nil || gi == 0 {
		return glyphTemplate{}, false
	}
	segs, err := f.LoadGlyph(buf, gi, fixed.I(ppem), nil)
	if err != nil || len(segs) == 0 {
		return glyphTemplate{}, false
	}
	b := segs.Bounds()
	x0, y0 := float32(b.Min.X.Floor()-2), float32(b.Min.Y.Floor()-2)
	w, h := b.Max.X.Ceil()-b.Min.X.Floor()+4, b.Max.Y.Ceil()-b.Min.Y.Floor()+4
	var z vector.Rasterizer
	z.Reset(w, h)
	pt := func(p fixed.Point26_6) (float32, float32) {
		return float32(p.X)/64 - x0, float32(p.Y)/64 - y0
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			z.MoveTo(pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			z.LineTo(pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			ax, ay := pt(s.Args[0])
			bx, by := pt(s.Args[1])
			z.QuadTo(ax, ay, bx, by)
		case sfnt.SegmentOpCubeTo:
			ax, ay := pt(s.Args[0])
			bx, by := pt(s.Args[1])
			cx, cy := pt(s.Args[2])
			z.CubeTo(ax, ay, bx, by, cx, cy)
		}
	}
	z.ClosePath()
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	z.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	ink := func(x, y int) bool { return mask.Pix[y*mask.Stride+x] >= 128 }
	v, aspect, ok := glyphFeature(ink, image.Rect(0, 0, w, h))
	return glyphTemplate{r: r, v: v, aspect: aspect}, ok
}

// glyphFeature normalises the ink inside r: its bounding box is centred in
// a square, sampled to glyphN × glyphN, blurred, and made zero-mean and
// unit-norm so that a dot product is a correlation.
func glyphFeature(ink func(x, y int) bool, r image.Rectangle) ([]float32, float64, bool) {
	bb := image.Rectangle{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ink(x, y) {
				bb = bb.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if bb.Dx() < 2 || bb.Dy() < 2 {
		return nil, 0, false
	}
	side := max(bb.Dx(), bb.Dy())
	ox := bb.Min.X - (side-bb.Dx())/2
	oy := bb.Min.Y - (side-bb.Dy())/2
	grid := make([]float32, glyphN*glyphN)
	cnt := make([]float32, glyphN*glyphN)
	// Sample each cell on a 3×3 grid of points so that a small glyph
	// (a 150 dpi scan: 25 pixels) and a large template compare alike.
	for gy := 0; gy < glyphN; gy++ {
		for gx := 0; gx < glyphN; gx++ {
			for sy := 0; sy < 3; sy++ {
				for sx := 0; sx < 3; sx++ {
					x := ox + int((float64(gx)+(float64(sx)+0.5)/3)*float64(side)/glyphN)
					y := oy + int((float64(gy)+(float64(sy)+0.5)/3)*float64(side)/glyphN)
					i := gy*glyphN + gx
					cnt[i]++
					if image.Pt(x, y).In(bb) && ink(x, y) {
						grid[i]++
					}
				}
			}
		}
	}
	for i := range grid {
		grid[i] /= cnt[i]
	}
	// 3×3 box blur: tolerance for stroke width and a pixel of shift.
	v := make([]float32, len(grid))
	for y := 0; y < glyphN; y++ {
		for x := 0; x < glyphN; x++ {
			var s float32
			var n float32
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx, yy := x+dx, y+dy
					if xx >= 0 && yy >= 0 && xx < glyphN && yy < glyphN {
						s += grid[yy*glyphN+xx]
						n++
					}
				}
			}
			v[y*glyphN+x] = s / n
		}
	}
	var mean float64
	for _, f := range v {
		mean += float64(f)
	}
	mean /= float64(len(v))
	var norm float64
	for i := range v {
		v[i] -= float32(mean)
		norm += float64(v[i]) * float64(v[i])
	}
	if norm == 0 {
		return nil, 0, false
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i] *= inv
	}
	return v, float64(bb.Dx()) / float64(bb.Dy()), true
}

// classifyGlyph returns the template character most like v and its
// correlation (−1 to 1), with a penalty for a different aspect ratio.
func classifyGlyph(v []float32, aspect float64, ts []glyphTemplate) (rune, float64) {
	best, bestScore := rune(0), -2.0
	for _, t := range ts {
		var dot float32
		for i := range v {
			dot += v[i] * t.v[i]
		}
		s := float64(dot) - 0.5*math.Abs(math.Log(aspect/t.aspect))
		if s > bestScore {
			best, bestScore = t.r, s
		}
	}
	return best, bestScore
}

// minGlyphScore is the correlation under which a segment is no amount
// character.
const minGlyphScore = 0.55

// glyphSeg is one character cut from a line and what it matched.
type glyphSeg struct {
	x0, x1 int
	r      rune // '?' when nothing matched well
	score  float64
}

// readAmountPixels reads the characters in region of a grey page as
// capital numerals (or the labels before them): binarise (Otsu), find the
// text band, cut the band into characters where the cut best matches the
// templates (佰 or 叁 have gaps inside them, so the cut is chosen, not
// taken from the gaps), and match each.
func readAmountPixels(grey *image.Gray, region image.Rectangle) []glyphSeg {
	ts := glyphTemplates()
	region = region.Intersect(grey.Bounds())
	if len(ts) == 0 || region.Dx() < 8 || region.Dy() < 8 {
		return nil
	}
	thr := otsu(grey, region)
	ink := func(x, y int) bool { return grey.Pix[grey.PixOffset(x, y)] < thr }
	// The text band: rows with ink in more than 1% of the columns.
	minRow := max(2, region.Dx()/100)
	top, bottom := -1, -1
	for y := region.Min.Y; y < region.Max.Y; y++ {
		n := 0
		for x := region.Min.X; x < region.Max.X; x++ {
			if ink(x, y) {
				n++
			}
		}
		if n >= minRow {
			if top < 0 {
				top = y
			}
			bottom = y + 1
		}
	}
	if top < 0 {
		return nil
	}
	h := bottom - top
	band := image.Rect(region.Min.X, top, region.Max.X, bottom)
	// Blobs: runs of columns with ink.
	type blob struct{ x0, x1, ink int }
	var blobs []blob
	for x := band.Min.X; x < band.Max.X; x++ {
		n := 0
		for y := band.Min.Y; y < band.Max.Y; y++ {
			if ink(x, y) {
				n++
			}
		}
		if n == 0 {
			continue
		}
		if len(blobs) > 0 && blobs[len(blobs)-1].x1 == x {
			blobs[len(blobs)-1].x1 = x + 1
			blobs[len(blobs)-1].ink += n
		} else {
			blobs = append(blobs, blob{x, x + 1, n})
		}
	}
	if len(blobs) == 0 || len(blobs) > 400 {
		return nil
	}
	// cost[i]: the best reading of blobs[:i]; from[i] where its last
	// segment starts (−1: blob i−1 skipped as a speck).
	n := len(blobs)
	cost := make([]float64, n+1)
	from := make([]int, n+1)
	segs := make([]glyphSeg, n+1)
	for i := 1; i <= n; i++ {
		cost[i] = math.Inf(1)
		if b := blobs[i-1]; b.ink*50 < h*h {
			if c := cost[i-1] + 0.3; c < cost[i] {
				cost[i], from[i] = c, -1
			}
		}
		for j := i - 1; j >= 0; j-- {
			w := blobs[i-1].x1 - blobs[j].x0
			if w > h*13/10 {
				break
			}
			if math.IsInf(cost[j], 1) {
				continue
			}
			r := image.Rect(blobs[j].x0, band.Min.Y, blobs[i-1].x1, band.Max.Y)
			v, aspect, ok := glyphFeature(ink, r)
			if !ok {
				continue
			}
			ch, score := classifyGlyph(v, aspect, ts)
			c := cost[j] + (1 - score)
			if w*100 < h*55 && !strings.ContainsRune("（）：", ch) {
				c += 0.5 // narrower than any Chinese character
			}
			if c < cost[i] {
				cost[i], from[i], segs[i] = c, j, glyphSeg{blobs[j].x0, blobs[i-1].x1, ch, score}
			}
		}
	}
	var out []glyphSeg
	for i := n; i > 0; {
		if from[i] < 0 {
			i--
			continue
		}
		s := segs[i]
		if s.score < minGlyphScore {
			s.r = '?'
		}
		out = append(out, s)
		i = from[i]
	}
	slices.Reverse(out)
	return out
}

// amountFromSegs turns the characters read around a run of words that
// Tesseract placed in [x0, x1) into an amount: characters mostly inside
// the run are the amount, save for labels (人民币, （大写）：) at its
// start; confident numerals just outside it on the left are added (a
// numeral Tesseract missed, or whose box it drew too narrow). Anything
// not matched inside the run rejects the reading: a dropped numeral would
// change the amount.
func amountFromSegs(segs []glyphSeg, x0, x1 int) (text string, score float64, from, to int, ok bool) {
	inside := func(s glyphSeg) bool {
		ov := min(s.x1, x1) - max(s.x0, x0)
		return 2*ov >= s.x1-s.x0
	}
	first, last := -1, -1
	for i, s := range segs {
		if inside(s) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return "", 0, 0, 0, false
	}
	// Leading labels inside the run.
	for first <= last && strings.ContainsRune(glyphLabelChars, segs[first].r) {
		first++
	}
	// Confident numerals just left of the run.
	for first > 0 {
		s := segs[first-1]
		if s.r == '?' || strings.ContainsRune(glyphLabelChars, s.r) || s.score < 0.7 {
			break
		}
		first--
	}
	// Confident numerals just right of it.
	for last+1 < len(segs) {
		s := segs[last+1]
		if !isAmountRune(s.r) || s.score < 0.7 || strings.ContainsRune("整正", segs[last].r) {
			break
		}
		last++
	}
	// Past 整 or 正 is the next field.
	for i := first; i <= last; i++ {
		if strings.ContainsRune("整正", segs[i].r) {
			last = i
			break
		}
	}
	// The amount must be whole: what stands just before it is a label or
	// a space, and it ends as amounts end.
	if first > 0 {
		p := segs[first-1]
		h := segs[first].x1 - segs[first].x0
		if !strings.ContainsRune(glyphLabelChars, p.r) && segs[first].x0-p.x1 < h*4/5 {
			return "", 0, 0, 0, false
		}
	}
	if !strings.ContainsRune("元圆整正角分", segs[last].r) {
		return "", 0, 0, 0, false
	}
	var b strings.Builder
	var sum float64
	for _, s := range segs[first : last+1] {
		if !isAmountRune(s.r) {
			return "", 0, 0, 0, false
		}
		b.WriteRune(s.r)
		sum += s.score
	}
	text = b.String()
	if _, err := ParseCapitalAmount(text); err != nil || !hasCapitalDigit(text) {
		return "", 0, 0, 0, false
	}
	return text, sum / float64(last+1-first), segs[first].x0, segs[last].x1, true
}

// otsu returns the threshold that best splits the grey levels in r into
// ink and paper.
func otsu(g *image.Gray, r image.Rectangle) uint8 {
	var hist [256]int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := g.PixOffset(r.Min.X, y)
		for _, p := range g.Pix[o : o+r.Dx()] {
			hist[p]++
		}
	}
	total := r.Dx() * r.Dy()
	var sum float64
	for i, c := range hist {
		sum += float64(i * c)
	}
	var sumB float64
	wB := 0
	best, bestVar := 128, -1.0
	for t := 0; t < 256; t++ {
		wB += hist[t]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB := sumB / float64(wB)
		mF := (sum - sumB) / float64(wF)
		v := float64(wB) * float64(wF) * (mB - mF) * (mB - mF)
		if v > bestVar {
			best, bestVar = t, v
		}
	}
	return uint8(best + 1)
}
