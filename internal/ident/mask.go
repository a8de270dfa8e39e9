package ident

import "strings"

// MaskResidentID masks a resident identity number for display, keeping the
// first 6 characters (the division of registration) and the last 4, as
// screens and printouts of government services customarily do:
// 350203********123X. Input too short to keep 10 characters visible while
// hiding at least one is masked completely rather than shown.
func MaskResidentID(id string) string {
	return maskMiddle(id, 6, 4)
}

// MaskPhone masks a telephone number for display, keeping the first 3 and
// the last 4 characters: 138****5678. Input shorter than 8 characters is
// masked completely.
func MaskPhone(phone string) string {
	return maskMiddle(phone, 3, 4)
}

// maskMiddle keeps head and tail runes of s and replaces the rest with '*'.
// It works on runes so a stray full-width character cannot split a UTF-8
// sequence, and it never reveals more than head+tail runes.
func maskMiddle(s string, head, tail int) string {
	rs := []rune(strings.TrimSpace(s))
	if len(rs) <= head+tail {
		return strings.Repeat("*", len(rs))
	}
	return string(rs[:head]) + strings.Repeat("*", len(rs)-head-tail) + string(rs[len(rs)-tail:])
}
