package ledger_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ledger"
	"github.com/tongban/tongban/internal/store"
)

func sampleEvent() store.Event {
	return store.Event{
		Seq: 42, ID: "01JABCDEFGHJKMNPQRSTVWXYZ0", ProjectID: "01JPROJECT0000000000000000", TaskID: "01JTASK",
		Kind: "task.approve", ActorID: "u1", ActorName: "张三", ActorRole: "officer", From: "20", To: "30",
		FromLevel: 1, ToLevel: 2, Opinion: "同意。<ok>",
		Data: map[string]any{"b": 1, "a": map[string]any{"z": true, "y": []any{1, 2.5, "x\n"}}},
		At:   time.UnixMilli(1767225600123).Add(456 * time.Microsecond), // below a millisecond is not stored
	}
}

// TestEventLeafGolden pins the leaf encoding. The expected hash was
// computed independently, in Python with OpenSSL's SM3, from the layout in
// docs/ledger.md: changing the encoding breaks every existing proof, so it
// needs a new EventLeafVersion, not an edit.
func TestEventLeafGolden(t *testing.T) {
	leaf, err := ledger.EventLeaf(sampleEvent())
	if err != nil {
		t.Fatal(err)
	}
	const want = "e3839582cf85a4f9359c9ce034a4dada1050a3d2de4b84db129b1832f82642ce"
	if got := hex.EncodeToString(ledger.Hasher{}.HashLeaf(leaf)); got != want {
		t.Errorf("leaf hash = %s, want %s\nleaf = %q", got, want, leaf)
	}
}

// TestEventLeafRoundTrip: the leaf computed in the hook (from the event as
// given) equals the one computed from the stored row (raw data text) and
// from the event read back by store.ListEvents.
func TestEventLeafRoundTrip(t *testing.T) {
	e := sampleEvent()
	fromHook, err := ledger.EventLeaf(e)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := json.Marshal(e.Data)
	fromRow, err := ledger.EventLeafRaw(e, stored)
	if err != nil {
		t.Fatal(err)
	}
	var back store.Event = e
	back.Data = nil
	if err := json.Unmarshal(stored, &back.Data); err != nil {
		t.Fatal(err)
	}
	back.At = time.UnixMilli(e.At.UnixMilli()).UTC()
	fromRead, err := ledger.EventLeaf(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fromHook, fromRow) || !bytes.Equal(fromHook, fromRead) {
		t.Errorf("leaves differ:\nhook %q\nrow  %q\nread %q", fromHook, fromRow, fromRead)
	}
	// Empty and nil data are both "{}", as the store writes them.
	e.Data = nil
	a, _ := ledger.EventLeaf(e)
	e.Data = map[string]any{}
	b, _ := ledger.EventLeaf(e)
	c, _ := ledger.EventLeafRaw(e, []byte("{}"))
	if !bytes.Equal(a, b) || !bytes.Equal(a, c) {
		t.Error("nil data, empty data and {} give different leaves")
	}
	// Every field counts.
	base, _ := ledger.EventLeaf(sampleEvent())
	for name, change := range map[string]func(*store.Event){
		"seq":     func(e *store.Event) { e.Seq++ },
		"opinion": func(e *store.Event) { e.Opinion += "!" },
		"level":   func(e *store.Event) { e.ToLevel = 3 },
		"at":      func(e *store.Event) { e.At = e.At.Add(time.Millisecond) },
		"data":    func(e *store.Event) { e.Data["b"] = 2 },
		"shift":   func(e *store.Event) { e.StageID, e.TaskID = e.TaskID, "" }, // same bytes, other field
	} {
		e := sampleEvent()
		change(&e)
		if l, _ := ledger.EventLeaf(e); bytes.Equal(l, base) {
			t.Errorf("changing %s leaves the leaf unchanged", name)
		}
	}
}

func TestEventLeafBadInput(t *testing.T) {
	e := sampleEvent()
	e.Opinion = "\xff"
	if _, err := ledger.EventLeaf(e); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("invalid UTF-8 opinion: err = %v, want invalid", err)
	}
	if _, err := ledger.EventLeafRaw(sampleEvent(), []byte(`{"a":1,"a":2}`)); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("duplicate data member: err = %v, want invalid", err)
	}
}

func TestCanonicalJSON(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{}`, `{}`},
		{` { "b" : 1 , "a" : [ 1 , 2 ] } `, `{"a":[1,2],"b":1}`},
		{`{"é":1,"z":2,"A":3,"中":4}`, `{"A":3,"z":2,"é":1,"中":4}`},
		{`[1.50, -0, 1e+21, 12345678901234567890]`, `[1.50,-0,1e+21,12345678901234567890]`},
		{`"\u003c\u0026\u003e \u2028 \/ \u00e9"`, "\"<&> \u2028 / é\""},
		{`"\"\\\b\f\n\r\t\u0001\u001f\u007f"`, `"\"\\\b\f\n\r\t\u0001\u001f` + "\x7f\""},
		{`{"a":{"c":null,"b":[true,false,{}]}}`, `{"a":{"b":[true,false,{}],"c":null}}`},
		{`"😀"`, `"😀"`},
		{`"\ud83d\ude00"`, `"😀"`},
	} {
		got, err := ledger.CanonicalJSON([]byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("CanonicalJSON(%s) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
	deep := bytes.Repeat([]byte("["), 100)
	for _, bad := range []string{``, `{`, `{"a":1,"a":1}`, `{} {}`, `[1,]`, "\"\xff\"", `{"a" 1}`, `nul`, string(deep)} {
		if got, err := ledger.CanonicalJSON([]byte(bad)); err == nil {
			t.Errorf("CanonicalJSON(%q) = %s, want an error", bad, got)
		}
	}
}

// canonicalEdgeCases are texts where a JSON reader can go wrong: escapes,
// surrogates, numbers, nesting, member order and white space.
var canonicalEdgeCases = []string{
	`"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\ude00\ud83d"`, `"\ud83d\ud83d\ude00"`, `"\uD83D\uDE00"`,
	`"\ud83d\u12"`, `"\u12"`, `"\u"`, `"\x"`, `"\'"`, `"a\"`, `"\/\b\f\n\r\t\\\""`, "\"\t\"", "\"\x7f\"", `"\u0000"`,
	`0`, `-0`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `1E-07`, `+1`, `1.5e3x`, `tru`, `truex`, `nulll`, `[true,false,null]`,
	`{"b":1,"a":2,"b":3}`, `{"a":1,"a":1}`, `{"\u0061":1,"a":2}`, `{"é":1,"e":2,"":3}`, `{"a":[{"d":1,"c":2}],"0":{}}`,
	`{"a":1,}`, `{,}`, `{"a"}`, `{"a":}`, `{1:2}`, `[1 2]`, `[,1]`, `[1,]`, `]`, `}`, `[}`, `{]`, `{"a":1 "b":2}`,
	" \t\r\n{ \"a\" : [ 1 , { } ] }\n ", "{}\x00", `{} []`, `"x" "y"`, "\ufeff{}",
	strings.Repeat("[", 64) + strings.Repeat("]", 64), strings.Repeat("[", 65) + strings.Repeat("]", 65),
	strings.Repeat("[", 65) + "1" + strings.Repeat("]", 65), strings.Repeat(`{"a":`, 64) + "1" + strings.Repeat("}", 64),
	strings.Repeat(`{"a":`, 65) + "1" + strings.Repeat("}", 65), strings.Repeat(`{"a":`, 65) + "{}" + strings.Repeat("}", 65),
}

// TestCanonicalJSONAsEncodingJSON holds the scanner to the first
// implementation, on encoding/json's Decoder, over the edge cases
// (FuzzCanonicalJSON goes further).
func TestCanonicalJSONAsEncodingJSON(t *testing.T) {
	for _, in := range canonicalEdgeCases {
		got, err := ledger.CanonicalJSON([]byte(in))
		want, wantErr := refCanonicalJSON([]byte(in))
		if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
			t.Errorf("CanonicalJSON(%q) = %q, %v; encoding/json's reading gives %q, %v", in, got, err, want, wantErr)
		}
	}
}

func FuzzCanonicalJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"b":1,"a":[1,2.5,"x"]}`, `"\u00e9\n"`, `[[[]]]`, `{"a":{"a":{}}}`, `-0.0e-5`} {
		f.Add([]byte(s))
	}
	for _, s := range canonicalEdgeCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := ledger.CanonicalJSON(in)
		if ref, refErr := refCanonicalJSON(in); (err == nil) != (refErr == nil) || !bytes.Equal(out, ref) {
			t.Fatalf("CanonicalJSON(%q) = %q, %v; the encoding/json reading gives %q, %v", in, out, err, ref, refErr)
		}
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("CanonicalJSON(%q) = %q: not valid JSON", in, out)
		}
		again, err := ledger.CanonicalJSON(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q → %q → %q, %v", in, out, again, err)
		}
		var a, b any
		if json.Unmarshal(in, &a) == nil && json.Unmarshal(out, &b) == nil {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if !bytes.Equal(ja, jb) {
				t.Fatalf("meaning changed: %q → %q", in, out)
			}
		}
	})
}
