// Package cert renders electronic certificates (电子证照): the licence,
// approval, filing or opinion document an approved item produces, as a PDF
// with real, extractable Chinese text, a red official seal drawn as vectors,
// a QR code pointing at the verification page and the SM2 signature printed
// in small type.
package cert

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/calendar"
)

// The document kinds. A licence is a framed 许可证; the others are letters
// under the issuer's red letterhead.
const (
	KindLicence  = "licence"  // 许可证, framed, 中华人民共和国 header
	KindApproval = "approval" // 批复: "经审查，同意……"
	KindFiling   = "filing"   // 备案证明: "予以备案"
	KindOpinion  = "opinion"  // 审查意见: "经审查，提出意见如下"
)

// Document is everything printed on a certificate. All strings are final:
// the renderer adds only fixed wording around them.
type Document struct {
	Number      string    // certificate number, ASCII, e.g. "ZRGH-2026-000017"
	Kind        string    // KindLicence, KindApproval, KindFiling or KindOpinion
	Title       string    // e.g. "建设工程规划许可证"
	HolderName  string    // 建设单位, e.g. "厦门海沧建设发展有限公司"
	HolderUSCC  string    // 统一社会信用代码
	ProjectName string    // 项目名称
	ProjectCode string    // 项目代码 e.g. "2026-350205-47-01-000123"
	Location    string    // 建设位置 (may be empty)
	Scale       string    // 建设规模 (may be empty; "\n" breaks lines)
	ItemName    string    // 事项, e.g. "建设工程规划许可证核发"
	Basis       string    // legal basis, e.g. "《中华人民共和国城乡规划法》第四十条"
	Issuer      string    // 发证机关, the department's full name
	IssuedAt    time.Time // printed as 2026年11月27日 in Asia/Shanghai; also the PDF dates
	VerifyURL   string    // what the QR code encodes
	KeyID       string    // id of the SM2 key that signed it
	Signature   []byte    // the SM2 signature (DER), printed as base64
	ContentSM3  string    // hex SM3 of the signed content
}

// KeywordsPrefix starts the PDF Keywords entry; the certificate number follows.
const KeywordsPrefix = "tongban-cert:"

// Limits that keep a render bounded whatever the caller passes.
const (
	maxFieldRunes = 1000
	maxURLBytes   = 1000
	maxSigBytes   = 1024
)

var numberRE = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,64}$`)

// Render returns the certificate as PDF bytes. The output depends only on d
// and the font files: the PDF dates are d.IssuedAt and nothing is random.
func Render(d Document, f *Font) ([]byte, error) {
	out, err := render(d, f)
	if err != nil {
		return nil, err
	}
	return out.pdf, nil
}

// rendered is a render's output plus what tests inspect.
type rendered struct {
	wholeFonts bool // the fast path with cut-down fonts was abandoned
	pdf        []byte
	pages      int
	boxes      []box
	cells      []rect
}

func render(d Document, f *Font) (*rendered, error) { return renderCut(d, f, true) }

// renderCut renders with the fonts cut down to the certificate's
// characters (cut) or whole.
func renderCut(d Document, f *Font, cut bool) (out *rendered, err error) {
	// The PDF library panics on some malformed input instead of returning
	// an error; a certificate that cannot be rendered must not take the
	// server down.
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, apperr.Wrap(fmt.Errorf("panic: %v", p), "cert: render")
		}
	}()
	if f == nil || len(f.faces) == 0 {
		return nil, apperr.New(apperr.Invalid, "cert.no_font", "未加载电子证照字体", "no certificate font is loaded")
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	d = d.clean()
	qr, err := qrcode.New(d.VerifyURL, qrcode.Medium)
	if err != nil {
		return nil, apperr.Wrap(err, "cert: qr code")
	}
	qr.DisableBorder = true
	bits := qr.Bitmap()

	// Each face goes to the PDF library cut down to the characters this
	// certificate can print. Should a character be drawn that the cut
	// missed (a wording added without listing it), the certificate is
	// rendered again with the whole fonts: slower, never wrong.
	runes := d.runes()
	faces, whole := f.whole(), true
	if cut {
		faces, whole = f.subsets(runes), false
	}
	// The page count is printed on every page of a multi-page certificate;
	// it is known only after layout, so such a certificate is laid out twice.
	total := 1
	for {
		r := newRenderer(d, f, bits, total)
		r.faceData, r.allowed = faces, runes
		if err := r.document(); err != nil {
			return nil, err
		}
		if r.uncovered && !whole {
			faces, whole = f.whole(), true
			continue
		}
		if n := r.pdf.PageNo(); n != total && total == 1 {
			total = n
			continue
		}
		out, err := r.finish()
		if err != nil {
			return nil, err
		}
		out.wholeFonts = whole
		return out, nil
	}
}

// missingChar stands for a character the fonts cannot draw.
const missingChar = '□'

// fixedWording is every character the renderer prints of its own beyond
// what statute, letterBody, footerParas and licenceRows return.
const fixedWording = "中华人民共和国编号续页第共年月日文号发证机关期扫码核验电子证照专用章　：（）—□" +
	" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

// runes returns the set of characters the certificate can print.
func (d Document) runes() map[rune]bool {
	var b strings.Builder
	for _, s := range []string{fixedWording, d.Number, d.Title, d.HolderName, d.HolderUSCC, d.ProjectName, d.ProjectCode,
		d.Location, d.Scale, d.ItemName, d.Basis, d.Issuer, d.VerifyURL, d.KeyID, d.ContentSM3, d.statute()} {
		b.WriteString(s)
	}
	paras, closing := d.letterBody()
	for _, s := range append(paras, closing) {
		b.WriteString(s)
	}
	for _, s := range d.footerParas() {
		b.WriteString(s)
	}
	for _, rw := range d.licenceRows() {
		b.WriteString(rw.label)
		b.WriteString(orDash(rw.value))
	}
	set := map[rune]bool{}
	for _, c := range b.String() {
		set[c] = true
	}
	return set
}

func (d Document) check() error {
	bad := func(field, zh, en string) error {
		return apperr.New(apperr.Invalid, "cert.invalid", "电子证照内容有误", "invalid certificate content").WithField(field, "invalid", zh, en)
	}
	switch d.Kind {
	case KindLicence, KindApproval, KindFiling, KindOpinion:
	default:
		return bad("kind", "证照类型应为 licence、approval、filing 或 opinion", "the kind must be licence, approval, filing or opinion")
	}
	if !numberRE.MatchString(d.Number) {
		return bad("number", "证照编号应为 1–64 位字母、数字或 . _ / -", "the number must be 1–64 letters, digits or . _ / -")
	}
	if strings.TrimSpace(d.Title) == "" {
		return bad("title", "缺少证照名称", "the title is missing")
	}
	if strings.TrimSpace(d.Issuer) == "" {
		return bad("issuer", "缺少发证机关", "the issuer is missing")
	}
	if d.IssuedAt.IsZero() {
		return bad("issued_at", "缺少发证日期", "the issue date is missing")
	}
	if d.VerifyURL == "" || len(d.VerifyURL) > maxURLBytes {
		return bad("verify_url", fmt.Sprintf("核验地址应为 1–%d 字节", maxURLBytes), fmt.Sprintf("the verification URL must be 1–%d bytes", maxURLBytes))
	}
	if len(d.Signature) > maxSigBytes {
		return bad("signature", "签名值过长", "the signature is too long")
	}
	fields := []struct{ name, v string }{
		{"title", d.Title}, {"holder_name", d.HolderName}, {"holder_uscc", d.HolderUSCC},
		{"project_name", d.ProjectName}, {"project_code", d.ProjectCode}, {"location", d.Location},
		{"scale", d.Scale}, {"item_name", d.ItemName}, {"basis", d.Basis}, {"issuer", d.Issuer},
		{"verify_url", d.VerifyURL}, {"key_id", d.KeyID}, {"content_sm3", d.ContentSM3},
	}
	for _, fl := range fields {
		if !utf8.ValidString(fl.v) {
			return bad(fl.name, "含有无效的 UTF-8 字符", "it is not valid UTF-8")
		}
		if utf8.RuneCountInString(fl.v) > maxFieldRunes {
			return bad(fl.name, fmt.Sprintf("不能超过 %d 个字符", maxFieldRunes), fmt.Sprintf("it must be at most %d characters", maxFieldRunes))
		}
	}
	return nil
}

// clean replaces control characters, which have no glyph, with spaces;
// line breaks survive in Scale only, the one field written as several lines.
func (d Document) clean() Document {
	flat := func(s string) string {
		return strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				return ' '
			}
			return r
		}, s))
	}
	multi := func(s string) string {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			lines[i] = flat(l)
		}
		return strings.TrimSpace(strings.Join(lines, "\n"))
	}
	d.Title, d.HolderName, d.HolderUSCC = flat(d.Title), flat(d.HolderName), flat(d.HolderUSCC)
	d.ProjectName, d.ProjectCode, d.Location = flat(d.ProjectName), flat(d.ProjectCode), flat(d.Location)
	d.Scale, d.ItemName, d.Basis, d.Issuer = multi(d.Scale), flat(d.ItemName), flat(d.Basis), flat(d.Issuer)
	d.KeyID, d.ContentSM3 = flat(d.KeyID), flat(d.ContentSM3)
	return d
}

// Page geometry in millimetres (A4 portrait).
const (
	pageW     = 210.0
	pageH     = 297.0
	left      = 22.0
	right     = 188.0
	contentW  = right - left
	ptMM      = 25.4 / 72 // one point in mm
	ascentEm  = 0.88      // ideographic em box above the baseline
	frameOut  = 9.0       // outer frame line, from the page edge
	frameIn   = 11.0      // inner frame line
	bottomLim = pageH - frameIn - 4
)

type rgb struct{ r, g, b int }

var (
	black     = rgb{0, 0, 0}
	grey      = rgb{105, 105, 105}
	sealRed   = rgb{214, 24, 30}
	headRed   = rgb{200, 16, 22}
	frameClr  = rgb{150, 36, 30}
	ruleGrey  = rgb{170, 170, 170}
	tableLine = rgb{60, 60, 60}
)

// box is a placed piece of text, in mm from the top-left of its page.
type box struct {
	page       int
	x, y, w, h float64
	layer      string // "body", "label", "header", "footer", "qr" or "seal"
	cell       int    // index into rendered.cells, or -1
	text       string
}

type rect struct {
	page       int
	x, y, w, h float64
}

type renderer struct {
	faceData  [][]byte      // font file handed to the PDF library, per face
	allowed   map[rune]bool // what faceData covers
	uncovered bool          // a character outside allowed was drawn
	d         Document
	font      *Font
	pdf       *fpdf.Fpdf
	qr        [][]bool
	total     int
	added     []bool
	boxes     []box
	cells     []rect
	cell      int // cell that text being placed belongs to, or -1
	layer     string
	date      string
	bottom    float64 // lowest y body text may reach on the current page
}

func newRenderer(d Document, f *Font, qr [][]bool, total int) *renderer {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCatalogSort(true)
	p.SetCompression(true)
	p.SetAutoPageBreak(false, 0)
	p.SetMargins(0, 0, 0)
	issued := d.IssuedAt.In(calendar.Location())
	// The library writes PDF dates without a zone, which readers take as
	// UTC: give them UTC.
	p.SetCreationDate(d.IssuedAt.UTC())
	p.SetModificationDate(d.IssuedAt.UTC())
	p.SetCreator("Tongban", false)
	p.SetProducer("Tongban", false)
	p.SetTitle(d.Title, true)
	p.SetSubject(d.Title, true)
	p.SetAuthor(d.Issuer, true)
	p.SetKeywords(KeywordsPrefix+d.Number, false)
	p.SetLang("zh-CN")
	return &renderer{
		d: d, font: f, pdf: p, qr: qr, total: total,
		added: make([]bool, len(f.faces)), cell: -1, layer: "body",
		date: fmt.Sprintf("%d年%d月%d日", issued.Year(), int(issued.Month()), issued.Day()),
	}
}

func (r *renderer) finish() (*rendered, error) {
	var buf bytes.Buffer
	if err := r.pdf.Output(&buf); err != nil {
		return nil, apperr.Wrap(err, "cert: write pdf")
	}
	return &rendered{pdf: buf.Bytes(), pages: r.pdf.PageNo(), boxes: r.boxes, cells: r.cells}, nil
}

func (r *renderer) document() error {
	if r.d.Kind == KindLicence {
		r.licence()
	} else {
		r.letter()
	}
	if r.pdf.Err() {
		return apperr.Wrap(r.pdf.Error(), "cert: render")
	}
	return nil
}

// ---- text layout ----

// span is text drawn with one face; w is its width in mm at the line's size.
type span struct {
	face int
	text string
	n    int // runes
	w    float64
}

// line is one laid-out line of text.
type line struct {
	spans []span
	w     float64
	n     int
	last  bool // ends a paragraph: never justified
}

func (f *Font) runeWidth(face int, c rune, size float64) float64 {
	return f.advance(face, c) / 1000 * size * ptMM
}

// shape lays out s as one line at size (pt).
func (f *Font) shape(s string, size float64) line {
	var ln line
	for _, c := range s {
		if c > 0xFFFF {
			// The PDF library draws the Basic Multilingual Plane only; a
			// character beyond it (CJK Extension B, emoji) prints as the
			// missing-character box of Chinese typesetting.
			c = missingChar
		}
		fi := f.faceOf(c)
		w := f.runeWidth(fi, c, size)
		if k := len(ln.spans) - 1; k >= 0 && ln.spans[k].face == fi {
			ln.spans[k].text += string(c)
			ln.spans[k].n++
			ln.spans[k].w += w
		} else {
			ln.spans = append(ln.spans, span{face: fi, text: string(c), n: 1, w: w})
		}
		ln.w += w
		ln.n++
	}
	ln.last = true
	return ln
}

func (f *Font) width(s string, size float64) float64 { return f.shape(s, size).w }

// Characters that may not start a line (closing punctuation) and that may
// not end one (opening punctuation): the basic rules of Chinese line breaking.
const (
	noStart = "，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%"
	noEnd   = "（《「『【〔〈“‘([{"
)

// unit is what line breaking never splits unless it is wider than a line:
// an ASCII word, or one CJK character with the punctuation glued to it.
type unit struct {
	runes []rune
	space bool
	hard  bool // a line break
}

func units(s string) []unit {
	var out []unit
	var word []rune
	flush := func() {
		if len(word) > 0 {
			out = append(out, unit{runes: word})
			word = nil
		}
	}
	for _, c := range s {
		switch {
		case c == '\n':
			flush()
			out = append(out, unit{hard: true})
		case c == ' ':
			flush()
			out = append(out, unit{runes: []rune{c}, space: true})
		case c < 0x80 && !strings.ContainsRune(noStart+noEnd, c):
			word = append(word, c)
		default:
			flush()
			out = append(out, unit{runes: []rune{c}})
		}
	}
	flush()
	// Glue closing punctuation to what precedes it and opening punctuation
	// to what follows it.
	var glued []unit
	for i := 0; i < len(out); i++ {
		u := out[i]
		if !u.space && !u.hard && len(u.runes) == 1 && strings.ContainsRune(noStart, u.runes[0]) && len(glued) > 0 {
			if p := &glued[len(glued)-1]; !p.space && !p.hard {
				p.runes = append(p.runes, u.runes...)
				continue
			}
		}
		if k := len(glued) - 1; k >= 0 && !glued[k].space && !glued[k].hard && !u.space && !u.hard {
			if lr := glued[k].runes; strings.ContainsRune(noEnd, lr[len(lr)-1]) {
				glued[k].runes = append(glued[k].runes, u.runes...)
				continue
			}
		}
		glued = append(glued, unit{runes: append([]rune(nil), u.runes...), space: u.space, hard: u.hard})
	}
	return glued
}

// wrap breaks s into lines no wider than width at size (pt); the first line
// is indent narrower. A unit wider than a whole line is split anywhere.
func (f *Font) wrap(s string, size, width, indent float64) []line {
	var lines []line
	var cur []rune
	var curW float64
	avail := func() float64 {
		if len(lines) == 0 {
			return width - indent
		}
		return width
	}
	emit := func(last bool) {
		for len(cur) > 0 && cur[len(cur)-1] == ' ' {
			curW -= f.runeWidth(f.faceOf(' '), ' ', size)
			cur = cur[:len(cur)-1]
		}
		ln := f.shape(string(cur), size)
		ln.last = last
		lines = append(lines, ln)
		cur, curW = nil, 0
	}
	uw := func(u unit) float64 {
		w := 0.0
		for _, c := range u.runes {
			w += f.runeWidth(f.faceOf(c), c, size)
		}
		return w
	}
	for _, u := range units(s) {
		if u.hard {
			emit(true)
			continue
		}
		if u.space && len(cur) == 0 {
			continue
		}
		w := uw(u)
		if curW+w <= avail()+1e-6 {
			cur = append(cur, u.runes...)
			curW += w
			continue
		}
		if u.space {
			emit(false)
			continue
		}
		if len(cur) > 0 && w <= width+1e-6 {
			emit(false)
			cur, curW = append(cur, u.runes...), w
			continue
		}
		// Too wide for any line: fill this one and go on rune by rune.
		for _, c := range u.runes {
			cw := f.runeWidth(f.faceOf(c), c, size)
			if curW+cw > avail()+1e-6 && len(cur) > 0 {
				emit(false)
			}
			cur = append(cur, c)
			curW += cw
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		emit(true)
	} else {
		lines[len(lines)-1].last = true
	}
	return lines
}

// balanced wraps s like wrap but with lines of even length, for titles:
// the narrowest width that needs no more lines than width does.
func (f *Font) balanced(s string, size, width float64) []line {
	lines := f.wrap(s, size, width, 0)
	if len(lines) < 2 {
		return lines
	}
	lo, hi := width/float64(len(lines)), width
	for i := 0; i < 12; i++ {
		mid := (lo + hi) / 2
		if len(f.wrap(s, size, mid, 0)) > len(lines) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return f.wrap(s, size, hi, 0)
}

// ---- drawing primitives ----

func (r *renderer) color(c rgb) {
	r.pdf.SetTextColor(c.r, c.g, c.b)
	r.pdf.SetDrawColor(c.r, c.g, c.b)
	r.pdf.SetFillColor(c.r, c.g, c.b)
}

func (r *renderer) face(i int, size float64) {
	name := fmt.Sprintf("cjk%d", i)
	if !r.added[i] {
		r.pdf.AddUTF8FontFromBytes(name, "", r.faceData[i])
		r.added[i] = true
	}
	r.pdf.SetFont(name, "", size)
}

// textOpts changes how a line is drawn.
type textOpts struct {
	track float64 // extra space after each character, mm
	bold  bool    // fill and stroke: a heavier face than the fonts have
	scale float64 // horizontal scale in percent; 0 means 100
}

// drawLine draws ln with its baseline at base, starting at x.
func (r *renderer) drawLine(x, base float64, ln line, size float64, o textOpts) float64 {
	if ln.n == 0 {
		return 0
	}
	k := 72 / 25.4
	sx := 1.0
	if o.scale != 0 {
		sx = o.scale / 100
		r.pdf.RawWriteStr(fmt.Sprintf("%.1f Tz", o.scale))
	}
	if o.track != 0 {
		r.pdf.RawWriteStr(fmt.Sprintf("%.3f Tc", o.track*k/sx))
	}
	if o.bold {
		r.pdf.SetTextRenderingMode(2)
		r.pdf.SetLineWidth(size * ptMM * 0.03)
	}
	x0 := x
	for _, sp := range ln.spans {
		for _, c := range sp.text {
			if !r.allowed[c] {
				r.uncovered = true
			}
		}
		r.face(sp.face, size)
		r.pdf.Text(x, base, sp.text)
		x += sp.w*sx + o.track*float64(sp.n)
	}
	if o.bold {
		r.pdf.SetTextRenderingMode(0)
	}
	if o.track != 0 {
		r.pdf.RawWriteStr("0 Tc")
	}
	if o.scale != 0 {
		r.pdf.RawWriteStr("100 Tz")
	}
	w := x - x0 - o.track // the last character's tracking is not ink
	r.boxes = append(r.boxes, box{page: r.pdf.PageNo(), x: x0, y: base - ascentEm*size*ptMM, w: w, h: size * ptMM,
		layer: r.layer, cell: r.cell, text: joinSpans(ln)})
	return w
}

func joinSpans(ln line) string {
	var b strings.Builder
	for _, s := range ln.spans {
		b.WriteString(s.text)
	}
	return b.String()
}

// baseline returns the baseline of text of size (pt) centred in a line box
// of height lead starting at top.
func baseline(top, lead, size float64) float64 {
	em := size * ptMM
	return top + (lead-em)/2 + ascentEm*em
}

const (
	alignLeft = iota
	alignCenter
	alignRight
	alignJustify
)

// lines draws laid-out lines from top in a column [x, x+width], one every
// lead mm, and returns the y below them.
func (r *renderer) lines(lines []line, x, top, width, size, lead, indent float64, align int, o textOpts) float64 {
	for i, ln := range lines {
		lx, avail := x, width
		if i == 0 {
			lx, avail = x+indent, width-indent
		}
		oo := o
		switch align {
		case alignCenter:
			lx += (avail - ln.w) / 2
		case alignRight:
			lx += avail - ln.w
		case alignJustify:
			if !ln.last && ln.n > 1 {
				if t := (avail - ln.w) / float64(ln.n-1); t > 0 && t < size*ptMM*0.6 {
					oo.track += t
				}
			}
		}
		r.drawLine(lx, baseline(top, lead, size), ln, size, oo)
		top += lead
	}
	return top
}

// ---- shared blocks ----

// statute returns the sentence printed above a licence's table.
func (d Document) statute() string {
	if d.Title == "建设工程规划许可证" {
		return "根据《中华人民共和国城乡规划法》第四十条和国家有关规定，经审核，本建设工程符合国土空间规划和用途管制要求，颁发此证。"
	}
	item := d.ItemName
	if item == "" {
		item = "本事项"
	}
	if d.Basis == "" {
		return "根据国家有关规定，经审核，" + item + "符合要求，特发此证。"
	}
	return "根据" + d.Basis + "和国家有关规定，经审核，" + item + "符合要求，特发此证。"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// footer layout: the signature block in small grey type at the page bottom.
const (
	footSize = 7.0
	footLead = 3.4
	qrSize   = 32.0
	qrCapW   = 78.0 // the URL under the QR code wraps at this width
)

func (d Document) footerParas() []string {
	sig := base64.StdEncoding.EncodeToString(d.Signature)
	return []string{
		"电子签名：SM2/SM3　　签名密钥：" + orDash(d.KeyID) + "　　证照编号：" + d.Number,
		"内容摘要（SM3）：" + orDash(d.ContentSM3),
		"签名值（Base64）：" + orDash(sig),
		"本证照的真伪可扫描二维码或登录核验页面输入编号核验。",
	}
}

func (r *renderer) footerLines() [][]line {
	f := r.font
	paras := r.d.footerParas()
	out := make([][]line, len(paras))
	for i, p := range paras {
		out[i] = f.wrap(p, footSize, contentW, 0)
	}
	return out
}

func (r *renderer) footerHeight() float64 {
	n := 0
	for _, p := range r.footerLines() {
		n += len(p)
	}
	return float64(n)*footLead + 3
}

// footer draws the signature block so that it ends at bottomLim.
func (r *renderer) footer() float64 {
	paras := r.footerLines()
	top := bottomLim - r.footerHeight()
	r.color(ruleGrey)
	r.pdf.SetLineWidth(0.2)
	r.pdf.Line(left, top, right, top)
	r.color(grey)
	r.layer = "footer"
	y := top + 1.5
	for _, p := range paras {
		y = r.lines(p, left, y, contentW, footSize, footLead, 0, alignLeft, textOpts{})
	}
	r.layer = "body"
	r.color(black)
	return top
}

// qrBlock draws the QR code with its caption so that the caption ends
// above bottom. The code keeps a quiet zone of four modules, two below it
// where the small caption starts.
func (r *renderer) qrBlock(bottom float64) {
	urlLines := r.font.wrap(r.d.VerifyURL, 6.5, qrCapW, 0)
	top := bottom - r.qrCaptionHeight() - qrSize
	n := len(r.qr)
	m := qrSize / float64(n)
	r.color(black)
	for y, row := range r.qr {
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			x0 := x
			for x < n && row[x] {
				x++
			}
			// A hair of overlap hides the seams between modules in viewers.
			r.pdf.Rect(left+float64(x0)*m, top+float64(y)*m, float64(x-x0)*m+0.02, m+0.02, "F")
		}
	}
	q := r.qrQuiet()
	r.boxes = append(r.boxes, box{page: r.pdf.PageNo(), x: left - q, y: top - q, w: qrSize + 2*q, h: qrSize + q + q/2, layer: "qr", cell: -1})
	y := top + qrSize + q/2
	cap := r.font.shape("扫码核验", 9)
	r.drawLine(left+(qrSize-cap.w)/2, baseline(y, 4.5, 9), cap, 9, textOpts{})
	r.color(grey)
	r.lines(urlLines, left, y+4.6, qrCapW, 6.5, 3.0, 0, alignLeft, textOpts{})
	r.color(black)
}

// ---- the seal ----

const sealR = 21.0 // a 42 mm round official seal

// seal draws the red round seal of the issuer centred at (cx, cy).
func (r *renderer) seal(cx, cy float64) {
	p := r.pdf
	r.layer = "seal"
	p.SetAlpha(0.9, "Multiply")
	r.color(sealRed)
	ring := 1.1
	p.SetLineWidth(ring)
	p.Circle(cx, cy, sealR-ring/2, "D")

	// Five-pointed star in the middle.
	outer, inner := 6.8, 6.8*0.382
	var pts []fpdf.PointType
	for i := 0; i < 10; i++ {
		rad := outer
		if i%2 == 1 {
			rad = inner
		}
		a := float64(i) * math.Pi / 5
		pts = append(pts, fpdf.PointType{X: cx + rad*math.Sin(a), Y: cy - 0.5 - rad*math.Cos(a)})
	}
	p.Polygon(pts, "F")

	// "电子证照专用章" across the lower half.
	label := "电子证照专用章"
	ls := 10.0
	ln := r.font.shape(label, ls)
	scale := 90.0
	w := ln.w * scale / 100
	track := 0.4
	w += track * float64(ln.n-1)
	r.drawLine(cx-w/2, cy+12.2, ln, ls, textOpts{bold: true, scale: scale, track: track})

	// The issuer's name on the upper arc, each character upright towards
	// the centre, horizontally narrowed as seal engravers do.
	name := []rune(r.d.Issuer)
	n := len(name)
	if n > 0 {
		const hScale = 0.78
		gap := 1.3                       // between the ring and the tops of the characters
		edge := sealR - ring - gap       // radius of the tops
		maxSpan := 250.0 * math.Pi / 180 // the arc the name may take
		// Characters 6.4 mm tall, smaller when the name is too long for the arc.
		size := 6.4 / ptMM
		for ; size > 5; size -= 0.5 {
			mid := edge - size*ptMM/2
			if size*ptMM*hScale*1.18/mid*float64(n-1) <= maxSpan {
				break
			}
		}
		em := size * ptMM
		mid := edge - em/2
		step := em * hScale * 1.18 / mid
		if n > 1 {
			// Spread a short name over at least 150 degrees.
			if min := 150.0 * math.Pi / 180 / float64(n-1); step < min && n >= 4 {
				step = math.Min(min, em*hScale*2.2/mid)
			}
			if step*float64(n-1) > maxSpan {
				step = maxSpan / float64(n-1)
			}
		}
		start := -step * float64(n-1) / 2
		base := cy - edge + ascentEm*em
		for i, c := range name {
			a := start + step*float64(i)
			p.TransformBegin()
			p.TransformRotate(-a*180/math.Pi, cx, cy)
			ln := r.font.shape(string(c), size)
			r.drawLine(cx-ln.w*hScale/2, base, ln, size, textOpts{bold: true, scale: hScale * 100})
			p.TransformEnd()
		}
	}
	p.SetAlpha(1, "Normal")
	r.color(black)
	r.layer = "body"
}

// ---- licence ----

// licence draws the framed 许可证.
func (r *renderer) licence() {
	d := r.d
	f := r.font
	r.licencePage()

	// Header.
	y := 22.0
	hdr := f.shape("中华人民共和国", 18)
	track := 3.0
	hw := hdr.w + track*float64(hdr.n-1)
	r.drawLine((pageW-hw)/2, baseline(y, 10, 18), hdr, 18, textOpts{track: track})
	y += 13

	titleSize := 28.0
	for titleSize > 16 && f.width(d.Title, titleSize) > contentW {
		titleSize -= 1
	}
	tl := f.balanced(d.Title, titleSize, contentW)
	for _, ln := range tl {
		tt := 0.0
		if ln.n > 1 && ln.n <= 10 {
			tt = math.Min(2.5, (contentW-ln.w)/float64(ln.n-1))
		}
		w := ln.w + tt*float64(ln.n-1)
		r.drawLine((pageW-w)/2, baseline(y, 14, titleSize), ln, titleSize, textOpts{bold: true, track: tt})
		y += 14
	}
	y += 2
	no := f.shape("编号 No. "+d.Number, 11)
	r.drawLine(right-no.w, baseline(y, 6, 11), no, 11, textOpts{})
	y += 9

	st := f.wrap(d.statute(), 12, contentW, 2*12*ptMM)
	y = r.lines(st, left, y, contentW, 12, 7.4, 2*12*ptMM, alignJustify, textOpts{})
	y += 5

	rows := d.licenceRows()
	const padX = 3.0
	var labelW, valueW, padY float64

	// Pick the largest type that lets table and signature block share the
	// page; below the smallest, the table runs onto more pages.
	signTop := r.licenceSign(false)
	room := signTop - y
	type laid struct {
		label, value []line
	}
	var size, lead float64
	var cells []laid
	var heights []float64
	var total, minRow float64
	for _, sz := range []float64{11.5, 11, 10.5, 10, 9.5, 9, 8.5, 8} {
		size, lead = sz, sz*ptMM*1.55
		// The label column is as wide as the longest label needs.
		labelW = 0
		for _, rw := range rows {
			labelW = math.Max(labelW, f.width(rw.label, sz))
		}
		labelW = math.Ceil(labelW + 2*padX + 3)
		valueW = contentW - labelW
		padY = math.Max(1.4, sz*ptMM*0.55)
		minRow = 10.0
		if sz < 10.5 {
			minRow = 8.5
		}
		cells, heights, total = nil, nil, 0
		for _, rw := range rows {
			c := laid{f.wrap(rw.label, sz, labelW-2*padX, 0), f.wrap(orDash(rw.value), sz, valueW-2*padX, 0)}
			h := math.Max(minRow, float64(max(len(c.label), len(c.value)))*lead+2*padY)
			cells, heights = append(cells, c), append(heights, h)
			total += h
		}
		if total <= room {
			break
		}
	}
	// A table with room to spare grows like a printed form, up to 16 mm a row.
	if total < room {
		extra := math.Min((room-total)/float64(len(rows)), 16-10)
		for i := range heights {
			if heights[i] < 16 {
				heights[i] = math.Min(16, heights[i]+extra)
			}
		}
	}

	switch {
	case total <= room:
		r.bottom = signTop
	case total <= bottomLim-y:
		// The table fits the page but the signature block does not: send
		// the last row over with it rather than leave it alone on a page.
		r.bottom = y + total - heights[len(heights)-1]
	default:
		r.bottom = bottomLim
	}
	segTop := y
	closeSeg := func(bottom float64) {
		r.color(tableLine)
		r.pdf.SetLineWidth(0.6)
		r.pdf.Rect(left, segTop, contentW, bottom-segTop, "D")
		r.color(black)
	}
	for i, c := range cells {
		labelLines, valueLines := c.label, c.value
		h := heights[i]
		cont := false
		for {
			fits := y+h <= r.bottom+1e-6
			if !fits {
				// Split the value between pages when at least two lines fit here.
				n := int((r.bottom - y - 2*padY) / lead)
				if n >= 2 && n < len(valueLines) {
					r.tableRow(y, n, lead, labelW, valueW, padX, padY, size, labelLines, valueLines[:n], cont)
					y += float64(n)*lead + 2*padY
					valueLines = valueLines[n:]
					h = math.Max(minRow, float64(len(valueLines))*lead+2*padY)
					cont = true
				}
				closeSeg(y)
				r.continuationPage()
				y = r.contTop()
				segTop = y
				r.bottom = bottomLim
				continue
			}
			r.tableRow(y, 0, h, labelW, valueW, padX, padY, size, labelLines, valueLines, cont)
			y += h
			break
		}
	}
	closeSeg(y)

	if y > signTop {
		r.continuationPage()
	}
	r.licenceSign(true)
}

type tableEntry struct{ label, value string }

func (d Document) licenceRows() []tableEntry {
	return []tableEntry{
		{"建设单位（个人）", d.HolderName},
		{"统一社会信用代码", d.HolderUSCC},
		{"项目名称", d.ProjectName},
		{"项目代码", d.ProjectCode},
		{"建设位置", d.Location},
		{"建设规模", d.Scale},
		{"事　　项", d.ItemName},
		{"发证依据", d.Basis},
	}
}

// tableRow draws one row of the licence table at top: label cell and value
// cell, text vertically centred. With lines > 0 the row is a part of a row
// split between pages and h is the height of one line.
func (r *renderer) tableRow(top float64, lines int, h, labelW, valueW, padX, padY, size float64, label, value []line, cont bool) {
	lead := size * ptMM * 1.55
	if lines > 0 {
		h = float64(lines)*lead + 2*padY
	}
	r.color(tableLine)
	r.pdf.SetLineWidth(0.25)
	r.pdf.Rect(left, top, labelW, h, "D")
	r.pdf.Rect(left+labelW, top, valueW, h, "D")
	r.color(black)
	if cont {
		label = r.font.wrap("（续）", size, labelW-2*padX, 0)
	}
	r.cells = append(r.cells, rect{r.pdf.PageNo(), left, top, labelW, h})
	r.cell = len(r.cells) - 1
	lt := top + (h-float64(len(label))*lead)/2
	r.layer = "label"
	r.lines(label, left+padX, lt, labelW-2*padX, size, lead, 0, alignCenter, textOpts{})
	r.layer = "body"
	r.cells = append(r.cells, rect{r.pdf.PageNo(), left + labelW, top, valueW, h})
	r.cell = len(r.cells) - 1
	vt := top + (h-float64(len(value))*lead)/2
	align := alignLeft
	if len(value) > 1 {
		align = alignJustify
	}
	r.lines(value, left+labelW+padX, vt, valueW-2*padX, size, lead, 0, align, textOpts{})
	r.cell = -1
}

func (r *renderer) licencePage() {
	r.pdf.AddPage()
	p := r.pdf
	r.color(frameClr)
	p.SetLineWidth(1.2)
	p.Rect(frameOut, frameOut, pageW-2*frameOut, pageH-2*frameOut, "D")
	p.SetLineWidth(0.35)
	p.Rect(frameIn, frameIn, pageW-2*frameIn, pageH-2*frameIn, "D")
	r.color(black)
	r.pageNumber()
}

// pageNumber prints "第 n 页 共 m 页" at the foot of every page of a
// certificate longer than one page.
func (r *renderer) pageNumber() {
	if r.total <= 1 {
		return
	}
	r.color(grey)
	s := r.font.shape(fmt.Sprintf("第 %d 页 共 %d 页", r.pdf.PageNo(), r.total), 8)
	r.layer = "footer"
	r.drawLine((pageW-s.w)/2, pageH-frameIn-1.2, s, 8, textOpts{})
	r.layer = "body"
	r.color(black)
}

// continuationPage starts another page of a certificate too long for one.
func (r *renderer) continuationPage() {
	if r.d.Kind == KindLicence {
		r.licencePage()
	} else {
		r.pdf.AddPage()
		r.pageNumber()
	}
	s := r.font.shape(r.d.Title+"（续页）　编号 No. "+r.d.Number, 10)
	if s.w > contentW {
		s = r.font.shape("编号 No. "+r.d.Number+"（续页）", 10)
	}
	r.color(grey)
	r.layer = "header"
	r.drawLine(left, 22, s, 10, textOpts{})
	r.layer = "body"
	r.color(black)
}

func (r *renderer) contTop() float64 { return 28 }

// The signature block: issuer and date with the seal over them on the
// right, the QR code on the left, the signature footer below.
const (
	signGap     = 8.0 // between the QR caption and the footer
	sigLead     = 8.0 // line height of issuer and date
	sigSize     = 12.0
	sigColX     = 104.0
	sigColW     = right - sigColX
	sealDateGap = 10.0 // between the issuer's name and the date, room for the seal's lettering
)

func (r *renderer) qrQuiet() float64 {
	if len(r.qr) == 0 {
		return 0
	}
	return 4 * qrSize / float64(len(r.qr))
}

func (r *renderer) qrCaptionHeight() float64 {
	return r.qrQuiet()/2 + 4.6 + float64(len(r.font.wrap(r.d.VerifyURL, 6.5, qrCapW, 0)))*3.0
}

// sigLayout returns, for a signature block starting at 0, the middle of the
// seal and the bottom of the date line.
func (r *renderer) sigLayout(issuerLabel string) (sealCY, bottom float64) {
	y := float64(len(r.font.wrap(issuerLabel+r.d.Issuer, sigSize, sigColW, 0))) * sigLead
	cy := y / 2
	return cy, math.Max(y+sealDateGap, cy+13.5) + sigLead
}

// licenceSignTop returns where the licence's signature block starts: the
// issuer and date are centred on the QR code and the seal reaches higher.
func (r *renderer) licenceSign(draw bool) (top float64) {
	ft := bottomLim - r.footerHeight()
	capBottom := ft - signGap
	qrTop := capBottom - r.qrCaptionHeight() - qrSize
	cy, sh := r.sigLayout("发证机关：")
	sigTop := qrTop + qrSize/2 - sh/2
	top = math.Min(qrTop-r.qrQuiet(), sigTop+cy-sealR) - 3
	if draw {
		r.footer()
		r.qrBlock(capBottom)
		r.signature(sigTop, "发证机关：", "日　　期：", false)
	}
	return top
}

// signature prints the issuer and the date in the right half with the seal
// over them: left-aligned after labels on a licence, centred in a letter.
func (r *renderer) signature(top float64, issuerLabel, dateLabel string, centred bool) {
	f := r.font
	iss := f.wrap(issuerLabel+r.d.Issuer, sigSize, sigColW, 0)
	align := alignLeft
	if centred {
		align = alignCenter
	}
	y := r.lines(iss, sigColX, top, sigColW, sigSize, sigLead, 0, align, textOpts{})
	// The seal is centred on the issuer's name; the date goes below the
	// seal's lettering, where the seal's lower rim crosses it, the way a
	// clerk stamps it.
	cy := top + (y-top)/2
	dateTop := math.Max(y+sealDateGap, cy+13.5)
	dl := f.shape(dateLabel+r.date, sigSize)
	dx := sigColX
	if centred {
		dx += (sigColW - dl.w) / 2
	}
	r.drawLine(dx, baseline(dateTop, sigLead, sigSize), dl, sigSize, textOpts{})
	cx := sigColX + sigColW/2
	if !centred {
		lw := f.width(issuerLabel, sigSize)
		cx = sigColX + lw + (math.Min(sigColW, iss[0].w)-lw)/2
	}
	cx = math.Min(math.Max(cx, sigColX+sealR-4), right-sealR+4)
	r.seal(cx, cy)
}

// ---- letters: approval, filing, opinion ----

func (d Document) letterBody() (paras []string, closing string) {
	basis := "根据国家有关规定"
	if d.Basis != "" {
		basis = "根据" + d.Basis + "和国家有关规定"
	}
	holder := "你单位"
	if d.HolderUSCC != "" {
		holder = "你单位（统一社会信用代码：" + d.HolderUSCC + "）"
	}
	project := orDash(d.ProjectName)
	if d.ProjectCode != "" {
		project += "（项目代码：" + d.ProjectCode + "）"
	}
	item := d.ItemName
	facts := func() []string {
		var out []string
		if d.Location != "" {
			out = append(out, "建设地点："+d.Location+"。")
		}
		if d.Scale != "" {
			out = append(out, "建设规模及主要内容："+strings.TrimRight(d.Scale, "。")+"。")
		}
		return out
	}
	numbered := func(items []string) []string {
		nums := []string{"一", "二", "三", "四", "五", "六"}
		for i := range items {
			items[i] = nums[i] + "、" + items[i]
		}
		return items
	}
	switch d.Kind {
	case KindFiling:
		paras = append(paras, holder+"报送的"+project+"备案信息收悉。"+basis+"，经审查，予以备案。备案信息如下：")
		items := []string{"项目名称：" + project + "。"}
		items = append(items, facts()...)
		items = append(items, "项目单位应当按照备案信息组织实施；备案信息发生较大变化的，应当及时告知备案机关。")
		paras = append(paras, numbered(items)...)
		closing = "特此证明。"
	case KindOpinion:
		what := "该项目"
		if item != "" {
			what = "该项目通过" + item
		}
		paras = append(paras, holder+"报送的"+project+orEmpty(item, "申请")+"及有关材料收悉。"+basis+"，经审查，提出意见如下：")
		items := []string{"同意" + what + "。"}
		items = append(items, facts()...)
		items = append(items, "请你单位按照本意见做好后续工作，并依法办理相关手续。")
		paras = append(paras, numbered(items)...)
		closing = "特此函复。"
	default:
		paras = append(paras, holder+"报送的"+project+orEmpty(item, "申请")+"及有关材料收悉。"+basis+"，现批复如下：")
		what := "该项目"
		if item != "" {
			what = "你单位" + item + "申请"
		}
		items := []string{"经审查，同意" + what + "。"}
		items = append(items, facts()...)
		items = append(items, "请你单位严格按照本批复组织实施，并依法办理后续相关手续。")
		paras = append(paras, numbered(items)...)
		closing = "此复。"
	}
	return paras, closing
}

func orEmpty(s, suffix string) string {
	if s == "" {
		return ""
	}
	return s + suffix
}

// letter draws an approval, filing or opinion as an official letter.
func (r *renderer) letter() {
	d := r.d
	f := r.font
	r.pdf.AddPage()
	r.pageNumber()

	// Red letterhead: the issuer's name, spread wide, then the red rule.
	y := 20.0
	hs := 26.0
	for hs > 14 && f.width(d.Issuer, hs)*0.85 > contentW {
		hs -= 1
	}
	head := f.balanced(d.Issuer, hs, contentW/0.85)
	r.color(headRed)
	for _, ln := range head {
		w := ln.w * 0.85
		tt := 0.0
		if ln.n > 1 && w < 150 {
			tt = math.Min(4, (150-w)/float64(ln.n-1))
		}
		w += tt * float64(ln.n-1)
		r.drawLine((pageW-w)/2, baseline(y, 13, hs), ln, hs, textOpts{bold: true, scale: 85, track: tt})
		y += 13
	}
	r.color(black)
	y += 3
	no := f.shape("文号："+d.Number, 12)
	r.drawLine((pageW-no.w)/2, baseline(y, 6, 12), no, 12, textOpts{})
	y += 8
	r.color(headRed)
	r.pdf.SetLineWidth(0.9)
	r.pdf.Line(left, y, right, y)
	r.color(black)
	y += 10

	// Title.
	ts := 18.0
	tl := f.balanced(d.Title, ts, contentW-20)
	for _, ln := range tl {
		r.drawLine((pageW-ln.w)/2, baseline(y, 10, ts), ln, ts, textOpts{bold: true})
		y += 10
	}
	y += 5

	const size = 12.5
	lead := size * ptMM * 1.75
	indent := 2 * size * ptMM
	r.bottom = bottomLim

	flow := func(lines []line, ind float64) {
		for i := 0; i < len(lines); {
			if y+lead > r.bottom {
				r.continuationPage()
				y = r.contTop()
			}
			n := 0
			for i+n < len(lines) && y+float64(n+1)*lead <= r.bottom {
				n++
			}
			first := ind // the indent belongs to a paragraph's first line
			if i > 0 {
				first = 0
			}
			y = r.lines(lines[i:i+n], left, y, contentW, size, lead, first, alignJustify, textOpts{})
			i += n
		}
	}
	flow(f.wrap(orDash(d.HolderName)+"：", size, contentW, 0), 0)
	paras, closing := d.letterBody()
	for _, p := range paras {
		flow(f.wrap(p, size, contentW, indent), indent)
	}

	// The last page holds the closing line, the signature and seal below
	// it, and the QR code and the footer at the bottom. Body text spans the
	// full width, so it must stay above the QR code.
	ft := bottomLim - r.footerHeight()
	qrTop := ft - signGap - r.qrCaptionHeight() - qrSize - r.qrQuiet()
	cl := f.wrap(closing, size, contentW, indent)
	cy, sh := r.sigLayout("")
	end := y + float64(len(cl))*lead
	if end > qrTop-2 || end+letterSigGap+math.Max(cy+sealR, sh) > ft-2 {
		r.continuationPage()
		y = r.contTop()
	}
	y = r.lines(cl, left, y, contentW, size, lead, indent, alignJustify, textOpts{})
	r.footer()
	r.qrBlock(ft - signGap)
	r.signature(y+letterSigGap, "", "", true)
}

// letterSigGap is the space between a letter's closing line and its signature.
const letterSigGap = 12.0

// NumberFromPDF finds the certificate number in the Keywords entry of a
// PDF's Info dictionary ("/Keywords (tongban-cert:NUMBER)"), which Render
// writes uncompressed. The last valid entry wins, as an incremental update
// appends a newer Info dictionary. Anything else — no entry, a malformed
// one, not a PDF at all — reports false. The work is linear in len(pdf).
func NumberFromPDF(pdf []byte) (string, bool) {
	marker := []byte("(" + KeywordsPrefix)
	for end := len(pdf); end > 0; {
		i := bytes.LastIndex(pdf[:end], marker)
		if i < 0 {
			return "", false
		}
		if isKeywordsKey(pdf[:i]) {
			if n, ok := numberAt(pdf[i+len(marker):]); ok {
				return n, true
			}
		}
		end = i
	}
	return "", false
}

// isKeywordsKey reports whether b ends with the /Keywords key, give or take
// white space.
func isKeywordsKey(b []byte) bool {
	b = bytes.TrimRight(b, " \t\r\n\f\x00")
	return bytes.HasSuffix(b, []byte("/Keywords"))
}

// numberAt reads a certificate number closed by ')' at the start of b.
func numberAt(b []byte) (string, bool) {
	for i := 0; i < len(b) && i <= 64; i++ {
		if b[i] == ')' {
			n := string(b[:i])
			return n, numberRE.MatchString(n)
		}
	}
	return "", false
}
