package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/tongban/tongban/internal/apitest"
	"github.com/tongban/tongban/internal/apperr"
	"github.com/tongban/tongban/internal/ledger"
)

// TestLedgerVerifyEndToEnd serves the binary, opens a project and decides
// a task over HTTP, waits for the checkpoint job to cover the events,
// downloads the record and verifies it offline; then tampers with the
// file in the ways a forger would and expects each to fail with a message
// that says what is wrong. Last, the operator's check of the database.
func TestLedgerVerifyEndToEnd(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	base, pass, shared := server(t, "--data", dir, "--checkpoint-interval", "1s")
	app := login(t, base, "qiye", pass["qiye"])
	var flows struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	if err := app.Do(ctx, http.MethodGet, "/api/v1/catalog/flows", nil, &flows); err != nil || len(flows.Items) == 0 {
		t.Fatalf("flows: %v", err)
	}
	var pr struct {
		ID string `json:"id"`
	}
	if err := app.Do(ctx, http.MethodPost, "/api/v1/projects", map[string]any{"code": "2025-350211-47-03-000321", "name": "账本校验测试项目", "flow_id": flows.Items[0].ID,
		"district": "350211", "investment": 8000.0, "land_area": 30000.0, "floor_area": 45000.0}, &pr); err != nil {
		t.Fatal(err)
	}
	uploadAll(t, app, pr.ID, 1)
	var sub struct {
		Tasks []task `json:"tasks"`
	}
	if err := app.Do(ctx, http.MethodPost, "/api/v1/projects/"+pr.ID+"/stages/1/submit", map[string]any{}, &sub); err != nil {
		t.Fatal(err)
	}
	driveTask(t, base, shared, sub.Tasks[0])

	// The checkpoint job (every second) covers the events.
	var raw []byte
	deadline := time.Now().Add(30 * time.Second)
	for {
		var rec ledger.Record
		if err := app.Do(ctx, http.MethodGet, "/api/v1/projects/"+pr.ID+"/record", nil, &rec); err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, e := range rec.Events {
			if e.Pending || e.LeafIndex == nil {
				pending++
			}
		}
		if pending == 0 && len(rec.Events) > 5 {
			raw, _ = json.MarshalIndent(rec, "", "  ")
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s, %d of %d events are still not under a checkpoint", pending, len(rec.Events))
		}
		time.Sleep(200 * time.Millisecond)
	}
	anon := apitest.New(base)
	keysJSON := getRaw(t, anon, "/api/v1/ledger/keys")
	cpJSON := getRaw(t, anon, "/api/v1/ledger/checkpoint")
	keysFile := writeFile(t, "keys.json", keysJSON)
	cpFile := writeFile(t, "checkpoint.json", cpJSON)
	recFile := writeFile(t, "record.json", raw)

	for _, args := range [][]string{
		{"--record", recFile},
		{"--record", recFile, "--key", keysFile},
		{"--record", recFile, "--key", keysFile, "--checkpoint", cpFile},
	} {
		out, err := ledgerCmd(ctx, append([]string{"verify"}, args...)...)
		if err != nil || !strings.Contains(out, " 0 失败 failed") || !strings.Contains(out, "✓ 检查点 / checkpoint") || strings.Contains(out, "✗") {
			t.Fatalf("verify %v: %v\n%s", args, err, out)
		}
		t.Logf("verify %v:\n%s", args, out)
	}

	// A key of the same name that is not the system's.
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	var keys struct {
		Keys []ledger.PublicKey `json:"keys"`
	}
	_ = json.Unmarshal(keysJSON, &keys)
	wrongKey, _ := note.NewEd25519VerifierKey(keys.Keys[1].Name, otherKey.Public().(ed25519.PublicKey))
	wrongKeyFile := writeFile(t, "wrong.key", []byte("# not the system's key\n"+wrongKey+"\n"))

	for _, c := range []struct {
		name   string
		edit   func(r *ledger.Record)
		args   []string
		says   string // in the output or the error
		okLeft bool   // other events still verify
	}{
		{"opinion edited", func(r *ledger.Record) { withOpinion(t, r).Opinion = "不同意" }, nil, "the event's fields differ from what was recorded", true},
		{"time edited", func(r *ledger.Record) { r.Events[1].AtMS++ }, nil, "the event's fields differ from what was recorded", true},
		{"root changed in the note", func(r *ledger.Record) {
			lines := strings.SplitN(r.Checkpoint, "\n", 4)
			lines[2] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
			r.Checkpoint = strings.Join(lines, "\n")
		}, nil, "does not verify (text or signature altered)", false},
		{"root field changed", func(r *ledger.Record) { r.Root = strings.Repeat("ab", 32) }, nil, "disagree with its signed checkpoint", false},
		{"proof hash dropped", func(r *ledger.Record) {
			e := withProof(t, r)
			e.Proof = e.Proof[:len(e.Proof)-1]
		}, nil, "the proof was altered", true},
		{"proof hash changed", func(r *ledger.Record) { e := withProof(t, r); e.Proof[0] = strings.Repeat("00", 32) }, nil, "does not lead to the checkpoint's root", true},
		{"marked pending to dodge the check", func(r *ledger.Record) { e := withProof(t, r); e.Pending, e.Proof = true, nil }, nil, "gives no proof", true},
		{"wrong key", func(*ledger.Record) {}, []string{"--key", wrongKeyFile}, "no signature by a trusted key", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r ledger.Record
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			c.edit(&r)
			b, _ := json.Marshal(r)
			f := writeFile(t, "tampered.json", b)
			out, err := ledgerCmd(ctx, append([]string{"verify", "--record", f}, c.args...)...)
			if err == nil || apperr.As(err).Key != "ledger.verify_failed" {
				t.Fatalf("verify passed or failed oddly (%v):\n%s", err, out)
			}
			t.Logf("%s:\n%s", c.name, out)
			if !strings.Contains(out, c.says) {
				t.Errorf("output does not say %q:\n%s", c.says, out)
			}
			if c.okLeft != strings.Contains(out, "✓ #") {
				t.Errorf("other events verified: %v, want %v:\n%s", !c.okLeft, c.okLeft, out)
			}
		})
	}

	// The operator's check of the whole database, the server running.
	out, err := ledgerCmd(ctx, "verify", "--data", dir)
	if err != nil || !strings.Contains(out, "\nok: ") {
		t.Fatalf("ledger verify --data: %v\n%s", err, out)
	}
	last := strings.Split(strings.TrimSpace(out), "\n")
	if l := last[len(last)-1]; !strings.HasPrefix(l, "ok: ") || !strings.Contains(l, " entries, root ") {
		t.Errorf("last line %q, want ok: N entries, root <hex>", l)
	}
	if out, err := ledgerCmd(ctx, "audit", "--data", dir, "--key", wrongKeyFile); err == nil || !strings.Contains(out, "no signature by a trusted key") {
		t.Errorf("audit with a key that did not sign: %v\n%s", err, out)
	}
	if _, err := ledgerCmd(ctx, "verify", "--data", t.TempDir()); apperr.As(err).Key != "cli.data" {
		t.Errorf("verify of an empty directory: %v", err)
	}
}

func ledgerCmd(ctx context.Context, args ...string) (string, error) {
	var out bytes.Buffer
	err := run(ctx, append([]string{"ledger"}, args...), &out, &out)
	return out.String(), err
}

func getRaw(t *testing.T, c *apitest.Client, path string) []byte {
	t.Helper()
	var m json.RawMessage
	if err := c.Do(context.Background(), http.MethodGet, path, nil, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func withOpinion(t *testing.T, r *ledger.Record) *ledger.RecordEvent {
	for i := range r.Events {
		if r.Events[i].Opinion != "" && len(r.Events[i].Proof) > 0 {
			return &r.Events[i]
		}
	}
	t.Fatal("no event with an opinion and a proof")
	return nil
}

func withProof(t *testing.T, r *ledger.Record) *ledger.RecordEvent {
	for i := range r.Events {
		if len(r.Events[i].Proof) > 1 {
			return &r.Events[i]
		}
	}
	t.Fatal("no event with a proof of two hashes or more")
	return nil
}
