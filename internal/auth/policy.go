package auth

import (
	"crypto/rand"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tongban/tongban/internal/apperr"
)

// Password policy of 等保 2.0 level 3 (GB/T 22239-2019, 8.1.4.1 a: identity
// authentication information has complexity requirements).
const (
	MinPasswordLen     = 10  // characters
	MaxPasswordLen     = 128 // characters; longer is a paste accident or an attack on hashing
	MinPasswordClasses = 3   // of upper case, lower case, digits, symbols
	// minUsernameCheckLen: usernames shorter than this are not searched for
	// in the password, since a one- or two-letter name would forbid most
	// passwords without adding any strength.
	minUsernameCheckLen = 3
)

// CheckPasswordPolicy checks a new password: 10–128 characters, at least 3
// of the 4 classes upper-case letter, lower-case letter, digit and symbol
// (any other printable character, Chinese included), no control characters,
// and not containing the username (ignoring case). All problems are
// reported at once so the user fixes them in one go.
func CheckPasswordPolicy(pw string, username string) error {
	if !utf8.ValidString(pw) {
		return apperr.New(apperr.Invalid, "password.encoding", "密码含有无效字符", "the password contains invalid characters")
	}
	var zh, en []string
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		zh = append(zh, fmt.Sprintf("长度至少 %d 位（当前 %d 位）", MinPasswordLen, n))
		en = append(en, fmt.Sprintf("be at least %d characters long (it has %d)", MinPasswordLen, n))
	}
	if n > MaxPasswordLen {
		zh = append(zh, fmt.Sprintf("长度不超过 %d 位（当前 %d 位）", MaxPasswordLen, n))
		en = append(en, fmt.Sprintf("be at most %d characters long (it has %d)", MaxPasswordLen, n))
	}
	var upper, lower, digit, symbol, control bool
	for _, r := range pw {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			control = true
		default:
			symbol = true
		}
	}
	if control {
		zh = append(zh, "不含控制字符")
		en = append(en, "contain no control characters")
	}
	if classes := count(upper, lower, digit, symbol); classes < MinPasswordClasses {
		zh = append(zh, fmt.Sprintf("包含大写字母、小写字母、数字、符号中的至少 %d 类（当前 %d 类）", MinPasswordClasses, classes))
		en = append(en, fmt.Sprintf("mix at least %d of upper-case letters, lower-case letters, digits and symbols (it has %d)", MinPasswordClasses, classes))
	}
	if u := strings.TrimSpace(username); utf8.RuneCountInString(u) >= minUsernameCheckLen &&
		strings.Contains(strings.ToLower(pw), strings.ToLower(u)) {
		zh = append(zh, "不包含用户名")
		en = append(en, "not contain the username")
	}
	if len(zh) == 0 {
		return nil
	}
	return apperr.New(apperr.Invalid, "password.policy",
		"密码不符合要求，应"+strings.Join(zh, "；")+"。",
		"the password must "+strings.Join(en, "; ")+".").
		WithField("password", "policy", strings.Join(zh, "；"), strings.Join(en, "; "))
}

// count returns how many of bs are true.
func count(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// Alphabets for GeneratePassword, without characters easily confused when
// read aloud or copied from a printout: 0/O/o, 1/l/I/i, 2/Z/z, 5/S/s, 8/B,
// and symbols that look alike or need escaping in shells and CSVs.
const (
	genUpper  = "ACDEFGHJKLMNPQRTUVWXY"
	genLower  = "abcdefghjkmnpqrtuvwxy"
	genDigit  = "34679"
	genSymbol = "#%+=@^*"
	genLen    = 16
)

// GeneratePassword returns a random 16-character password that meets the
// policy (all four classes, no ambiguous characters), for demo and initial
// accounts whose password is printed once. About 90 bits of entropy.
func GeneratePassword() string {
	all := genUpper + genLower + genDigit + genSymbol
	b := make([]byte, genLen)
	// One of each class guarantees the policy; the rest is uniform.
	for i, set := range []string{genUpper, genLower, genDigit, genSymbol} {
		b[i] = set[randIndex(len(set))]
	}
	for i := 4; i < genLen; i++ {
		b[i] = all[randIndex(len(all))]
	}
	// Fisher–Yates, so the guaranteed classes are not always first.
	for i := genLen - 1; i > 0; i-- {
		j := randIndex(i + 1)
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// randIndex returns a uniform random integer in [0, n), n ≤ 256, by
// rejection sampling so no value is favoured.
func randIndex(n int) int {
	limit := 256 - 256%n
	var buf [1]byte
	for {
		_, _ = rand.Read(buf[:]) // never fails since Go 1.24; it crashes the program instead
		if int(buf[0]) < limit {
			return int(buf[0]) % n
		}
	}
}
