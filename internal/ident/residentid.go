package ident

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ResidentIDLen is the length of a resident identity number.
const ResidentIDLen = 18

// residentWeights are the weights of positions 1–17 (2^(18-i) mod 11) of
// the ISO 7064 MOD 11-2 check of GB 11643-1999.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentCheck maps the weighted sum mod 11 to the check character.
const residentCheck = "10X98765432"

// earliestBirthYear bounds plausible birth years; the standard's own
// example is from 1880.
const earliestBirthYear = 1850

// NormalizeResidentID trims spaces and upper-cases a trailing x as typed by
// a person.
func NormalizeResidentID(id string) string {
	return strings.ToUpper(strings.TrimSpace(id))
}

// ResidentIDCheckDigit returns the check character ('0'–'9' or 'X') of the
// first 17 digits of a resident identity number.
func ResidentIDCheckDigit(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != ResidentIDLen-1 {
		return 0, invalid("resident_id.length",
			fmt.Sprintf("身份证号码本体应为 17 位数字，实际为 %d 位", n),
			fmt.Sprintf("the body of a resident identity number must be 17 digits, got %d", n))
	}
	if err := residentDigits(first17); err != nil {
		return 0, err
	}
	sum := 0
	for i := 0; i < ResidentIDLen-1; i++ {
		sum += int(first17[i]-'0') * residentWeights[i]
	}
	return residentCheck[sum%11], nil
}

// residentDigits checks that s consists of digits only.
func residentDigits(s string) error {
	pos := 0
	for _, r := range s {
		pos++
		if r < '0' || r > '9' {
			return invalid("resident_id.char",
				fmt.Sprintf("身份证号码第 %d 位含有非法字符%s（前 17 位只能是数字）", pos, showChar(r)),
				fmt.Sprintf("resident identity number: illegal character %q at position %d (the first 17 characters must be digits)", r, pos))
		}
	}
	return nil
}

// ValidateResidentID checks an 18-character resident identity number as
// stored (normalise input with NormalizeResidentID first): digits, a real
// birth date at positions 7–14, and the MOD 11-2 check character, where 'X'
// stands for 10. The administrative division (positions 1–6) is not checked
// against a list: divisions are renamed and merged, and old numbers stay
// valid for life. Use ValidateResidentIDAt to also refuse future birth dates.
func ValidateResidentID(id string) error {
	_, err := validateResidentID(id)
	return err
}

// ValidateResidentIDAt is ValidateResidentID that also refuses a birth date
// after today (the caller's clock, in China Standard Time).
func ValidateResidentIDAt(id string, today time.Time) error {
	birth, err := validateResidentID(id)
	if err != nil {
		return err
	}
	y, m, d := today.Date()
	if birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return invalid("resident_id.birth_future",
			fmt.Sprintf("身份证号码中的出生日期 %s 晚于今天", birth.Format("2006-01-02")),
			fmt.Sprintf("resident identity number: the birth date %s is in the future", birth.Format("2006-01-02")))
	}
	return nil
}

// validateResidentID does the checks of ValidateResidentID and returns the
// birth date (UTC midnight).
func validateResidentID(id string) (time.Time, error) {
	if id == "" {
		return time.Time{}, invalid("resident_id.required", "请填写身份证号码", "the resident identity number is required")
	}
	n := utf8.RuneCountInString(id)
	if n == 15 {
		return time.Time{}, invalid("resident_id.length",
			"身份证号码应为 18 位，这是 15 位的旧号码，请填写换发后的 18 位号码",
			"a resident identity number must be 18 characters; this is an old 15-digit number, please give the current 18-character one")
	}
	if n != ResidentIDLen {
		return time.Time{}, invalid("resident_id.length",
			fmt.Sprintf("身份证号码应为 18 位，实际为 %d 位", n),
			fmt.Sprintf("a resident identity number must be 18 characters, got %d", n))
	}
	rs := []rune(id)
	body := string(rs[:ResidentIDLen-1])
	if err := residentDigits(body); err != nil {
		return time.Time{}, err
	}
	last := rs[ResidentIDLen-1]
	if (last < '0' || last > '9') && last != 'X' {
		hint, hintEN := "", ""
		if last == 'x' {
			hint, hintEN = "，校验位 X 须大写", "; the check character X must be upper case"
		}
		return time.Time{}, invalid("resident_id.char",
			fmt.Sprintf("身份证号码第 18 位含有非法字符%s（只能是数字或 X）%s", showChar(last), hint),
			fmt.Sprintf("resident identity number: illegal character %q at position 18 (only a digit or X)%s", last, hintEN))
	}
	birth, err := residentBirth(id[6:14])
	if err != nil {
		return time.Time{}, err
	}
	want, err := ResidentIDCheckDigit(body)
	if err != nil {
		return time.Time{}, err
	}
	if byte(last) != want {
		return time.Time{}, invalid("resident_id.check",
			fmt.Sprintf("身份证号码校验位错误：第 18 位应为“%c”，实际为“%c”，请核对号码是否抄错", want, last),
			fmt.Sprintf("resident identity number: wrong check character, expected %q got %q; please check for a typo", want, byte(last)))
	}
	return birth, nil
}

// residentBirth parses the YYYYMMDD birth date of positions 7–14.
func residentBirth(s string) (time.Time, error) {
	bad := func() (time.Time, error) {
		return time.Time{}, invalid("resident_id.birth",
			fmt.Sprintf("身份证号码第 7–14 位的出生日期“%s”不是有效日期", s),
			fmt.Sprintf("resident identity number: positions 7–14 %q are not a valid birth date (YYYYMMDD)", s))
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return bad()
	}
	if t.Year() < earliestBirthYear {
		return bad()
	}
	return t, nil
}
