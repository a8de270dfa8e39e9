// Package ident validates the identity codes of the field: the unified
// social credit code of organisations (GB 32100-2015), the resident identity
// number of persons (GB 11643-1999) and the national investment project code.
// It also masks personal identifiers for display.
//
// Every validator returns an apperr.Invalid error whose bilingual message
// says exactly what is wrong, so a form can show it next to the field as is.
package ident

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tongban/tongban/internal/apperr"
)

// USCCLen is the length of a unified social credit code.
const USCCLen = 18

// usccAlphabet is the character set of GB 32100-2015 in value order: the
// value of a character is its index. I, O, Z, S and V are left out because
// they are easily confused with 1, 0, 2, 5 and U.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the weights of positions 1–17 (3^i mod 31).
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccValue returns the value of c in the code's alphabet, or -1.
func usccValue(c byte) int {
	return strings.IndexByte(usccAlphabet, c)
}

// NormalizeUSCC trims spaces and upper-cases a code as typed by a person.
// Validate the result; stored codes are always normalised.
func NormalizeUSCC(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

// USCCCheckChar returns the check character (position 18) of the first 17
// characters of a unified social credit code. Demo data uses it to make
// valid codes.
func USCCCheckChar(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != USCCLen-1 {
		return 0, invalid("uscc.length",
			fmt.Sprintf("统一社会信用代码本体应为 17 位，实际为 %d 位", n),
			fmt.Sprintf("the body of a unified social credit code must be 17 characters, got %d", n))
	}
	if err := usccChars(first17); err != nil {
		return 0, err
	}
	sum := 0
	for i := 0; i < USCCLen-1; i++ {
		sum += usccValue(first17[i]) * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31], nil
}

// usccChars checks the character set and the division part of s, naming
// positions by character (not byte) so a full-width character pasted from a
// document is reported where the user sees it.
func usccChars(s string) error {
	pos := 0
	for _, r := range s {
		pos++
		if r >= 0x80 {
			return invalid("uscc.char",
				fmt.Sprintf("统一社会信用代码第 %d 位含有非法字符%s（只能是半角数字和大写字母）", pos, showChar(r)),
				fmt.Sprintf("unified social credit code: illegal character %q at position %d (only ASCII digits and capital letters are allowed)", r, pos))
		}
		c := byte(r)
		if usccValue(c) < 0 {
			hint, hintEN := "", ""
			switch {
			case c >= 'a' && c <= 'z':
				hint, hintEN = "，字母须大写", "; letters must be upper case"
			case strings.IndexByte("IOZSV", c) >= 0:
				hint, hintEN = "，代码不使用字母 I、O、Z、S、V", "; the code never uses the letters I, O, Z, S, V"
			}
			return invalid("uscc.char",
				fmt.Sprintf("统一社会信用代码第 %d 位含有非法字符%s%s", pos, showChar(r), hint),
				fmt.Sprintf("unified social credit code: illegal character %q at position %d%s", c, pos, hintEN))
		}
		if pos >= 3 && pos <= 8 && (c < '0' || c > '9') {
			return invalid("uscc.division",
				fmt.Sprintf("统一社会信用代码第 3–8 位为行政区划代码，只能是数字（第 %d 位为%s）", pos, showChar(r)),
				fmt.Sprintf("unified social credit code: positions 3–8 are the administrative division and must be digits (position %d is %q)", pos, c))
		}
	}
	return nil
}

// ValidateUSCC checks a unified social credit code as stored (normalise
// input with NormalizeUSCC first): 18 characters from the code's alphabet,
// positions 3–8 digits (the administrative division), and the check
// character at position 18.
//
// Positions 1 (registration authority) and 2 (entity type) are only checked
// against the alphabet: the authorities keep adding codes (A, N, …) after
// GB 32100-2015, and refusing a real enterprise is worse than accepting an
// unusual but checksummed code.
func ValidateUSCC(code string) error {
	if code == "" {
		return invalid("uscc.required", "请填写统一社会信用代码", "the unified social credit code is required")
	}
	if n := utf8.RuneCountInString(code); n != USCCLen {
		return invalid("uscc.length",
			fmt.Sprintf("统一社会信用代码应为 18 位，实际为 %d 位", n),
			fmt.Sprintf("a unified social credit code must be 18 characters, got %d", n))
	}
	if err := usccChars(code); err != nil {
		return err
	}
	want, err := USCCCheckChar(code[:USCCLen-1])
	if err != nil {
		return err
	}
	if got := code[USCCLen-1]; got != want {
		return invalid("uscc.check",
			fmt.Sprintf("统一社会信用代码校验位错误：第 18 位应为“%c”，实际为“%c”，请核对代码是否抄错", want, got),
			fmt.Sprintf("unified social credit code: wrong check character, expected %q got %q; please check for a typo", want, got))
	}
	return nil
}

// invalid returns an apperr.Invalid error with already formatted messages.
func invalid(key, zh, en string) error {
	return apperr.New(apperr.Invalid, key, zh, en)
}

// showChar quotes r for a Chinese message, spelling out invisible
// characters so the user can find them.
func showChar(r rune) string {
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return fmt.Sprintf("“U+%04X”", r)
	}
	return "“" + string(r) + "”"
}
