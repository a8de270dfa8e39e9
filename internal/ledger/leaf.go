package ledger

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
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
func CanonicalJSON(raw []byte) ([]byte, error) {
	if !utf8.Valid(raw) {
		return nil, errors.New("canonical JSON: not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out bytes.Buffer
	out.Grow(len(raw))
	if err := canonValue(dec, &out, 0); err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("canonical JSON: data after the value")
	}
	return out.Bytes(), nil
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

func canonValue(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	if depth > maxDepth {
		return errors.New("nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return canonObject(dec, out, depth)
		case '[':
			out.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					out.WriteByte(',')
				}
				if err := canonValue(dec, out, depth+1); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // ']'
				return err
			}
			out.WriteByte(']')
			return nil
		}
		return fmt.Errorf("unexpected %v", t)
	case string:
		writeString(out, t)
	case json.Number:
		out.WriteString(string(t))
	case bool:
		if t {
			out.WriteString("true")
		} else {
			out.WriteString("false")
		}
	case nil:
		out.WriteString("null")
	default:
		return fmt.Errorf("unexpected token %T", tok)
	}
	return nil
}

func canonObject(dec *json.Decoder, out *bytes.Buffer, depth int) error {
	type member struct {
		name  string
		value []byte
	}
	var members []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, ok := tok.(string)
		if !ok {
			return errors.New("object member name is not a string")
		}
		if seen[name] {
			return fmt.Errorf("duplicate member %q", name)
		}
		seen[name] = true
		var v bytes.Buffer
		if err := canonValue(dec, &v, depth+1); err != nil {
			return err
		}
		members = append(members, member{name, v.Bytes()})
	}
	if _, err := dec.Token(); err != nil { // '}'
		return err
	}
	// Go compares strings bytewise: UTF-8 byte order, which is also code
	// point order.
	sort.Slice(members, func(i, j int) bool { return members[i].name < members[j].name })
	out.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			out.WriteByte(',')
		}
		writeString(out, m.name)
		out.WriteByte(':')
		out.Write(m.value)
	}
	out.WriteByte('}')
	return nil
}

const hexDigits = "0123456789abcdef"

func writeString(out *bytes.Buffer, s string) {
	out.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		out.WriteString(s[start:i])
		switch c {
		case '"', '\\':
			out.WriteByte('\\')
			out.WriteByte(c)
		case '\b':
			out.WriteString(`\b`)
		case '\f':
			out.WriteString(`\f`)
		case '\n':
			out.WriteString(`\n`)
		case '\r':
			out.WriteString(`\r`)
		case '\t':
			out.WriteString(`\t`)
		default:
			out.WriteString(`\u00`)
			out.WriteByte(hexDigits[c>>4])
			out.WriteByte(hexDigits[c&0xf])
		}
		start = i + 1
	}
	out.WriteString(s[start:])
	out.WriteByte('"')
}

// isPrintableLine reports whether s is valid UTF-8 without control
// characters (what a signed note's text may contain on one line).
func isPrintableLine(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
