package blob

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFileNameRunes is the longest display name CleanFileName returns.
const MaxFileNameRunes = 120

// maxExtRunes bounds what CleanFileName keeps as an extension when it
// shortens a name.
const maxExtRunes = 16

// CleanFileName turns a client-supplied file name into one safe to show
// and to offer in a download: the last path element (after "/" or "\"),
// without control or invisible format characters (U+202E can disguise
// "gpj.exe"), without "..", without leading dots or spaces, at most 120
// characters with the extension kept. Chinese is kept. An empty result
// becomes "file". It is for display only: storage keys never derive from
// user input.
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	for strings.Contains(name, "..") {
		name = strings.ReplaceAll(name, "..", "")
	}
	name = strings.TrimLeft(name, ". \u3000")
	name = strings.TrimRight(name, " \u3000")
	if utf8.RuneCountInString(name) > MaxFileNameRunes {
		name = shorten(name)
	}
	if name == "" {
		return "file"
	}
	return name
}

// shorten cuts name to MaxFileNameRunes, keeping a short extension so the
// downloaded file still opens with the right program.
func shorten(name string) string {
	rs := []rune(name)
	ext := []rune{}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		if e := []rune(name[i:]); len(e) <= maxExtRunes {
			ext = e
		}
	}
	stem := rs[:len(rs)-len(ext)]
	stem = stem[:MaxFileNameRunes-len(ext)]
	return strings.TrimRight(string(stem), " .") + string(ext)
}
