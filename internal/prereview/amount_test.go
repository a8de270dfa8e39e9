package prereview

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestParseCapitalAmount(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"壹佰贰拾万元整", "1200000"},
		{"人民币壹佰贰拾万元整", "1200000"},
		{"叁拾肆万伍仟陆佰柒拾捌元玖角整", "345678.90"},
		{"叁拾肆万伍仟陆佰柒拾捌元玖角捌分", "345678.98"},
		{"捌仟柒佰零叁万零陆元整", "87030006"},
		{"壹亿贰仟叁佰万元整", "123000000"},
		{"壹亿零伍万元整", "100050000"},
		{"拾万元整", "100000"},
		{"壹拾万元整", "100000"},
		{"玖元", "9"},
		{"壹仟零伍元正", "1005"},
		{"零元伍角", "0.50"},
		{"伍分", ""},
		{"柒角伍分", ""},
		{"贰万元", "20000"},
		{"壹佰万", "1000000"},
		{"壹万亿元", "1000000000000"},
		{"伍拾萬圓整", "500000"},
		{"貳佰元", "200"},
		{"陸仟元", "6000"},
		{"壹元零伍分", "1.05"},
		// Not amounts.
		{"", ""},
		{"整", ""},
		{"元整", ""},
		{"壹贰", ""},
		{"佰元", ""},
		{"万元", ""},
		{"一百万元", ""},
		{"壹佰万元整元", ""},
		{"壹元伍", ""},
		{"壹元伍角伍角", ""},
		{"1200000", ""},
		{"零", ""},
	} {
		got, err := ParseCapitalAmount(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParseCapitalAmount(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseCapitalAmount(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// capitalOf writes fen (hundredths of a yuan) in capital numerals the way
// a bank form does, for the round trip test.
func capitalOf(fen int64) string {
	digits := []rune("零壹贰叁肆伍陆柒捌玖")
	units := []rune("拾佰仟")
	section := func(n int64) string {
		// n < 10000, written with a 零 for each run of missing units.
		var b strings.Builder
		zero := false
		for i, p := 3, int64(1000); i >= 0; i, p = i-1, p/10 {
			d := n / p % 10
			if d == 0 {
				if b.Len() > 0 {
					zero = true
				}
				continue
			}
			if zero {
				b.WriteRune('零')
				zero = false
			}
			b.WriteRune(digits[d])
			if i > 0 {
				b.WriteRune(units[i-1])
			}
		}
		return b.String()
	}
	yuan := fen / 100
	var b strings.Builder
	yi, wan, rest := yuan/100000000, yuan/10000%10000, yuan%10000
	if yi > 0 {
		b.WriteString(section(yi) + "亿")
	}
	if wan > 0 {
		if yi > 0 && wan < 1000 {
			b.WriteRune('零')
		}
		b.WriteString(section(wan) + "万")
	}
	if rest > 0 {
		if (yi > 0 || wan > 0) && rest < 1000 {
			b.WriteRune('零')
		}
		b.WriteString(section(rest))
	}
	if yuan == 0 {
		b.WriteRune('零')
	}
	b.WriteRune('元')
	jiao, f := fen/10%10, fen%10
	switch {
	case jiao == 0 && f == 0:
		b.WriteRune('整')
	case f == 0:
		b.WriteString(string(digits[jiao]) + "角整")
	case jiao == 0:
		b.WriteString("零" + string(digits[f]) + "分")
	default:
		b.WriteString(string(digits[jiao]) + "角" + string(digits[f]) + "分")
	}
	return b.String()
}

func decimalOf(fen int64) string {
	s := strconv.FormatInt(fen/100, 10)
	if fen%100 != 0 {
		s += "." + strconv.FormatInt(fen/10%10, 10) + strconv.FormatInt(fen%10, 10)
	}
	return s
}

func TestParseCapitalAmountRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for i := 0; i < 5000; i++ {
		// Amounts of every size: 1 fen to about 700 billion yuan (亿 sections
		// below 万, as capitalOf writes them).
		fen := r.Int64N(int64(1) << uint(1+r.IntN(46)))
		if fen < 100 {
			fen += 100 // 零元伍角 is written 伍角 in practice; keep a yuan
		}
		in := capitalOf(fen)
		got, err := ParseCapitalAmount(in)
		if err != nil || got != decimalOf(fen) {
			t.Fatalf("ParseCapitalAmount(%q) = %q, %v; want %q", in, got, err, decimalOf(fen))
		}
	}
}

func TestFindCapitalAmounts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"注册资本人民币壹佰万元整", []string{"1000000"}},
		{"合同价款（大写）：叁拾万元整（小写：¥300,000.00）", []string{"300000"}},
		{"壹佰万元整\t成立日期", []string{"1000000"}},
		{"注册资本壹佰万元人民币", []string{"1000000"}},
		// The tail or the head of a misread amount is no amount.
		{"人民币索佰融拾万元整", nil},
		{"人民币壹亿贰仟参佰万元整", nil},
		{"拾取物品", nil},
		{"万元户", nil},
	} {
		_, got := findCapitalAmounts(tc.in)
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("findCapitalAmounts(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func FuzzParseCapitalAmount(f *testing.F) {
	for _, s := range []string{"壹佰贰拾万元整", "叁拾肆万伍仟陆佰柒拾捌元玖角整", "壹万亿元", "零元伍角", "拾", "亿万", "元元"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseCapitalAmount(s)
		if err != nil {
			return
		}
		whole, frac, _ := strings.Cut(got, ".")
		if _, err := strconv.ParseUint(whole, 10, 64); err != nil {
			t.Fatalf("ParseCapitalAmount(%q) = %q: not a number", s, got)
		}
		if frac != "" && len(frac) != 2 {
			t.Fatalf("ParseCapitalAmount(%q) = %q: want two decimals", s, got)
		}
		findCapitalAmounts(s)
	})
}
