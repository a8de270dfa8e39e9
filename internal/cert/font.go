package cert

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/tongban/tongban/internal/apperr"
)

// DefaultFonts lists the fonts FindFont looks for when none is configured,
// in order of preference, with the Debian package that ships each. The first
// one present becomes the main face; every other one present is a fallback
// for characters the faces before it lack.
//
// AR PL SungtiL GB is a Song (宋体) face like the one official documents are
// printed in, but it covers GB 2312 only, which misses characters found in
// enterprise names and place names (喆, 玥, 筼筜); Droid Sans Fallback covers
// those. Both are TrueType-outline fonts whose licences allow embedding (OS/2
// fsType 4 and 8); the CFF fonts of fonts-noto-cjk and .ttc collections are
// not supported by the PDF library.
var DefaultFonts = []struct{ Path, Package string }{
	{"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", "fonts-arphic-gbsn00lp"},
	{"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "fonts-droid-fallback"},
}

// FontPackages is what to install on Debian to get the default fonts.
const FontPackages = "fonts-arphic-gbsn00lp fonts-droid-fallback"

// maxFontSize bounds what LoadFont reads: the largest CJK TrueType fonts are
// about 30 MB.
const maxFontSize = 64 << 20

// Font is one or more loaded TrueType faces used together: each character is
// drawn with the first face that has a glyph for it. It is safe for
// concurrent use by Render; it keeps the file bytes and the metrics, parsed
// once, so a render only measures text by table look-ups.
type Font struct {
	faces []*face
}

type face struct {
	path   string
	data   []byte
	widths map[rune]uint16 // advance in 1/1000 em of every rune the face maps to a glyph
	gids   map[rune]uint16 // glyph of every rune in widths

	// What subsetting needs, parsed once: the tables, and where each glyph
	// is in glyf (numGlyphs+1 offsets).
	tables map[string][]byte
	loca   []uint32
}

// Paths returns the font files, main face first.
func (f *Font) Paths() []string {
	out := make([]string, len(f.faces))
	for i, fc := range f.faces {
		out[i] = fc.path
	}
	return out
}

// FindFont returns the font list for LoadFont: configured when it is set
// (one path, or several separated by the OS path-list separator ':'),
// checked to be readable TrueType fonts; otherwise every DefaultFonts entry
// that exists, joined by ':'. An error says what to install or configure.
func FindFont(configured string) (string, error) {
	if strings.TrimSpace(configured) != "" {
		for _, p := range splitPaths(configured) {
			if _, err := readFace(p); err != nil {
				return "", err
			}
		}
		return configured, nil
	}
	var found []string
	for _, d := range DefaultFonts {
		if st, err := os.Stat(d.Path); err == nil && st.Mode().IsRegular() {
			found = append(found, d.Path)
		}
	}
	if len(found) == 0 {
		return "", apperr.Newf(apperr.Invalid, "cert.font_missing",
			"未找到用于电子证照的中文字体：请安装 Debian 软件包 %s（apt-get install %s，或运行 scripts/pdftools.sh），或用 --cert-font / TONGBAN_CERT_FONT 指定 TrueType 字体文件",
			"no Chinese font for electronic certificates: install the Debian packages %s (apt-get install %s, or run scripts/pdftools.sh), or name a TrueType font file with --cert-font / TONGBAN_CERT_FONT",
			FontPackages, FontPackages)
	}
	return strings.Join(found, string(os.PathListSeparator)), nil
}

// OpenFont is FindFont followed by LoadFont.
func OpenFont(configured string) (*Font, error) {
	p, err := FindFont(configured)
	if err != nil {
		return nil, err
	}
	return LoadFont(p)
}

// LoadFont reads the TrueType fonts in paths (one path, or several
// separated by ':'; the first is the main face) and checks that the PDF
// library can embed them.
func LoadFont(paths string) (*Font, error) {
	ps := splitPaths(paths)
	if len(ps) == 0 {
		return nil, fontError("cert.font_missing", paths, "未指定字体文件", "no font file given", nil)
	}
	f := &Font{}
	for _, p := range ps {
		fc, err := readFace(p)
		if err != nil {
			return nil, err
		}
		f.faces = append(f.faces, fc)
	}
	return f, nil
}

func splitPaths(s string) []string {
	var out []string
	for _, p := range filepath.SplitList(s) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func fontError(key, path, zh, en string, cause error) error {
	e := apperr.New(apperr.Invalid, key,
		fmt.Sprintf("电子证照字体 %s 不可用：%s。请安装 Debian 软件包 %s，或用 --cert-font / TONGBAN_CERT_FONT 指定 TrueType 字体文件", path, zh, FontPackages),
		fmt.Sprintf("the certificate font %s cannot be used: %s. Install the Debian packages %s, or name a TrueType font file with --cert-font / TONGBAN_CERT_FONT", path, en, FontPackages))
	e.Err = cause
	return e
}

// readFace loads one font file and parses what layout needs.
func readFace(path string) (*face, error) {
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fontError("cert.font_missing", path, "文件不存在", "the file does not exist", err)
		}
		return nil, fontError("cert.font_unreadable", path, "无法读取文件", "the file cannot be read", err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFontSize+1))
	if err != nil {
		return nil, fontError("cert.font_unreadable", path, "无法读取文件", "the file cannot be read", err)
	}
	if len(data) > maxFontSize {
		return nil, fontError("cert.font_unsupported", path, "文件过大", "the file is too large", nil)
	}
	fc, err := parseFace(data)
	if err != nil {
		var ue unsupportedFont
		if errors.As(err, &ue) {
			return nil, fontError("cert.font_unsupported", path, ue.zh, ue.en, err)
		}
		return nil, fontError("cert.font_unsupported", path, "不是可用的 TrueType 字体", "it is not a usable TrueType font", err)
	}
	fc.path = path
	if err := tryEmbed(fc); err != nil {
		return nil, fontError("cert.font_unsupported", path, "PDF 库无法嵌入该字体", "the PDF library cannot embed it", err)
	}
	return fc, nil
}

// unsupportedFont is a parse failure with a reason worth telling the operator.
type unsupportedFont struct{ zh, en string }

func (u unsupportedFont) Error() string { return u.en }

var errBadFont = errors.New("malformed TrueType data")

// parseFace reads the tables the PDF library relies on, rejecting what it
// would choke on (it prints to stdout or panics instead of returning errors),
// and collects the advance width of every mapped rune.
func parseFace(data []byte) (*face, error) {
	if len(data) < 12 {
		return nil, unsupportedFont{"不是字体文件", "it is not a font file"}
	}
	switch string(data[:4]) {
	case "OTTO":
		return nil, unsupportedFont{"这是 CFF 轮廓的 OpenType 字体（如 fonts-noto-cjk），只支持 TrueType 轮廓字体", "it is an OpenType font with CFF outlines (like fonts-noto-cjk); only TrueType outlines are supported"}
	case "ttcf":
		return nil, unsupportedFont{"这是字体集合（.ttc），请指定单个 .ttf 文件", "it is a font collection (.ttc); name a single .ttf file"}
	case "\x00\x01\x00\x00", "true":
	default:
		return nil, unsupportedFont{"不是 TrueType 字体文件", "it is not a TrueType font file"}
	}
	be := binary.BigEndian
	n := int(be.Uint16(data[4:]))
	if 12+16*n > len(data) {
		return nil, errBadFont
	}
	tables := map[string][]byte{}
	for i := 0; i < n; i++ {
		rec := data[12+16*i:]
		off, ln := int64(be.Uint32(rec[8:])), int64(be.Uint32(rec[12:]))
		if off+ln > int64(len(data)) {
			return nil, errBadFont
		}
		tables[string(rec[:4])] = data[off : off+ln]
	}
	for _, t := range []string{"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post"} {
		if tables[t] == nil {
			return nil, fmt.Errorf("%w: no %s table", errBadFont, t)
		}
	}
	head, hhea, maxp, name := tables["head"], tables["hhea"], tables["maxp"], tables["name"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 || len(name) < 6 {
		return nil, errBadFont
	}
	unitsPerEm := float64(be.Uint16(head[18:]))
	if unitsPerEm < 16 || be.Uint16(head[52:]) != 0 || be.Uint16(head[50:]) > 1 || be.Uint16(name) != 0 {
		return nil, errBadFont
	}
	numHM := int(be.Uint16(hhea[34:]))
	hmtx := tables["hmtx"]
	if be.Uint16(hhea[32:]) != 0 || numHM == 0 || len(hmtx) < 4*numHM {
		return nil, errBadFont
	}
	numGlyphs := int(be.Uint16(maxp[4:]))
	if os2 := tables["OS/2"]; os2 != nil {
		if len(os2) < 10 {
			return nil, errBadFont
		}
		if fsType := be.Uint16(os2[8:]); fsType == 0x0002 || fsType&0x0300 != 0 {
			return nil, unsupportedFont{"字体许可不允许嵌入或子集化（OS/2 fsType）", "its licence forbids embedding or subsetting (OS/2 fsType)"}
		}
	}
	gids, err := parseCmap4(tables["cmap"])
	if err != nil {
		return nil, err
	}
	loca, err := parseLoca(tables["loca"], int(be.Uint16(head[50:])), numGlyphs, len(tables["glyf"]))
	if err != nil {
		return nil, err
	}
	fc := &face{data: data, widths: make(map[rune]uint16, len(gids)), gids: map[rune]uint16{}, tables: tables, loca: loca}
	scale := 1000 / unitsPerEm
	for r, gid := range gids {
		if int(gid) >= numGlyphs {
			continue
		}
		i := int(gid)
		if i >= numHM {
			i = numHM - 1
		}
		adv := be.Uint16(hmtx[4*i:])
		if adv >= 1<<15 {
			adv = 0
		}
		fc.widths[r] = uint16(math.Round(scale * float64(adv)))
		fc.gids[r] = gid
	}
	if len(fc.widths) == 0 {
		return nil, errBadFont
	}
	return fc, nil
}

// parseCmap4 maps runes to glyph ids from the first Unicode format 4
// subtable, the same one the PDF library picks. Runes mapped to glyph 0 are
// left out: they have no glyph.
func parseCmap4(cmap []byte) (map[rune]uint16, error) {
	be := binary.BigEndian
	if len(cmap) < 4 {
		return nil, errBadFont
	}
	n := int(be.Uint16(cmap[2:]))
	if 4+8*n > len(cmap) {
		return nil, errBadFont
	}
	var sub []byte
	for i := 0; i < n; i++ {
		rec := cmap[4+8*i:]
		pid, eid, off := be.Uint16(rec), be.Uint16(rec[2:]), int(be.Uint32(rec[4:]))
		if (pid == 3 && eid == 1) || pid == 0 {
			if off+14 <= len(cmap) && be.Uint16(cmap[off:]) == 4 {
				sub = cmap[off:]
				break
			}
		}
	}
	if sub == nil {
		return nil, unsupportedFont{"字体没有 Unicode 字符映射表（cmap 格式 4）", "it has no Unicode character map (cmap format 4)"}
	}
	if l := int(be.Uint16(sub[2:])); l < len(sub) {
		sub = sub[:l]
	}
	segs := int(be.Uint16(sub[6:])) / 2
	if 16+8*segs > len(sub) {
		return nil, errBadFont
	}
	ends := sub[14:]
	starts := sub[16+2*segs:]
	deltas := sub[16+4*segs:]
	rangeOffs := sub[16+6*segs:]
	out := map[rune]uint16{}
	for s := 0; s < segs; s++ {
		start, end := int(be.Uint16(starts[2*s:])), int(be.Uint16(ends[2*s:]))
		delta, ro := int(be.Uint16(deltas[2*s:])), int(be.Uint16(rangeOffs[2*s:]))
		for c := start; c <= end && c < 0xFFFF; c++ {
			var gid int
			if ro == 0 {
				gid = (c + delta) & 0xFFFF
			} else {
				p := 16 + 6*segs + 2*s + ro + 2*(c-start)
				if p+2 > len(sub) {
					continue
				}
				if gid = int(be.Uint16(sub[p:])); gid != 0 {
					gid = (gid + delta) & 0xFFFF
				}
			}
			if gid != 0 {
				out[rune(c)] = uint16(gid)
			}
		}
	}
	return out, nil
}

func parseLoca(loca []byte, format, numGlyphs, glyfLen int) ([]uint32, error) {
	be := binary.BigEndian
	out := make([]uint32, numGlyphs+1)
	for i := range out {
		var off uint32
		if format == 0 {
			if 2*i+2 > len(loca) {
				return nil, errBadFont
			}
			off = 2 * uint32(be.Uint16(loca[2*i:]))
		} else {
			if 4*i+4 > len(loca) {
				return nil, errBadFont
			}
			off = be.Uint32(loca[4*i:])
		}
		if int(off) > glyfLen || i > 0 && off < out[i-1] {
			return nil, errBadFont
		}
		out[i] = off
	}
	return out, nil
}

// subset returns a copy of the face that maps only runes to glyphs and
// holds only their outlines; glyph ids and metrics stay as they were. The
// PDF library parses every character a font maps, twice per document, which
// for a 28,000-character CJK font is most of a render: handing it a font of
// a few hundred characters instead makes that cheap, and it still cuts its
// own subset to embed. ok is false when the face is best used whole.
func (fc *face) subset(runes []rune) (out []byte, ok bool) {
	be := binary.BigEndian
	numGlyphs := len(fc.loca) - 1
	keep := make([]bool, numGlyphs)
	keep[0] = true
	var queue []int
	type pair struct {
		r   rune
		gid uint16
	}
	var pairs []pair
	for _, r := range runes {
		if g, ok := fc.gids[r]; ok && r < 0xFFFF {
			pairs = append(pairs, pair{r, g})
			if !keep[g] {
				keep[g] = true
				queue = append(queue, int(g))
			}
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int { return int(a.r) - int(b.r) })
	pairs = slices.CompactFunc(pairs, func(a, b pair) bool { return a.r == b.r })
	// Composite glyphs are drawn from other glyphs: keep those too.
	glyf := fc.tables["glyf"]
	for len(queue) > 0 {
		g := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		data := glyf[fc.loca[g]:fc.loca[g+1]]
		if len(data) < 10 || int16(be.Uint16(data)) >= 0 {
			continue
		}
		for p := 10; p+4 <= len(data); {
			flags, comp := be.Uint16(data[p:]), int(be.Uint16(data[p+2:]))
			if comp >= numGlyphs {
				return nil, false
			}
			if !keep[comp] {
				keep[comp] = true
				queue = append(queue, comp)
			}
			p += 4
			if flags&0x0001 != 0 { // ARG_1_AND_2_ARE_WORDS
				p += 4
			} else {
				p += 2
			}
			switch {
			case flags&0x0008 != 0: // WE_HAVE_A_SCALE
				p += 2
			case flags&0x0040 != 0: // WE_HAVE_AN_X_AND_Y_SCALE
				p += 4
			case flags&0x0080 != 0: // WE_HAVE_A_TWO_BY_TWO
				p += 8
			}
			if flags&0x0020 == 0 { // MORE_COMPONENTS
				break
			}
		}
	}

	// glyf and a long-format loca with the kept outlines only.
	var newGlyf []byte
	newLoca := make([]byte, 4*(numGlyphs+1))
	for g := 0; g < numGlyphs; g++ {
		be.PutUint32(newLoca[4*g:], uint32(len(newGlyf)))
		if keep[g] {
			newGlyf = append(newGlyf, glyf[fc.loca[g]:fc.loca[g+1]]...)
			for len(newGlyf)%4 != 0 {
				newGlyf = append(newGlyf, 0)
			}
		}
	}
	be.PutUint32(newLoca[4*numGlyphs:], uint32(len(newGlyf)))

	// cmap: one format 4 subtable (3,1), a segment per run of consecutive
	// characters with consecutive glyphs.
	type seg struct{ start, end, delta uint16 }
	var segs []seg
	for _, p := range pairs {
		if k := len(segs) - 1; k >= 0 && uint16(p.r) == segs[k].end+1 && p.gid-uint16(p.r) == segs[k].delta {
			segs[k].end++
			continue
		}
		segs = append(segs, seg{uint16(p.r), uint16(p.r), p.gid - uint16(p.r)})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	n := len(segs)
	subLen := 16 + 8*n
	if subLen > 0xFFFF {
		return nil, false
	}
	cmap := make([]byte, 12+subLen)
	be.PutUint16(cmap[2:], 1)
	be.PutUint16(cmap[4:], 3)
	be.PutUint16(cmap[6:], 1)
	be.PutUint32(cmap[8:], 12)
	sub := cmap[12:]
	be.PutUint16(sub[0:], 4)
	be.PutUint16(sub[2:], uint16(subLen))
	be.PutUint16(sub[6:], uint16(2*n))
	sr := 1
	es := 0
	for sr*2 <= n {
		sr *= 2
		es++
	}
	be.PutUint16(sub[8:], uint16(2*sr))
	be.PutUint16(sub[10:], uint16(es))
	be.PutUint16(sub[12:], uint16(2*n-2*sr))
	for i, sg := range segs {
		be.PutUint16(sub[14+2*i:], sg.end)
		be.PutUint16(sub[16+2*n+2*i:], sg.start)
		be.PutUint16(sub[16+4*n+2*i:], sg.delta)
		// idRangeOffset stays 0
	}

	head := slices.Clone(fc.tables["head"])
	be.PutUint32(head[8:], 0) // checkSumAdjustment: not checked by readers of embedded fonts
	be.PutUint16(head[50:], 1)

	tables := map[string][]byte{"cmap": cmap, "glyf": newGlyf, "head": head, "loca": newLoca}
	for _, t := range []string{"OS/2", "hhea", "hmtx", "maxp", "name", "post", "cvt ", "fpgm", "prep", "gasp"} {
		if b, ok := fc.tables[t]; ok {
			tables[t] = b
		}
	}
	return assembleSFNT(tables), true
}

// assembleSFNT writes a TrueType file from its tables.
func assembleSFNT(tables map[string][]byte) []byte {
	be := binary.BigEndian
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	n := len(tags)
	sr, es := 1, 0
	for sr*2 <= n {
		sr *= 2
		es++
	}
	size := 12 + 16*n
	for _, t := range tags {
		size += (len(tables[t]) + 3) &^ 3
	}
	out := make([]byte, 12+16*n, size)
	be.PutUint32(out, 0x00010000)
	be.PutUint16(out[4:], uint16(n))
	be.PutUint16(out[6:], uint16(16*sr))
	be.PutUint16(out[8:], uint16(es))
	be.PutUint16(out[10:], uint16(16*n-16*sr))
	for i, t := range tags {
		b := tables[t]
		rec := out[12+16*i:]
		copy(rec, t)
		var sum uint32
		for j := 0; j < len(b); j += 4 {
			var w [4]byte
			copy(w[:], b[j:])
			sum += be.Uint32(w[:])
		}
		be.PutUint32(rec[4:], sum)
		be.PutUint32(rec[8:], uint32(len(out)))
		be.PutUint32(rec[12:], uint32(len(b)))
		out = append(out, b...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// subsets returns each face cut down to runes (or whole, where cutting
// does not work).
func (f *Font) subsets(runes map[rune]bool) [][]byte {
	list := make([]rune, 0, len(runes))
	for c := range runes {
		list = append(list, c)
	}
	out := make([][]byte, len(f.faces))
	for i, fc := range f.faces {
		if b, ok := fc.subset(list); ok {
			out[i] = b
		} else {
			out[i] = fc.data
		}
	}
	return out
}

// whole returns the faces' files as they are.
func (f *Font) whole() [][]byte {
	out := make([][]byte, len(f.faces))
	for i, fc := range f.faces {
		out[i] = fc.data
	}
	return out
}

// tryEmbed has the PDF library parse and subset the face once, so a font it
// cannot handle fails at load time rather than at the first issuance.
func tryEmbed(fc *face) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pdf library: %v", r)
		}
	}()
	p := fpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("probe", "", fc.data)
	if p.Err() {
		return p.Error()
	}
	p.AddPage()
	p.SetFont("probe", "", 12)
	var sample []rune
	for _, r := range "证A1" {
		if _, ok := fc.widths[r]; ok {
			sample = append(sample, r)
		}
	}
	p.Text(10, 10, string(sample))
	var buf bytes.Buffer
	return p.Output(&buf)
}

// faceOf returns the index of the first face that has a glyph for r, or 0.
func (f *Font) faceOf(r rune) int {
	if r > 0xFFFF {
		r = missingChar
	}
	for i, fc := range f.faces {
		if _, ok := fc.widths[r]; ok {
			return i
		}
	}
	return 0
}

// advance returns the advance of r in face i in 1/1000 em; an unmapped rune
// gets the width of a CJK ideograph, which is what .notdef boxes look like.
func (f *Font) advance(i int, r rune) float64 {
	if r > 0xFFFF {
		r = missingChar
	}
	if w, ok := f.faces[i].widths[r]; ok {
		return float64(w)
	}
	return 1000
}
