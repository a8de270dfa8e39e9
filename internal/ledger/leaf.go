package ledger

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/store"
)

// EventLeafVersion is the tag that starts every event leaf. A future change
// of the encoding gets a new tag; leaves already in the log keep theirs.
const EventLeafVersion = "tongban/event/v1"

// EventLeaf returns the canonical leaf data of an event: the bytes whose
// RFC 6962 leaf hash enters the tree. It is a length-prefixed binary form
// (docs/ledger.md, "Leaf encoding") that a verifier in any language can
// rebuild from the stored row:
//
//	str(EventLeafVersion)
//	i64(seq) str(id) str(project_id) str(stage_id) str(task_id) str(kind)
//	str(actor_id) str(actor_name) str(actor_role) str(from) str(to)
//	i64(from_level) i64(to_level) str(opinion) str(canonical data JSON)
//	i64(at, unix milliseconds UTC)
//
// where str(s) is the byte length of s as a big-endian uint32 followed by
// its UTF-8 bytes and i64(n) is n as a big-endian two's-complement int64.
//
// Data is encoded as the store writes it (json.Marshal, "{}" when empty) and
// then canonicalised (CanonicalJSON). A verifier must start from the stored
// data text, not from a decoded copy: JSON numbers beyond 2^53 do not
// survive a round trip through float64.
func EventLeaf(e store.Event) ([]byte, error) {
	data := []byte("{}")
	if len(e.Data) > 0 {
		var err error
		if data, err = json.Marshal(e.Data); err != nil {
			return nil, invalidLeaf(err)
		}
	}
	return EventLeafRaw(e, data)
}

// EventLeafRaw is EventLeaf with the event's data given as stored JSON text
// (the events.data column); e.Data is ignored. It is what a verifier reading
// rows straight from the database uses.
func EventLeafRaw(e store.Event, dataJSON []byte) ([]byte, error) {
	data, err := CanonicalJSON(dataJSON)
	if err != nil {
		return nil, invalidLeaf(err)
	}
	strs := []string{e.ID, e.ProjectID, e.StageID, e.TaskID, e.Kind, e.ActorID, e.ActorName, e.ActorRole, e.From, e.To, e.Opinion}
	n := 4 + len(EventLeafVersion) + 8*4 + 4 + len(data)
	for _, s := range strs {
		if !utf8.ValidString(s) {
			return nil, invalidLeaf(errors.New("event text is not valid UTF-8"))
		}
		n += 4 + len(s)
	}
	b := make([]byte, 0, n)
	b = appendStr(b, EventLeafVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Seq))
	for _, s := range strs[:10] { // id … to
		b = appendStr(b, s)
	}
	b = binary.BigEndian.AppendUint64(b, uint64(int64(e.FromLevel)))
	b = binary.BigEndian.AppendUint64(b, uint64(int64(e.ToLevel)))
	b = appendStr(b, e.Opinion)
	b = appendStr(b, string(data))
	b = binary.BigEndian.AppendUint64(b, uint64(e.At.UTC().UnixMilli()))
	return b, nil
}

func appendStr(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func invalidLeaf(cause error) error {
	e := apperr.New(apperr.Invalid, "ledger.bad_event", "事件内容无法编码为账本条目", "the event cannot be encoded as a ledger entry")
	e.Err = cause
	return e
}

// CanonicalJSON re-encodes one JSON value in the ledger's canonical form:
// no insignificant white space; object members sorted by the UTF-8 bytes of
// their names (duplicate names are an error); strings with only '"', '\\'
// and the control characters U+0000–U+001F escaped (\b \f \n \r \t, the
// others as \u00xx in lower-case hex), every other character as its UTF-8
// bytes; numbers, true, false and null copied verbatim. Invalid UTF-8 in
// strings is an error.
//
// It reads the text as encoding/json does (RFC 8259; an escaped lone
// surrogate becomes U+FFFD) in one pass without a decoder: every event's
// leaf is computed with it, in the write that stores the event and again
// for every event in a full verification. The tests hold it to the
// first implementation, on encoding/json's Decoder (canonical_ref_test.go).
func CanonicalJSON(raw []byte) ([]byte, error) {
	if !utf8.Valid(raw) {
		return nil, errors.New("canonical JSON: not valid UTF-8")
	}
	c := canonicalizer{in: raw, out: make([]byte, 0, len(raw))}
	c.space()
	if err := c.value(0); err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	if c.space(); c.pos != len(c.in) {
		return nil, errors.New("canonical JSON: data after the value")
	}
	return c.out, nil
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

// canonicalizer reads in from pos and appends the canonical form to out.
type canonicalizer struct {
	in      []byte
	pos     int
	out     []byte
	scratch []byte // unescaped string contents
}

var errJSONEnd = errors.New("unexpected end of JSON input")

func (c *canonicalizer) space() {
	for c.pos < len(c.in) {
		switch c.in[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

// next returns the byte at pos, or 0 at the end (never valid there).
func (c *canonicalizer) next() byte {
	if c.pos < len(c.in) {
		return c.in[c.pos]
	}
	return 0
}

func (c *canonicalizer) syntaxError(what string) error {
	if c.pos >= len(c.in) {
		return errJSONEnd
	}
	return fmt.Errorf("invalid character %q %s at offset %d", c.in[c.pos], what, c.pos)
}

func (c *canonicalizer) value(depth int) error {
	if depth > maxDepth {
		return errors.New("nested too deeply")
	}
	switch b := c.next(); {
	case b == '{':
		return c.object(depth)
	case b == '[':
		return c.array(depth)
	case b == '"':
		s, err := c.str()
		if err != nil {
			return err
		}
		c.out = appendString(c.out, s)
		return nil
	case b == '-' || ('0' <= b && b <= '9'):
		return c.number()
	case b == 't':
		return c.literal("true")
	case b == 'f':
		return c.literal("false")
	case b == 'n':
		return c.literal("null")
	}
	return c.syntaxError("looking for beginning of value")
}

func (c *canonicalizer) literal(word string) error {
	if !bytes.HasPrefix(c.in[c.pos:], []byte(word)) {
		return fmt.Errorf("invalid literal at offset %d", c.pos)
	}
	c.pos += len(word)
	c.out = append(c.out, word...)
	return nil
}

// number copies a number, checked against RFC 8259's grammar, verbatim.
func (c *canonicalizer) number() error {
	start := c.pos
	digits := func() int {
		n := 0
		for c.pos < len(c.in) && '0' <= c.in[c.pos] && c.in[c.pos] <= '9' {
			c.pos++
			n++
		}
		return n
	}
	if c.next() == '-' {
		c.pos++
	}
	switch b := c.next(); {
	case b == '0':
		c.pos++
	case '1' <= b && b <= '9':
		digits()
	default:
		return c.syntaxError("in numeric literal")
	}
	if c.next() == '.' {
		c.pos++
		if digits() == 0 {
			return c.syntaxError("after decimal point in numeric literal")
		}
	}
	if b := c.next(); b == 'e' || b == 'E' {
		c.pos++
		if b := c.next(); b == '+' || b == '-' {
			c.pos++
		}
		if digits() == 0 {
			return c.syntaxError("in exponent of numeric literal")
		}
	}
	c.out = append(c.out, c.in[start:c.pos]...)
	return nil
}

func (c *canonicalizer) array(depth int) error {
	c.pos++ // '['
	c.out = append(c.out, '[')
	c.space()
	if c.next() == ']' {
		c.pos++
		c.out = append(c.out, ']')
		return nil
	}
	for {
		c.space()
		if err := c.value(depth + 1); err != nil {
			return err
		}
		c.space()
		switch c.next() {
		case ',':
			c.pos++
			c.out = append(c.out, ',')
		case ']':
			c.pos++
			c.out = append(c.out, ']')
			return nil
		default:
			return c.syntaxError("after array element")
		}
	}
}

// member is an object member already written to out: its name and where
// `"name":value` is (without the comma before it).
type member struct {
	name       string
	start, end int
}

func (c *canonicalizer) object(depth int) error {
	c.pos++ // '{'
	open := len(c.out)
	c.out = append(c.out, '{')
	c.space()
	if c.next() == '}' {
		c.pos++
		c.out = append(c.out, '}')
		return nil
	}
	var members []member
	sorted := true
	for {
		c.space()
		if c.next() != '"' {
			return c.syntaxError("looking for beginning of object key string")
		}
		name, err := c.str()
		if err != nil {
			return err
		}
		c.space()
		if c.next() != ':' {
			return c.syntaxError("after object key")
		}
		c.pos++
		c.space()
		if len(members) > 0 {
			c.out = append(c.out, ',')
		}
		m := member{name: string(name), start: len(c.out)}
		c.out = append(appendString(c.out, name), ':')
		if err := c.value(depth + 1); err != nil {
			return err
		}
		m.end = len(c.out)
		if k := len(members); k > 0 && members[k-1].name >= m.name {
			sorted = false
		}
		members = append(members, m)
		c.space()
		switch c.next() {
		case ',':
			c.pos++
			continue
		case '}':
			c.pos++
		default:
			return c.syntaxError("after object key:value pair")
		}
		break
	}
	// Members were written as they came. Unless their names already
	// ascend strictly, put them in order (Go compares strings bytewise:
	// UTF-8 byte order, which is also code point order).
	if !sorted {
		body := bytes.Clone(c.out[open+1:])
		slices.SortFunc(members, func(a, b member) int { return strings.Compare(a.name, b.name) })
		c.out = c.out[:open+1]
		for i, m := range members {
			if i > 0 {
				if m.name == members[i-1].name {
					return fmt.Errorf("duplicate member %q", m.name)
				}
				c.out = append(c.out, ',')
			}
			c.out = append(c.out, body[m.start-open-1:m.end-open-1]...)
		}
	}
	c.out = append(c.out, '}')
	return nil
}

// str reads a string and returns its contents unescaped as encoding/json
// unescapes them: a slice of in when it has no escape, else of scratch
// (valid until the next call).
func (c *canonicalizer) str() ([]byte, error) {
	c.pos++ // '"'
	start := c.pos
	for c.pos < len(c.in) {
		switch b := c.in[c.pos]; {
		case b == '"':
			c.pos++
			return c.in[start : c.pos-1], nil
		case b == '\\':
			c.scratch = append(c.scratch[:0], c.in[start:c.pos]...)
			return c.unescape()
		case b < 0x20:
			return nil, c.syntaxError("in string literal")
		}
		c.pos++
	}
	return nil, errJSONEnd
}

// unescape continues str from the first backslash at pos.
func (c *canonicalizer) unescape() ([]byte, error) {
	for c.pos < len(c.in) {
		b := c.in[c.pos]
		switch {
		case b == '"':
			c.pos++
			return c.scratch, nil
		case b < 0x20:
			return nil, c.syntaxError("in string literal")
		case b != '\\':
			c.scratch = append(c.scratch, b)
			c.pos++
			continue
		}
		c.pos++ // '\\'
		switch e := c.next(); e {
		case '"', '\\', '/':
			c.scratch = append(c.scratch, e)
		case 'b':
			c.scratch = append(c.scratch, '\b')
		case 'f':
			c.scratch = append(c.scratch, '\f')
		case 'n':
			c.scratch = append(c.scratch, '\n')
		case 'r':
			c.scratch = append(c.scratch, '\r')
		case 't':
			c.scratch = append(c.scratch, '\t')
		case 'u':
			r := hex4(c.in[c.pos+1:])
			if r < 0 {
				return nil, c.syntaxError("in \\u hexadecimal character escape")
			}
			c.pos += 4
			if utf16.IsSurrogate(r) {
				// A valid pair is one character; anything else makes the
				// first half U+FFFD and is read on its own.
				if rest := c.in[c.pos+1:]; len(rest) >= 6 && rest[0] == '\\' && rest[1] == 'u' {
					if d := utf16.DecodeRune(r, hex4(rest[2:])); d != unicode.ReplacementChar {
						c.scratch = utf8.AppendRune(c.scratch, d)
						c.pos += 7
						continue
					}
				}
				r = unicode.ReplacementChar
			}
			c.scratch = utf8.AppendRune(c.scratch, r)
		default:
			return nil, c.syntaxError("in string escape code")
		}
		c.pos++
	}
	return nil, errJSONEnd
}

// hex4 is the value of the four hex digits that start b, or -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, d := range b[:4] {
		switch {
		case '0' <= d && d <= '9':
			d -= '0'
		case 'a' <= d && d <= 'f':
			d -= 'a' - 10
		case 'A' <= d && d <= 'F':
			d -= 'A' - 10
		default:
			return -1
		}
		r = r*16 + rune(d)
	}
	return r
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a canonical JSON string.
func appendString(out, s []byte) []byte {
	out = append(out, '"')
	start := 0
	for i, c := range s {
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		out = append(out, s[start:i]...)
		switch c {
		case '"', '\\':
			out = append(out, '\\', c)
		case '\b':
			out = append(out, '\\', 'b')
		case '\f':
			out = append(out, '\\', 'f')
		case '\n':
			out = append(out, '\\', 'n')
		case '\r':
			out = append(out, '\\', 'r')
		case '\t':
			out = append(out, '\\', 't')
		default:
			out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	out = append(out, s[start:]...)
	return append(out, '"')
}

// isPrintableLine reports whether s is valid UTF-8 without control
// characters (what a signed note's text may contain on one line).
func isPrintableLine(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
