package prereview

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// OCRTools is the script that installs Tesseract and its Chinese data; the
// messages that say OCR is unavailable name it.
const OCRTools = "scripts/ocrtools.sh"

// ocrLangs are the Tesseract languages that must be installed: Simplified
// Chinese (licences, certificates) and English.
var ocrLangs = []string{"chi_sim", "eng"}

// PageLangs is what a page is read with. Simplified Chinese alone: its
// model reads Latin letters and figures too (credit codes, dates), while
// chi_sim+eng lets the English model take Chinese dates and labels for
// Latin junk (2015年03月 read as 20154203 A). A page that comes out mostly
// Latin is read again with LatinLangs.
const (
	PageLangs  = "chi_sim"
	LatinLangs = "eng+chi_sim"
)

// OCR defaults.
const (
	// DefaultOCRTimeout bounds one page when the context has no earlier
	// deadline: Tesseract takes 1–2 s of CPU for an A4 page at 150–300 dpi
	// (BenchmarkOCRPage), several times that in wall time on a busy
	// machine.
	DefaultOCRTimeout = 60 * time.Second
	// OCRDPI is the resolution to rasterise a page at for OCR. On the
	// rendered licence of the tests, 150, 200 and 300 dpi all read every
	// field of a clean page; Tesseract's CPU time per page was 1.2, 1.45
	// and 2.1 s. 200 dpi keeps a margin for small print and poor scans at
	// two thirds of the cost of 300. At the 100 dpi the other checks use,
	// Tesseract misses most Chinese characters.
	OCRDPI = 200
	// maxOCRPixels refuses to hand Tesseract an image larger than an A3
	// page at 300 dpi; the caller rasterises at OCRDPI.
	maxOCRPixels = 5000 * 7000
)

// ErrOCRUnavailable is returned (wrapped, with the reason) when Tesseract or
// its Chinese data is missing.
var ErrOCRUnavailable = errors.New("ocr unavailable")

// availability caches OCRAvailable for a while: the check runs a
// subprocess, and a page check asks it once per file.
var availability struct {
	sync.Mutex
	at  time.Time
	ok  bool
	why string
}

// availabilityTTL is how long an OCRAvailable answer is reused: long enough
// not to fork per upload, short enough that installing the packages takes
// effect without a restart.
const availabilityTTL = time.Minute

// OCRAvailable reports whether the tesseract binary and the data of every
// language needed (chi_sim, eng) are installed (`tesseract --list-langs`). why says
// what is missing and how to install it, in English (for logs and the
// server's start-up line); OCRUnavailableFinding is what applicants see.
func OCRAvailable() (ok bool, why string) {
	availability.Lock()
	defer availability.Unlock()
	if !availability.at.IsZero() && time.Since(availability.at) < availabilityTTL {
		return availability.ok, availability.why
	}
	availability.ok, availability.why = checkOCR()
	availability.at = time.Now()
	return availability.ok, availability.why
}

func checkOCR() (bool, string) {
	bin, err := exec.LookPath("tesseract")
	if err != nil {
		return false, "tesseract is not installed (run " + OCRTools + ", or apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// --list-langs prints to stdout on 4.x and 5.x; older builds used
	// stderr, so read both.
	out, err := exec.CommandContext(ctx, bin, "--list-langs").CombinedOutput()
	if err != nil {
		return false, fmt.Sprintf("tesseract --list-langs failed: %v: %s", err, firstLine(out))
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	var missing []string
	for _, l := range ocrLangs {
		if !have[l] {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		return false, "tesseract has no data for " + strings.Join(missing, ", ") + " (run " + OCRTools + ", or apt-get install tesseract-ocr-chi-sim)"
	}
	return true, ""
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

// OCROptions tunes one OCR run. The zero value is the default.
type OCROptions struct {
	// DPI is the resolution the image was rasterised or scanned at; it
	// lets Tesseract size its character models (0: let it guess, which
	// prints a warning and reads small text worse).
	DPI int
	// Timeout bounds the run when ctx has no earlier deadline (0:
	// DefaultOCRTimeout).
	Timeout time.Duration
	// KeepRed reads red print too. By default the image is reduced to its
	// red channel, where red seals vanish and black or blue text stays, so
	// a seal stamped across a name does not garble it.
	KeepRed bool
	// PSM is Tesseract's page segmentation mode (0: 3, fully automatic).
	PSM int
	// Langs overrides the languages ("": PageLangs, then LatinLangs for
	// a page that comes out mostly Latin).
	Langs string
}

// OCRLine is one line of text Tesseract found, with where it is.
type OCRLine struct {
	Text  string    `json:"text"`
	Box   Box       `json:"box"`  // pixels of the image read
	Conf  float64   `json:"conf"` // mean word confidence, 0–100
	Words []OCRWord `json:"-"`

	blockEnd bool // the last line of a block
}

// OCRWord is one word (for Chinese, often one character) of a line.
type OCRWord struct {
	Text string
	Box  Box
	Conf float64 // 0–100

	ownCell bool // set off from the words before it (an amount read again)
}

// OCRResult is the text of one page image.
type OCRResult struct {
	Text     string        `json:"text"` // lines joined by "\n", blocks by a blank line
	Lines    []OCRLine     `json:"lines"`
	Conf     float64       `json:"conf"`     // mean confidence of the words, 0–100 (0: no text)
	Duration time.Duration `json:"duration"` // wall time
	CPU      time.Duration `json:"cpu"`      // Tesseract's user+system time
	Rereads  int           `json:"rereads"`  // amounts read a second time from the pixels (readAmountPixels)
}

// OCR reads the text of a page image with Tesseract (PageLangs) in a
// subprocess, bounded by ctx and DefaultOCRTimeout. Spaces Tesseract puts
// between Chinese characters are removed. Rasterise a page at OCRDPI for
// it: at 100 dpi Tesseract misses most Chinese characters.
func OCR(ctx context.Context, img image.Image) (string, error) {
	r, err := OCRPage(ctx, img, OCROptions{})
	if err != nil {
		return "", err
	}
	return r.Text, nil
}

// OCRPage is OCR with options, returning the lines and their boxes too so
// that a finding can point at the line it is about (FieldRegions).
//
// Amounts in capital numerals (壹佰贰拾万元整) are where Tesseract's
// Chinese model fails: it has no 叁, 柒, 捌 or 仟 at all, and reads 壹 and
// 贰 as 索, 融 or 过. Around the units it does read (拾万元整), the line is
// read again from the pixels by matching each character against the
// twenty numerals rendered from the machine's Chinese fonts
// (readAmountPixels); that reading replaces Tesseract's when it is a whole
// amount, and an amount that cannot be read whole is left out rather than
// guessed.
func OCRPage(ctx context.Context, img image.Image, opt OCROptions) (*OCRResult, error) {
	if ok, why := OCRAvailable(); !ok {
		return nil, fmt.Errorf("%w: %s", ErrOCRUnavailable, why)
	}
	b := img.Bounds()
	if b.Empty() {
		return &OCRResult{}, nil
	}
	if int64(b.Dx())*int64(b.Dy()) > maxOCRPixels {
		return nil, fmt.Errorf("ocr: image of %d×%d pixels is too large to read (rasterise at %d dpi)", b.Dx(), b.Dy(), OCRDPI)
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultOCRTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	start := time.Now()
	grey := toGrey(img, !opt.KeepRed)
	psm := opt.PSM
	if psm == 0 {
		psm = 3
	}
	langs := opt.Langs
	if langs == "" {
		langs = PageLangs
	}
	pgm := encodePGM(grey, 0)
	r, err := readPage(ctx, grey, pgm, langs, psm, opt.DPI)
	if err != nil {
		return nil, err
	}
	if opt.Langs == "" && latinShare(r.Text) > 0.6 {
		// An English document, or a page the Chinese model could not read.
		if again, err := readPage(ctx, grey, pgm, LatinLangs, psm, opt.DPI); err == nil {
			again.CPU += r.CPU
			if again.Conf > r.Conf {
				r = again
			} else {
				r.CPU = again.CPU
			}
		}
	}
	r.Duration = time.Since(start)
	return r, nil
}

// readPage runs Tesseract on a whole page and reads its amounts again.
func readPage(ctx context.Context, grey *image.Gray, pgm []byte, langs string, psm, dpi int) (*OCRResult, error) {
	args := []string{"-l", langs, "--psm", strconv.Itoa(psm)}
	if dpi > 0 {
		args = append(args, "--dpi", strconv.Itoa(dpi))
	}
	out, cpu, err := runTesseract(ctx, pgm, args)
	if err != nil {
		return nil, err
	}
	r := parseTSV(out)
	r.CPU = cpu
	for i := range r.Lines {
		r.Rereads += rereadAmounts(grey, &r.Lines[i])
	}
	r.Text = joinLines(r.Lines)
	return r, nil
}

// latinShare is the share of Latin letters among the letters of s (0 for
// a text of fewer than 40).
func latinShare(s string) float64 {
	latin, all := 0, 0
	for _, r := range s {
		switch {
		case r < 0x80 && unicode.IsLetter(r):
			latin++
			all++
		case isCJK(r):
			all++
		}
	}
	if all < 40 {
		return 0
	}
	return float64(latin) / float64(all)
}

// runTesseract runs tesseract on a PGM from stdin and returns its TSV.
func runTesseract(ctx context.Context, pgm []byte, args []string) ([]byte, time.Duration, error) {
	start := time.Now()
	cmd := exec.CommandContext(ctx, "tesseract", append(append([]string{"stdin", "stdout"}, args...), "tsv")...)
	cmd.Stdin = bytes.NewReader(pgm)
	// One thread: Tesseract's OpenMP threads fight each other and the
	// other checks on a small machine, and are slower in total.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.WaitDelay = 2 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var cpu time.Duration
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, cpu, fmt.Errorf("ocr: tesseract stopped after %s: %w", time.Since(start).Round(time.Millisecond), ctx.Err())
		}
		return nil, cpu, fmt.Errorf("ocr: tesseract: %v: %s", err, firstLine(stderr.Bytes()))
	}
	return stdout.Bytes(), cpu, nil
}

// sureConf is the word confidence from which Tesseract's own reading of
// an amount is kept.
const sureConf = 85

// amountLabelChars end an amount's run of words on the left: the label
// before the numerals (人民币, （大写）, 注册资本).
const amountLabelChars = "人民币大写小金额本资价款合计总为共约:：（）()¥￥"

// amountLabels are the labels an amount follows; a line with one is read
// for an amount even when Tesseract read no unit in it (at 150 dpi it
// sometimes reads a line of capital numerals as Latin letters).
var amountLineLabels = []string{"大写", "人民币", "注册资本", "出资额", "价款", "金额", "合计"}

// rereadAmounts finds in line the runs of words around the units of an
// amount in capital numerals (拾佰万亿元圆整, which Tesseract reads well)
// or after an amount's label, reads each run again from the pixels
// (readAmountPixels) and substitutes that reading when it parses as an
// amount, unless Tesseract's own reading parses and every word of it is
// sure. It returns how many runs it read again.
func rereadAmounts(grey *image.Gray, line *OCRLine) int {
	ws := line.Words
	if len(ws) == 0 {
		return 0
	}
	lh := line.Box[3] - line.Box[1]
	n := 0
	done := false
	for i := 0; i < len(ws); i++ {
		if !strings.ContainsAny(ws[i].Text, "拾佰万亿元圆整") {
			continue
		}
		// Grow the run left and right over words that may be numerals.
		a, b := i, i+1
		// The same gap as lineText's tab ends a run.
		for a > 0 && runWord(ws[a-1]) && 2*gap(ws[a-1], ws[a]) <= 3*lh {
			a--
		}
		for b < len(ws) && runWord(ws[b]) && 2*gap(ws[b-1], ws[b]) <= 3*lh && !strings.ContainsAny(ws[b-1].Text, "整正") {
			b++
		}
		if b-a < 2 {
			continue // a lone 元 after figures
		}
		n++
		before := len(ws)
		var ok bool
		ws, ok = rereadRun(grey, ws, a, b, lh)
		done = done || ok
		// Go on after the run, whether it was replaced by one word or not.
		i = b - 1 - (before - len(ws))
	}
	if !done {
		// A label with no amount read after it: read what follows it.
		for i, w := range ws {
			lt := w.Text
			if i > 0 {
				lt = ws[i-1].Text + lt
			}
			if !containsAny(lt, amountLineLabels) || i+1 >= len(ws) {
				continue
			}
			b := i + 1
			for b < len(ws) && gap(ws[b-1], ws[b]) <= lh*2 {
				b++
			}
			n++
			ws, _ = rereadRun(grey, ws, i+1, b, lh)
			break
		}
	}
	line.Words = ws
	line.Text = lineText(ws)
	return n
}

// rereadRun reads ws[a:b] again from the pixels as an amount and, when
// that parses, replaces the run by one word holding it. Tesseract's own
// reading stands when it parses and is sure.
func rereadRun(grey *image.Gray, ws []OCRWord, a, b, lh int) ([]OCRWord, bool) {
	run := ws[a:b]
	var tess strings.Builder
	sure := true
	var box image.Rectangle
	for _, w := range run {
		tess.WriteString(w.Text)
		sure = sure && w.Conf >= sureConf
		box = box.Union(w.Box.Rect())
	}
	if _, err := ParseCapitalAmount(tess.String()); err == nil && sure {
		return ws, true
	}
	// Wider than the run: Tesseract's boxes of characters it misread are
	// often too narrow, and a numeral it dropped may lie just outside.
	region := image.Rect(box.Min.X-lh*3/2, box.Min.Y-lh/4, box.Max.X+lh*3/4, box.Max.Y+lh/4)
	segs := readAmountPixels(grey, region)
	text, score, x0, x1, ok := amountFromSegs(segs, box.Min.X, box.Max.X)
	if !ok {
		return ws, false
	}
	// A cell of its own: what Tesseract read just before it may be a
	// garbled label (人民市), which must not make the amount look like the
	// tail of a longer one.
	merged := OCRWord{Text: text, Box: Box{x0, box.Min.Y, x1, box.Max.Y}, Conf: 100 * score, ownCell: true}
	return append(ws[:a:a], append([]OCRWord{merged}, ws[b:]...)...), true
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// runWord: a word that may be part of an amount: amount characters, or one
// or two Chinese characters that are not an amount's label.
func runWord(w OCRWord) bool {
	if allAmountRunes(w.Text) {
		return true
	}
	if utf8.RuneCountInString(w.Text) > 2 {
		return false
	}
	for _, r := range w.Text {
		if !isCJK(r) || strings.ContainsRune(amountLabelChars, r) {
			return false
		}
	}
	return true
}

// gap is the horizontal space between two words of a line.
func gap(a, b OCRWord) int {
	return b.Box[0] - a.Box[2]
}

func allAmountRunes(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !isAmountRune(r) {
			return false
		}
	}
	return true
}

// lineText joins the words of a line (JoinOCRWords) and marks a gap wider
// than one and a half line heights with a tab: the space between a label
// and its value, or between the two columns of a licence read as one line.
func lineText(ws []OCRWord) string {
	if len(ws) == 0 {
		return ""
	}
	var box image.Rectangle
	for _, w := range ws {
		box = box.Union(w.Box.Rect())
	}
	// The height of a line's characters: the median word height, not the
	// line box, which a tall bracket or a tilted scan stretches.
	hs := make([]int, len(ws))
	for i, w := range ws {
		hs[i] = w.Box[3] - w.Box[1]
	}
	slices.Sort(hs)
	lh := hs[len(hs)/2]
	var cells []string
	start := 0
	for i := 1; i <= len(ws); i++ {
		if i == len(ws) || 2*gap(ws[i-1], ws[i]) > 3*lh || ws[i].ownCell {
			cells = append(cells, JoinOCRWords(wordTexts(ws[start:i])))
			start = i
		}
	}
	return strings.Join(cells, "\t")
}

func wordTexts(ws []OCRWord) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Text
	}
	return out
}

// toGrey converts img to 8-bit grey. With dropRed the grey value of a
// reddish pixel is its red channel: black and blue ink stay dark, red seals
// turn near white.
func toGrey(img image.Image, dropRed bool) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	g := image.NewGray(image.Rect(0, 0, w, h))
	px := g.Pix
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(px[y*w:(y+1)*w], m.Pix[y*m.Stride:y*m.Stride+w])
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := 0; x < w; x++ {
				px[y*w+x] = greyOf(row[4*x], row[4*x+1], row[4*x+2], dropRed)
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := 0; x < w; x++ {
				px[y*w+x] = greyOf(row[4*x], row[4*x+1], row[4*x+2], dropRed)
			}
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				yi, ci := m.YOffset(b.Min.X+x, b.Min.Y+y), m.COffset(b.Min.X+x, b.Min.Y+y)
				if !dropRed {
					px[y*w+x] = m.Y[yi]
					continue
				}
				r, gr, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				px[y*w+x] = greyOf(r, gr, bl, true)
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r, gr, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				px[y*w+x] = greyOf(uint8(r>>8), uint8(gr>>8), uint8(bl>>8), dropRed)
			}
		}
	}
	return g
}

// encodePGM writes a grey image as a binary PGM, which Tesseract reads
// from stdin without a PNG encode and decode, with a white margin of pad
// pixels (Tesseract reads a tight crop badly).
func encodePGM(g *image.Gray, pad int) []byte {
	b := g.Bounds()
	w, h := b.Dx()+2*pad, b.Dy()+2*pad
	hdr := fmt.Sprintf("P5\n%d %d\n255\n", w, h)
	out := make([]byte, len(hdr)+w*h)
	copy(out, hdr)
	px := out[len(hdr):]
	if pad > 0 {
		for i := range px {
			px[i] = 255
		}
	}
	for y := 0; y < b.Dy(); y++ {
		o := g.PixOffset(b.Min.X, b.Min.Y+y)
		copy(px[(y+pad)*w+pad:], g.Pix[o:o+b.Dx()])
	}
	return out
}

// greyOf converts a pixel to grey: luminance, or with dropRed the red
// channel (where red is light) — but only for reddish pixels, so that
// green or grey print keeps its contrast.
func greyOf(r, g, b uint8, dropRed bool) uint8 {
	lum := uint8((299*int(r) + 587*int(g) + 114*int(b)) / 1000)
	if dropRed && int(r) > int(g)+40 && int(r) > int(b)+40 {
		return r
	}
	return lum
}

// parseTSV builds the lines from Tesseract's TSV output: level,
// page_num, block_num, par_num, line_num, word_num, left, top, width,
// height, conf, text. Words come in reading order, block by block.
func parseTSV(tsv []byte) *OCRResult {
	type key struct{ block, par, line int }
	var order []key
	lines := map[key]*OCRLine{}
	var confSum float64
	var confN int
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "\t", 12)
		if len(f) < 12 || f[0] != "5" {
			continue
		}
		text := strings.TrimSpace(f[11])
		if text == "" {
			continue
		}
		var n [10]int
		for i := 1; i <= 9; i++ {
			n[i], _ = strconv.Atoi(f[i])
		}
		conf, _ := strconv.ParseFloat(f[10], 64)
		k := key{n[2], n[3], n[4]}
		l := lines[k]
		if l == nil {
			l = &OCRLine{}
			lines[k] = l
			order = append(order, k)
		}
		w := OCRWord{Text: text, Box: Box{n[6], n[7], n[6] + n[8], n[7] + n[9]}, Conf: max(conf, 0)}
		l.Words = append(l.Words, w)
		confSum += w.Conf
		confN++
	}
	r := &OCRResult{}
	prevBlock := -1
	for _, k := range order {
		l := lines[k]
		l.Text = lineText(l.Words)
		var box image.Rectangle
		var c float64
		for _, w := range l.Words {
			box = box.Union(w.Box.Rect())
			c += w.Conf
		}
		l.Box = BoxOf(box)
		l.Conf = c / float64(len(l.Words))
		if k.block != prevBlock && len(r.Lines) > 0 {
			// A blank line between blocks, as Tesseract's text output.
			r.Lines[len(r.Lines)-1].blockEnd = true
		}
		prevBlock = k.block
		r.Lines = append(r.Lines, *l)
	}
	r.Text = joinLines(r.Lines)
	if confN > 0 {
		r.Conf = confSum / float64(confN)
	}
	return r
}

// joinLines joins lines by "\n", blocks by a blank line.
func joinLines(ls []OCRLine) string {
	var sb strings.Builder
	for i, l := range ls {
		if i > 0 {
			sb.WriteByte('\n')
			if ls[i-1].blockEnd {
				sb.WriteByte('\n')
			}
		}
		sb.WriteString(l.Text)
	}
	return sb.String()
}

// JoinOCRWords joins the words of one line: with a space between Latin
// words and figures, with none where either side is Chinese (Tesseract
// splits Chinese into one "word" per character or few).
func JoinOCRWords(words []string) string {
	var sb strings.Builder
	var prev rune
	for _, w := range words {
		if w == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		if sb.Len() > 0 && !isCJK(prev) && !isCJK(first) && !isFullWidthPunct(prev) && !isFullWidthPunct(first) {
			sb.WriteByte(' ')
		}
		sb.WriteString(w)
		prev, _ = utf8.DecodeLastRuneInString(w)
	}
	return sb.String()
}

// CollapseCJKSpaces removes the spaces between Chinese characters (and
// Chinese punctuation) of a text, keeping those between Latin words and
// figures, the line breaks, and the tabs that mark wide gaps.
func CollapseCJKSpaces(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		cells := strings.Split(l, "\t")
		for j, c := range cells {
			cells[j] = JoinOCRWords(strings.Fields(c))
		}
		lines[i] = strings.Join(cells, "\t")
	}
	return strings.Join(lines, "\n")
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || r == '〇'
}

func isFullWidthPunct(r rune) bool {
	return (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}
