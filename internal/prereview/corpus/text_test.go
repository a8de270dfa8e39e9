package corpus

import (
	"encoding/binary"
	"errors"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ident"
)

func TestCapitalAmount(t *testing.T) {
	for _, tc := range []struct {
		fen      int64
		want     string
		decimal  string
		withSmal string
	}{
		{120000000, "壹佰贰拾万元整", "1200000", "1,200,000.00"},
		{120050000, "壹佰贰拾万零伍佰元整", "1200500", "1,200,500.00"},
		{10000000, "壹拾万元整", "100000", "100,000.00"},
		{100500, "壹仟零伍元整", "1005", "1,005.00"},
		{100056, "壹仟元零伍角陆分", "1000.56", "1,000.56"},
		{1005, "壹拾元零伍分", "10.05", "10.05"},
		{2030, "贰拾元零叁角", "20.3", "20.30"},
		{56, "伍角陆分", "0.56", "0.56"},
		{200, "贰元整", "2", "2.00"},
		{1000050000, "壹仟万零伍佰元整", "10000500", "10,000,500.00"},
		{10000050000, "壹亿零伍佰元整", "100000500", "100,000,500.00"},
		{1005000000, "壹仟零伍万元整", "10050000", "10,050,000.00"},
		{1234056700, "壹仟贰佰叁拾肆万零伍佰陆拾柒元整", "12340567", "12,340,567.00"},
		{1000000000000, "壹佰亿元整", "10000000000", "10,000,000,000.00"},
		{0, "零元整", "0", "0.00"},
	} {
		if got := capitalAmount(tc.fen); got != tc.want {
			t.Errorf("capitalAmount(%d) = %s, want %s", tc.fen, got, tc.want)
		}
		if got := decimalAmount(tc.fen); got != tc.decimal {
			t.Errorf("decimalAmount(%d) = %s, want %s", tc.fen, got, tc.decimal)
		}
		if got := smallAmount(tc.fen); got != tc.withSmal {
			t.Errorf("smallAmount(%d) = %s, want %s", tc.fen, got, tc.withSmal)
		}
	}
}

func TestUSCC(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		c := newCompany(r)
		if err := ident.ValidateUSCC(c.USCC); err != nil {
			t.Fatalf("newCompany made an invalid code %s: %v", c.USCC, err)
		}
		bad := breakUSCC(r, c.USCC)
		err := ident.ValidateUSCC(bad)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Key != "uscc.check" {
			t.Fatalf("breakUSCC(%s) = %s: got %v, want a check-character error", c.USCC, bad, err)
		}
	}
}

func TestChineseNumber(t *testing.T) {
	for n, want := range map[int]string{1: "一", 9: "九", 10: "十", 11: "十一", 20: "二十", 23: "二十三"} {
		if got := chineseNumber(n); got != want {
			t.Errorf("chineseNumber(%d) = %s, want %s", n, got, want)
		}
	}
}

// TestTextInFont checks that every character of every string literal in
// the package's source has a glyph in the Song face the documents are set
// in, so that no document prints a missing-glyph box.
func TestTextInFont(t *testing.T) {
	song, _, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	cmap, err := cmapOf(song)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, s := range sourceStrings(t) {
		for _, r := range s {
			if r < 0x20 || r == 0x7f {
				continue
			}
			checked++
			if !cmap[r] {
				t.Errorf("%q has %q (U+%04X), which the font lacks", s, r, r)
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("checked only %d characters", checked)
	}
}

var update = flag.Bool("update", false, "rewrite chars.go")

// TestCharset checks that drawnChars holds every character beyond ASCII of
// the package's string literals, so that the fonts cut down to charset()
// lack nothing the documents draw; -update rewrites it.
func TestCharset(t *testing.T) {
	var want []rune
	seen := map[rune]bool{}
	for _, s := range sourceStrings(t) {
		for _, r := range s {
			if r >= 0x80 && !seen[r] {
				seen[r] = true
				want = append(want, r)
			}
		}
	}
	slices.Sort(want)
	if *update {
		src := "package corpus\n\n// drawnChars are the characters beyond ASCII in the package's string\n// literals. Generated: go test -run TestCharset -update.\nconst drawnChars = " + strconv.Quote(string(want)) + "\n"
		if err := os.WriteFile("chars.go", []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have := map[rune]bool{}
	for _, r := range charset() {
		have[r] = true
	}
	for _, r := range want {
		if !have[r] {
			t.Errorf("%q (U+%04X) is drawn but not in drawnChars: go test -run TestCharset -update", r, r)
		}
	}
}

// sourceStrings returns the text string literals of the package's
// non-test source.
func sourceStrings(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "chars.go" {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && utf8.ValidString(s) {
					out = append(out, s)
				}
			}
			return true
		})
	}
	return out
}

// cmapOf returns the characters a TrueType font maps (format 4 subtable
// of the Unicode BMP cmap).
func cmapOf(font []byte) (map[rune]bool, error) {
	be := binary.BigEndian
	if len(font) < 12 {
		return nil, errors.New("short font")
	}
	n := int(be.Uint16(font[4:]))
	var cmap []byte
	for i := 0; i < n; i++ {
		rec := font[12+16*i:]
		if string(rec[:4]) == "cmap" {
			off, ln := be.Uint32(rec[8:]), be.Uint32(rec[12:])
			cmap = font[off : off+ln]
		}
	}
	if cmap == nil {
		return nil, errors.New("no cmap")
	}
	out := map[rune]bool{}
	for i := 0; i < int(be.Uint16(cmap[2:])); i++ {
		rec := cmap[4+8*i:]
		pid, eid, off := be.Uint16(rec), be.Uint16(rec[2:]), be.Uint32(rec[4:])
		if !(pid == 3 && eid == 1 || pid == 0) {
			continue
		}
		sub := cmap[off:]
		if be.Uint16(sub) != 4 {
			continue
		}
		segs := int(be.Uint16(sub[6:])) / 2
		ends := sub[14:]
		starts := sub[16+2*segs:]
		deltas := sub[16+4*segs:]
		ranges := sub[16+6*segs:]
		for s := 0; s < segs; s++ {
			end, start := int(be.Uint16(ends[2*s:])), int(be.Uint16(starts[2*s:]))
			delta, ro := int(int16(be.Uint16(deltas[2*s:]))), int(be.Uint16(ranges[2*s:]))
			for c := start; c <= end && c != 0xffff; c++ {
				g := 0
				if ro == 0 {
					g = (c + delta) & 0xffff
				} else {
					at := 16 + 6*segs + 2*s + ro + 2*(c-start)
					if at+2 <= len(sub) {
						if g = int(be.Uint16(sub[at:])); g != 0 {
							g = (g + delta) & 0xffff
						}
					}
				}
				if g != 0 {
					out[rune(c)] = true
				}
			}
		}
		return out, nil
	}
	return nil, errors.New("no format 4 cmap")
}
